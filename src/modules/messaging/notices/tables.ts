/** Row type of document_notices (migrations/0010_document_notices.sql), added to the Kysely `DB` interface. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface DocumentNoticesTable {
  document_id: number;
  subscription_id: number;
  partner_id: number | null;
  phone: string;
  state: 'queued' | 'skipped';
  skip_reason: string | null;
  batch_id: number | null;
  batch_accepted_at: NullableTimestamp;
  created_at: Timestamp;
}

declare module '../../../platform/db/schema.ts' {
  interface DB {
    document_notices: DocumentNoticesTable;
  }
}
