/** What callers see of a stored signing certificate: metadata and expiry status, never key material. */
import type { Selectable } from 'kysely';
import { expiryStatus, EXPIRING_WITHIN_DAYS, type ExpiryStatus } from '../signing/index.ts';
import type { SigningCertificatesTable } from './tables.ts';

export type CertificateRow = Selectable<SigningCertificatesTable>;

export interface CertificateView {
  certificateId: number;
  source: 'npki' | 'pkcs12';
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
  keyBits: number;
  notBefore: string;
  notAfter: string;
  /** valid, expiring (≤ 30 days left), expired, not_yet_valid. */
  expiryStatus: ExpiryStatus;
  daysLeft: number;
  /** The business number the certificate's VID was checked against, and the outcome. */
  vid: { bizno: string; verified: boolean };
  uploadedAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function certificateView(row: CertificateRow, now: Date): CertificateView {
  return {
    certificateId: row.id,
    source: row.source,
    subject: row.subject,
    issuer: row.issuer,
    serialNumber: row.serial_number,
    fingerprint256: row.fingerprint256,
    keyBits: row.key_bits,
    notBefore: row.not_before.toISOString(),
    notAfter: row.not_after.toISOString(),
    expiryStatus: expiryStatus({ notBefore: row.not_before, notAfter: row.not_after }, now),
    daysLeft: Math.floor((row.not_after.getTime() - now.getTime()) / DAY_MS),
    vid: { bizno: row.vid_bizno, verified: row.vid_verified },
    uploadedAt: row.uploaded_at.toISOString(),
  };
}

/** The expiry warning shown after an upload and on reads (Korean + English), or undefined. */
export function expiryWarning(view: CertificateView): string | undefined {
  if (view.expiryStatus !== 'expiring') return undefined;
  return `인증서가 ${view.daysLeft}일 후(${view.notAfter.slice(0, 10)}) 만료됩니다. 갱신 후 다시 등록하세요 (certificate expires within ${EXPIRING_WITHIN_DAYS} days: ${view.notAfter})`;
}
