/**
 * Row types of the portal account tables (migrations/0004_portal_access.sql: portal users, recovery codes,
 * operators, sessions, login throttle, company conversions), added to the Kysely `DB` interface by module
 * augmentation so the shared schema file stays untouched. The API access tables are in
 * `../access/access-tables.ts`.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UserKind = 'individual' | 'company';

export interface PortalUsersTable {
  id: Generated<number>;
  login_id: string;
  password_hash: string;
  name: string;
  email: string;
  phone: Generated<string>;
  kind: Generated<UserKind>;
  bizno: string | null;
  com_name: string | null;
  ceo_name: string | null;
  uptae: string | null;
  jongmok: string | null;
  addr: string | null;
  tel: string | null;
  totp_secret_sealed: Buffer | null;
  totp_pending_sealed: Buffer | null;
  totp_enabled_at: NullableTimestamp;
  totp_last_step: number | null;
  withdrawn_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PortalRecoveryCodesTable {
  user_id: number;
  code_hash: Buffer;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface OperatorsTable {
  id: Generated<number>;
  login_id: string;
  password_hash: string;
  name: string;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SubjectKind = 'user' | 'operator';

export interface PortalSessionsTable {
  id: Generated<number>;
  token_hash: Buffer;
  subject_kind: SubjectKind;
  subject_id: number;
  mfa_pending: Generated<boolean>;
  ip: Generated<string>;
  user_agent: Generated<string>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface LoginThrottleTable {
  scope: string;
  key: string;
  failures: Generated<number>;
  window_start: Timestamp;
  locked_until: NullableTimestamp;
}

export type ConversionState = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface CompanyConversionsTable {
  id: Generated<number>;
  user_id: number;
  bizno: string;
  com_name: string;
  ceo_name: string;
  uptae: Generated<string>;
  jongmok: Generated<string>;
  addr: Generated<string>;
  tel: Generated<string>;
  state: Generated<ConversionState>;
  reason: Generated<string>;
  reviewed_by: number | null;
  reviewed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    portal_users: PortalUsersTable;
    portal_recovery_codes: PortalRecoveryCodesTable;
    operators: OperatorsTable;
    portal_sessions: PortalSessionsTable;
    login_throttle: LoginThrottleTable;
    company_conversions: CompanyConversionsTable;
  }
}
