/**
 * Row types of the member web's tables (migrations/0013_member_web.sql: member sessions, password resets, the
 * members' 보안로그인 columns), added to the Kysely `DB` interface by module augmentation.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface MemberSessionsTable {
  id: Generated<number>;
  token_hash: Buffer;
  member_id: number;
  subscription_id: number | null;
  mfa_pending: Generated<boolean>;
  ip: Generated<string>;
  user_agent: Generated<string>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface MemberPasswordResetsTable {
  id: Generated<number>;
  member_id: number;
  token_hash: Buffer;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    member_sessions: MemberSessionsTable;
    member_password_resets: MemberPasswordResetsTable;
  }
  interface MembersTable {
    totp_secret_sealed: Generated<Buffer | null>;
    totp_pending_sealed: Generated<Buffer | null>;
    totp_enabled_at: NullableTimestamp;
    totp_last_step: Generated<number | null>;
  }
}
