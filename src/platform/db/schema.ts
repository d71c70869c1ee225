/**
 * Row types of the tables, for Kysely. One interface per table; keep in step with migrations/.
 * `Generated<T>` marks columns the database fills (identity, defaults).
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export interface ServiceUnitsTable {
  id: Generated<number>;
  name: string;
  metered_item: string;
  unit_price_krw: Generated<number>;
  limit_per_period: Generated<number>;
  period: Generated<'month' | 'year' | 'subscription'>;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ServicePackagesTable {
  id: Generated<number>;
  name: string;
  description: Generated<string>;
  price_krw: Generated<number>;
  period_months: Generated<number>;
  retired_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PackageUnitsTable {
  package_id: number;
  unit_id: number;
}

export interface MembersTable {
  id: Generated<number>;
  bizno: string;
  sub_bizno: Generated<string>;
  com_name: string;
  ceo_name: string;
  uptae: Generated<string>;
  jongmok: Generated<string>;
  zipcode: Generated<string>;
  addr1: Generated<string>;
  addr2: Generated<string>;
  tel: Generated<string>;
  fax: Generated<string>;
  login_id: string;
  password_hash: string;
  user_name: string;
  email: string;
  dept: Generated<string>;
  user_tel: Generated<string>;
  hp: Generated<string>;
  reseller_code: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SubscriptionState = 'active' | 'suspended' | 'terminated';

export interface SubscriptionsTable {
  id: Generated<number>;
  member_id: number;
  package_id: number;
  state: Generated<SubscriptionState>;
  amount_krw: number;
  vat_krw: number;
  total_krw: number;
  start_date: string;
  end_date: string | null;
  svc_key_salt: Buffer;
  svc_key_hash: Buffer;
  svc_key_issued_at: Timestamp;
  auto_file_nts: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionUnitsTable {
  subscription_id: number;
  unit_id: number;
}

export interface LedgersTable {
  id: Generated<number>;
  subscription_id: number;
  kind: 'sales' | 'purchase';
  db_name: string;
  table_name: string;
  created_at: Timestamp;
}

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  payload: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  state: Generated<'pending' | 'running' | 'done' | 'failed'>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_at: Timestamp;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
  /** The claim that took the job last (JobWorker): a claim whose answer was lost hands its jobs back by it. */
  claim_token: string | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number | null;
  response_body: Json | null;
  created_at: Timestamp;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: Timestamp;
}

export interface DB {
  service_units: ServiceUnitsTable;
  service_packages: ServicePackagesTable;
  package_units: PackageUnitsTable;
  members: MembersTable;
  subscriptions: SubscriptionsTable;
  subscription_units: SubscriptionUnitsTable;
  ledgers: LedgersTable;
  jobs: JobsTable;
  idempotency_keys: IdempotencyKeysTable;
  schema_migrations: SchemaMigrationsTable;
}

export type DocState = 'N' | 'U' | 'D';
export type ProcState = 'T' | 'S' | 'A' | 'R' | 'C';
export type ReadState = 'N' | 'Y';
export type NtsState = '0' | '1' | '2' | '3' | '4';

/**
 * The stored document (`documents.body`, jsonb): the validated `DocumentInput`. Its shape belongs to the
 * documents module, which declares it by augmenting this interface (model.ts), so the platform does not
 * import a module and every reader of `body` gets the document type without a cast.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface StoredDocumentBody {}

export interface DocumentsTable {
  id: Generated<number>;
  subscription_id: number;
  dockey: string;
  subkey: string | null;
  doc_state: Generated<DocState>;
  proc_state: Generated<ProcState>;
  read_state: Generated<ReadState>;
  nts_state: Generated<NtsState>;
  kind: 'tax_invoice' | 'invoice';
  type_code: string;
  modify_code: string | null;
  write_date: string;
  sup_bizno: string;
  sup_name: string;
  buy_id: string;
  buy_bizno: string | null;
  buy_sub_bizno: Generated<string>;
  buy_name: string;
  buy_email1: string | null;
  supply_amt: number;
  tax_amt: number;
  total_amt: number;
  item_summary: Generated<string>;
  has_statement: Generated<boolean>;
  body: Json<StoredDocumentBody>;
  nts_issue_id: string | null;
  issued_at: NullableTimestamp;
  send_at: NullableTimestamp;
  mail_result: Generated<string>;
  read_at: NullableTimestamp;
  responded_at: NullableTimestamp;
  reject_reason: string | null;
  nts_req_at: NullableTimestamp;
  nts_resp_at: NullableTimestamp;
  nts_result_code: string | null;
  nts_result_msg: string | null;
  submit_id: string | null;
  replaces_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LedgerEntriesTable {
  ledger_id: number;
  document_id: number;
  subscription_id: number;
  created_at: Timestamp;
}

export interface IssueSerialsTable {
  issuer_code: string;
  write_date: string;
  last_serial: number;
}

export interface MailOutboxTable {
  id: Generated<number>;
  subscription_id: number;
  document_id: number;
  reason: 'issue' | 'resend' | 'update';
  to_addr: string;
  cc_addr: string | null;
  state: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  message_id: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface UsageCountersTable {
  subscription_id: number;
  unit_id: number;
  period_start: string;
  used: Generated<number>;
}

export interface DB {
  documents: DocumentsTable;
  ledger_entries: LedgerEntriesTable;
  issue_serials: IssueSerialsTable;
  mail_outbox: MailOutboxTable;
  usage_counters: UsageCountersTable;
}
