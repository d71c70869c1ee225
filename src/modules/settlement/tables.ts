/**
 * Row types of the settlement tables (migrations/0011_settlement_usage.sql), added to the Kysely `DB` interface by
 * module augmentation. The ledger (usage_records) is declared by the messaging module that created it (0009).
 */
import type { ColumnType } from 'kysely';
import '../messaging/sending/tables.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface PartnerUnitPricesTable {
  partner_id: number;
  unit_id: number;
  valid_from: Timestamp;
  unit_price_krw: number;
  limit_per_period: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    partner_unit_prices: PartnerUnitPricesTable;
  }
}
