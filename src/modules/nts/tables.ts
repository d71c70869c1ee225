/**
 * Row types of the NTS filing tables (migrations/0003_nts.sql), added to the Kysely `DB` interface by module
 * augmentation so the shared schema file stays untouched.
 */
import type { ColumnType, Generated } from 'kysely';
import '../certificates/tables.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type SubmissionState = 'packing' | 'prepared' | 'acked' | 'settled';
export type FilingState = 'queued' | 'packing' | 'sent' | 'succeeded' | 'failed';

export interface NtsSubmissionsTable {
  id: Generated<number>;
  channel: string;
  submit_id: string;
  state: Generated<SubmissionState>;
  total_count: number;
  reference_id: string;
  package: Buffer | null;
  transmit_attempts: Generated<number>;
  poll_attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  receipt_id: string | null;
  acked_at: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  settled_at: NullableTimestamp;
}

export interface NtsFilingsTable {
  id: Generated<number>;
  document_id: number;
  subscription_id: number;
  issue_id: string;
  attempt: number;
  channel: string;
  state: Generated<FilingState>;
  trigger: 'request' | 'auto';
  submission_id: number | null;
  certificate_id: number | null;
  signed_xml: string | null;
  result_code: string | null;
  result_msg: string | null;
  requested_at: Timestamp;
  sent_at: NullableTimestamp;
  settled_at: NullableTimestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    nts_submissions: NtsSubmissionsTable;
    nts_filings: NtsFilingsTable;
  }
}
