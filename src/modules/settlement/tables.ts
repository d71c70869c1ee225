/**
 * Row types of the settlement tables (migrations/0011_settlement_usage.sql, 0012_billing.sql), added to the Kysely `DB` interface by
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

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Identity = ColumnType<number, number | undefined, never>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type BillState = 'due' | 'paid' | 'overdue';
export type PaymentMethod = 'virtual_account' | 'cms';

/** migrations/0012_billing.sql */
export interface BillingAccountsTable {
  partner_id: number;
  method: Defaulted<PaymentMethod>;
  va_bank_code: string | null;
  va_account_no: string | null;
  va_holder: string | null;
  va_issued_at: NullableTimestamp;
  cms_bank_code: string | null;
  cms_account_masked: string | null;
  cms_holder: string | null;
  cms_payer_ref: string | null;
  cms_consent_at: NullableTimestamp;
  cms_consent_evidence: string | null;
  cms_withdrawn_at: NullableTimestamp;
  credit_krw: Defaulted<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface BillingRunsTable {
  period: ColumnType<string, string, string>;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  started_by: Defaulted<string>;
  bills_created: Defaulted<number>;
  last_error: string | null;
}

export interface BillsTable {
  id: Identity;
  order_no: string;
  partner_id: number;
  period: ColumnType<string, string, string>;
  usage_from: Timestamp;
  usage_to: Timestamp;
  supply_krw: number;
  vat_krw: number;
  total_krw: number;
  paid_krw: Defaulted<number>;
  state: Defaulted<BillState>;
  method: PaymentMethod;
  billed_at: Timestamp;
  due_at: Timestamp;
  paid_at: NullableTimestamp;
  overdue_at: NullableTimestamp;
  notice_mailed_at: NullableTimestamp;
  invoice_document_id: number | null;
  invoice_subkey: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface BillLinesTable {
  bill_id: number;
  line_no: number;
  unit_id: number | null;
  metered_item: string;
  name: string;
  quantity: number;
  unit_price_krw: number;
  supply_krw: number;
}

export interface BankNoticesTable {
  id: Identity;
  transaction_id: string;
  kind: 'deposit' | 'deposit_cancel' | 'debit_result';
  partner_id: number | null;
  bank_code: Defaulted<string>;
  account_no: Defaulted<string>;
  amount_krw: number;
  depositor: Defaulted<string>;
  occurred_at: Timestamp;
  cancels_id: string | null;
  debit_id: number | null;
  result_code: Defaulted<string>;
  received_at: DefaultTimestamp;
}

export interface BillPaymentsTable {
  id: Identity;
  bill_id: number;
  partner_id: number;
  source: PaymentMethod | 'credit';
  notice_id: number | null;
  amount_krw: number;
  paid_at: Timestamp;
  reversed_at: NullableTimestamp;
  created_at: DefaultTimestamp;
}

export interface BillingCreditEntriesTable {
  id: Identity;
  partner_id: number;
  amount_krw: number;
  reason: 'overpayment' | 'applied' | 'reversed' | 'adjustment';
  notice_id: number | null;
  bill_id: number | null;
  created_at: Timestamp;
}

export interface CmsDebitsTable {
  id: Identity;
  bill_id: number;
  partner_id: number;
  attempt: Defaulted<number>;
  amount_krw: number;
  state: Defaulted<'requested' | 'succeeded' | 'failed'>;
  result_code: Defaulted<string>;
  requested_at: Timestamp;
  result_at: NullableTimestamp;
}

export interface BillAdjustmentsTable {
  id: Identity;
  bill_id: number;
  supply_delta_krw: number;
  vat_delta_krw: number;
  reason: string;
  operator_id: number | null;
  invoice_document_id: number | null;
  invoice_subkey: string;
  created_at: Timestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    partner_unit_prices: PartnerUnitPricesTable;
    billing_accounts: BillingAccountsTable;
    billing_runs: BillingRunsTable;
    bills: BillsTable;
    bill_lines: BillLinesTable;
    bank_notices: BankNoticesTable;
    bill_payments: BillPaymentsTable;
    billing_credit_entries: BillingCreditEntriesTable;
    cms_debits: CmsDebitsTable;
    bill_adjustments: BillAdjustmentsTable;
  }
}
