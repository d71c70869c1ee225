/**
 * Row types of the sender tables (migrations/0007_messaging_senders.sql), added to the Kysely `DB` interface by
 * module augmentation so the shared schema file stays untouched.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type SenderNumberState = 'pending' | 'approved' | 'rejected';
export type SenderNumberKind = 'mobile' | 'landline' | 'internet' | 'representative' | 'toll_free';
export type KakaoChannelState = 'pending' | 'active' | 'dormant' | 'blocked';

export interface SenderNumbersTable {
  id: Generated<number>;
  partner_id: number;
  number: string;
  kind: SenderNumberKind;
  memo: Generated<string>;
  state: Generated<SenderNumberState>;
  proof_file_name: string;
  proof_content_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  proof_content: Buffer;
  review_comment: Generated<string>;
  reviewed_at: NullableTimestamp;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface KakaoChannelsTable {
  id: Generated<number>;
  partner_id: number;
  search_id: string;
  admin_phone: string;
  category_code: string;
  sender_key: string | null;
  state: Generated<KakaoChannelState>;
  token_attempts: Generated<number>;
  token_sent_at: NullableTimestamp;
  state_comment: Generated<string>;
  confirmed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    sender_numbers: SenderNumbersTable;
    kakao_channels: KakaoChannelsTable;
  }
}
