/**
 * Row types of the API access tables (migrations/0004_portal_access.sql: API service applications and their
 * documents, partners, API keys, retired key hashes, key IP allow-lists, the audit log, and the partner of a
 * member), added to the Kysely `DB` interface by module augmentation so the shared schema file stays untouched.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export type ApplicationState = 'pending' | 'documents_requested' | 'approved' | 'rejected' | 'cancelled';

export interface ApiApplicationsTable {
  id: Generated<number>;
  user_id: number;
  state: Generated<ApplicationState>;
  note: Generated<string>;
  review_note: Generated<string>;
  reviewed_by: number | null;
  reviewed_at: NullableTimestamp;
  rejected_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiApplicationDocumentsTable {
  id: Generated<number>;
  application_id: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  content: Buffer;
  uploaded_at: Timestamp;
}

export type PartnerState = 'active' | 'suspended';

export interface PartnersTable {
  id: Generated<number>;
  user_id: number;
  application_id: number;
  state: Generated<PartnerState>;
  suspended_reason: Generated<string>;
  /** migrations/0012: why suspended — an operator, or arrears (lifted when paid); empty while active. */
  suspension_kind: Generated<'' | 'operator' | 'arrears'>;
  suspended_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<number>;
  partner_id: number;
  prefix: string;
  key_hash: Buffer;
  enabled: Generated<boolean>;
  issued_at: Timestamp;
  last_used_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeyRetiredHashesTable {
  key_hash: Buffer;
  key_id: number;
  retired_at: Timestamp;
}

export interface ApiKeyIpsTable {
  key_id: number;
  address: string;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_kind: string;
  actor_id: number | null;
  actor_label: Generated<string>;
  action: string;
  target_kind: Generated<string>;
  target_id: number | null;
  ip: Generated<string>;
  details: Json<Record<string, unknown>>;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    api_applications: ApiApplicationsTable;
    api_application_documents: ApiApplicationDocumentsTable;
    partners: PartnersTable;
    api_keys: ApiKeysTable;
    api_key_retired_hashes: ApiKeyRetiredHashesTable;
    api_key_ips: ApiKeyIpsTable;
    audit_log: AuditLogTable;
  }
  interface MembersTable {
    partner_id: ColumnType<number | null, number | null | undefined, number | null>;
  }
}
