/** Row types of migrations/0018_webhooks.sql, added to the Kysely `DB` interface by module augmentation. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type EndpointState = 'enabled' | 'disabled';
export type DeliveryState = 'pending' | 'succeeded' | 'failed';

export interface WebhookEndpointsTable {
  id: Generated<number>;
  public_id: string;
  partner_id: number;
  channel: string;
  url: string;
  events: string[];
  description: Generated<string>;
  secret_sealed: Buffer;
  previous_secret_sealed: Buffer | null;
  previous_secret_expires_at: NullableTimestamp;
  state: Generated<EndpointState>;
  failing_since: NullableTimestamp;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDispatchCursorsTable {
  channel: string;
  /** xid8, read as text */
  tx_id: string;
  event_id: number;
  updated_at: Generated<Date>;
}

export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  id: string;
  endpoint_id: number;
  event_id: number;
  event_type: string;
  object_key: string;
  state: Generated<DeliveryState>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  expires_at: Timestamp;
  claim: string | null;
  claimed_until: NullableTimestamp;
  created_at: Timestamp;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_seq: number;
  at: Timestamp;
  status: number | null;
  duration_ms: number;
  response_excerpt: Generated<string>;
  error: string | null;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    webhook_endpoints: WebhookEndpointsTable;
    webhook_dispatch_cursors: WebhookDispatchCursorsTable;
    webhook_deliveries: WebhookDeliveriesTable;
    webhook_attempts: WebhookAttemptsTable;
  }
}
