/**
 * Row types of migrations/0015_cancel_reverse.sql (발행취소 columns, document events, 역발행 requests, notice
 * mails), added to the Kysely `DB` interface by module augmentation so the shared schema file stays untouched.
 */
import type { ColumnType, Generated } from 'kysely';
import type { DocumentInput } from './model.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type ReverseState = 'requested' | 'issued' | 'refused' | 'withdrawn';
export type DocumentEventType = 'approved' | 'rejected' | 'cancelled' | 'reverse_requested' | 'reverse_withdrawn' | 'reverse_refused' | 'reverse_issued';

export interface DocumentEventsTable {
  id: Generated<number>;
  document_id: number | null;
  request_id: number | null;
  type: DocumentEventType;
  occurred_at: Timestamp;
  details: Json<Record<string, unknown>>;
}

export interface ReverseRequestsTable {
  id: Generated<number>;
  reqkey: string;
  buyer_subscription_id: number;
  subkey: string | null;
  state: Generated<ReverseState>;
  sup_bizno: string;
  sup_email: string | null;
  supplier_subscription_id: number | null;
  buy_name: string;
  write_date: string;
  supply_amt: number;
  tax_amt: number;
  total_amt: number;
  body: Json<DocumentInput>;
  reason: string | null;
  document_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  responded_at: NullableTimestamp;
}

export interface NoticeMailsTable {
  id: Generated<number>;
  kind: string;
  document_id: number | null;
  request_id: number | null;
  to_addr: string;
  subject: string;
  text_body: string;
  html_body: string;
  state: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DocumentsTable {
    cancelled_at: NullableTimestamp;
    cancel_reason: string | null;
  }
  interface DB {
    document_events: DocumentEventsTable;
    reverse_requests: ReverseRequestsTable;
    notice_mails: NoticeMailsTable;
  }
}
