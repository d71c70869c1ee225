/**
 * Row type of the AlimTalk template table (migrations/0008_messaging_templates.sql), added to the Kysely `DB`
 * interface by module augmentation so the shared schema file stays untouched.
 */
import type { ColumnType, Generated } from 'kysely';
import type { TemplateContent } from './template-model.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export type TemplateState = 'REG' | 'REQ' | 'APR' | 'REJ';
export const TEMPLATE_STATES: readonly TemplateState[] = ['REG', 'REQ', 'APR', 'REJ'];

export interface KakaoTemplatesTable {
  id: Generated<number>;
  partner_id: number;
  channel_id: number;
  code: string;
  name: string;
  message_type: string;
  emphasis_type: string;
  body: string;
  /** the validated content (TemplateContent) as written */
  content: Json<TemplateContent>;
  variables: Json<string[]>;
  state: Generated<TemplateState>;
  review_comment: string | null;
  submitted_at: NullableTimestamp;
  reviewed_at: NullableTimestamp;
  approved_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  dormant_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module '../../../platform/db/schema.ts' {
  interface DB {
    kakao_templates: KakaoTemplatesTable;
  }
}
