/**
 * Row types of the sending tables (migrations/0009_messaging_sends.sql), added to the Kysely `DB` interface by
 * module augmentation. Batches, recipients and attempts are partitioned by month of `accepted_at` (KST):
 * every query that can should name `accepted_at` (or a range of it) so PostgreSQL prunes partitions.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** What a partner asks for. */
export type MessageType = 'alimtalk' | 'friendtalk' | 'brand' | 'sms' | 'lms' | 'mms' | 'auto';
/** What is actually sent to one recipient in one attempt ('auto' resolved to sms | lms). */
export type MessageKind = 'alimtalk' | 'friendtalk' | 'brand' | 'sms' | 'lms' | 'mms';
export type BatchState = 'reserved' | 'queued' | 'sending' | 'done' | 'cancelled';
export type RecipientState = 'reserved' | 'queued' | 'sending' | 'delivered' | 'failed' | 'cancelled';
export type AttemptState = 'queued' | 'sent' | 'delivered' | 'failed';

/** A recipient's validated fallback: an SMS or LMS from the batch's registered sender number. */
export interface RecipientFallback {
  kind: 'sms' | 'lms';
  text: string;
  subject?: string;
}

export interface MessageBatchesTable {
  id: Generated<number>;
  accepted_at: Timestamp;
  partner_id: number | null;
  subscription_id: number | null;
  source: Generated<'api' | 'document_notice'>;
  channel: string;
  type: MessageType;
  sender_number: string | null;
  channel_id: number | null;
  template_id: number | null;
  template_code: string | null;
  template_name: string | null;
  is_ad: Generated<boolean>;
  content: Generated<Json<Record<string, unknown>>>;
  state: BatchState;
  reserve_at: NullableTimestamp;
  hold_reason: string | null;
  total: number;
  pending: number;
  success: Generated<number>;
  failure: Generated<number>;
  cancelled: Generated<number>;
  last_sent_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  done_at: NullableTimestamp;
}

export interface MessageRecipientsTable {
  id: Generated<number>;
  accepted_at: Timestamp;
  batch_id: number;
  partner_id: number | null;
  seq: number;
  phone: string;
  client_ref: string | null;
  kind: MessageKind;
  subject: string | null;
  text: string;
  variables: NullableJson<Record<string, string>>;
  fallback: NullableJson<RecipientFallback>;
  state: RecipientState;
  result_code: string | null;
  result_message: string | null;
  attempts: Generated<number>;
  sent_at: NullableTimestamp;
  done_at: NullableTimestamp;
}

export interface MessageAttemptsTable {
  id: Generated<number>;
  accepted_at: Timestamp;
  recipient_id: number;
  batch_id: number;
  partner_id: number | null;
  channel: string;
  attempt_no: number;
  kind: MessageKind;
  is_fallback: Generated<boolean>;
  state: AttemptState;
  carrier_ref: string | null;
  result_code: string | null;
  result_message: string | null;
  unit_id: number | null;
  unit_price_krw: number | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  reported_at: NullableTimestamp;
}

export interface MessageClientRefsTable {
  partner_id: number;
  client_ref: string;
  batch_id: number;
  recipient_id: number;
  accepted_at: Timestamp;
}

export interface UsageRecordsTable {
  id: Generated<number>;
  event_key: string;
  partner_id: number | null;
  subscription_id: number | null;
  unit_id: number;
  metered_item: string;
  quantity: Generated<number>;
  unit_price_krw: number;
  occurred_at: Timestamp;
  recorded_at: Generated<Date>;
}

declare module '../../../platform/db/schema.ts' {
  interface DB {
    message_batches: MessageBatchesTable;
    message_recipients: MessageRecipientsTable;
    message_attempts: MessageAttemptsTable;
    message_client_refs: MessageClientRefsTable;
    usage_records: UsageRecordsTable;
  }
}
