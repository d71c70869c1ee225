/**
 * Row type of `signing_certificates` (migrations/0003_nts.sql), added to the Kysely `DB` interface by module
 * augmentation so the shared schema file stays untouched.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface SigningCertificatesTable {
  id: Generated<number>;
  member_id: number;
  source: 'npki' | 'pkcs12';
  cert_der: Buffer;
  private_key_sealed: Buffer;
  random_num_sealed: Buffer;
  subject: string;
  issuer: string;
  serial_number: string;
  fingerprint256: string;
  key_bits: number;
  not_before: Timestamp;
  not_after: Timestamp;
  vid_bizno: string;
  vid_verified: boolean;
  uploaded_at: Timestamp;
  replaced_at: NullableTimestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    signing_certificates: SigningCertificatesTable;
  }
}
