/** Row types of migrations/0017_events.sql, added to the Kysely `DB` interface by module augmentation. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface EventsTable {
  id: Generated<number>;
  /** xid8, read as text */
  tx_id: Generated<string>;
  partner_id: number | null;
  subscription_id: number | null;
  type: string;
  object_type: string;
  object_id: string;
  state: string;
  data: Json<Record<string, unknown>>;
  occurred_at: Timestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    events: EventsTable;
  }
}
