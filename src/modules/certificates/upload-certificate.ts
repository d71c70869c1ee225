/**
 * `uploadCertificate`: a member registers the signing certificate the server signs its invoices with
 * (NTS.md §2.4): NPKI signCert.der + signPri.key (SEED 1.2.410.200004.1.15 or PBES2/seedCBC) with its
 * password, or a PKCS#12 (.pfx/.p12). Checks, in order: the files open with the password (wrong password →
 * certificate_invalid naming `password`), the key belongs to the certificate, the key carries the R value,
 * the key is RSA ≥ 2048 bits, the certificate's VID matches the member's business number with that R, and
 * the certificate is valid now (expired / not yet valid → refused; ≤ 30 days left → accepted with a warning).
 *
 * The private key (PKCS#8) and R are stored sealed with the master key; the previous active certificate of
 * the member is retired in the same transaction (one active certificate per member). The matching VID is also
 * recorded as the member's proof of its business number (accounts/bizno-proofs.ts), in the same transaction.
 */
import type { KeyObject } from 'node:crypto';
import { AppError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { sealSecret } from '../../platform/secret-box.ts';
import { recordBiznoProof } from '../accounts/bizno-proofs.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import {
  expiryStatus,
  loadNpkiPrivateKey,
  loadPkcs12,
  parseSigningCertificate,
  assertPrivateKeyMatchesCertificate,
  verifyVid,
} from '../signing/index.ts';
import { certificateView, expiryWarning, type CertificateView } from './certificate-views.ts';
import { certificateAad } from './signing-material.ts';
import './tables.ts';

export type CertificateUpload =
  | { signCert: Buffer; signPri: Buffer; password: string }
  | { pfx: Buffer; password: string };

export interface UploadedCertificate {
  certificate: CertificateView;
  /** Non-fatal findings, e.g. the certificate expires within 30 days. */
  warnings: string[];
}

const MIN_KEY_BITS = 2048;

function invalid(field: string, korean: string, english: string): AppError {
  return new AppError('certificate_invalid', `${korean} (${english})`, { field });
}

interface LoadedKey {
  source: 'npki' | 'pkcs12';
  privateKey: KeyObject;
  randomNum: Buffer | undefined;
  certDer: Buffer;
  /** The field named in errors about the certificate itself. */
  certField: string;
}

function loadKey(input: CertificateUpload): LoadedKey {
  if (typeof input.password !== 'string' || input.password === '') throw requiredError('password', '인증서 비밀번호');
  if ('pfx' in input) {
    if (!input.pfx?.length) throw requiredError('pfx', 'PKCS#12 파일');
    const p12 = loadPkcs12(input.pfx, input.password);
    return { source: 'pkcs12', privateKey: p12.privateKey, randomNum: p12.randomNum, certDer: p12.certificateDer, certField: 'pfx' };
  }
  if (!input.signCert?.length) throw requiredError('signCert', '인증서(signCert.der)');
  if (!input.signPri?.length) throw requiredError('signPri', '개인키(signPri.key)');
  const key = loadNpkiPrivateKey(input.signPri, input.password);
  return { source: 'npki', privateKey: key.privateKey, randomNum: key.randomNum, certDer: input.signCert, certField: 'signCert' };
}

export async function uploadCertificate(ctx: Ctx, tenant: Tenant, input: CertificateUpload): Promise<UploadedCertificate> {
  const loaded = loadKey(input);
  const cert = parseSigningCertificate(loaded.certDer);
  if (loaded.source === 'npki') assertPrivateKeyMatchesCertificate(cert, loaded.privateKey);

  const bits = loaded.privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (loaded.privateKey.asymmetricKeyType !== 'rsa' || bits < MIN_KEY_BITS) {
    throw invalid(loaded.certField, `국세청 전송에는 RSA ${MIN_KEY_BITS}비트 이상 인증서가 필요합니다`, `NTS filing needs an RSA key of at least ${MIN_KEY_BITS} bits (got ${loaded.privateKey.asymmetricKeyType} ${bits})`);
  }
  const randomNum = loaded.randomNum;
  if (!randomNum?.length) {
    throw invalid(loaded.source === 'npki' ? 'signPri' : 'pfx', '개인키에 R값(randomNum)이 없어 본인확인을 할 수 없습니다', 'the private key carries no NPKI randomNum (R value); NTS needs it');
  }

  const member = await ctx.db.selectFrom('members').select(['id', 'bizno']).where('id', '=', tenant.memberId).executeTakeFirstOrThrow();
  if (!cert.vid) {
    throw invalid(loaded.certField, '인증서에 본인확인정보(VID)가 없습니다. 사업자용 공동인증서인지 확인하세요', 'the certificate has no NPKI VID (subjectAltName 1.2.410.200004.10.1.1)');
  }
  if (!verifyVid(cert, member.bizno, randomNum)) {
    throw invalid(loaded.certField, `인증서가 사업자등록번호 ${member.bizno}의 것이 아닙니다 (본인확인 VID 불일치)`, `VID mismatch: the certificate does not belong to business number ${member.bizno}`);
  }

  const now = ctx.clock.now();
  const status = expiryStatus(cert, now);
  if (status === 'expired') {
    throw invalid(loaded.certField, `만료된 인증서입니다 (${cert.notAfter.toISOString().slice(0, 10)})`, `the certificate expired on ${cert.notAfter.toISOString()}`);
  }
  if (status === 'not_yet_valid') {
    throw invalid(loaded.certField, `아직 유효기간이 시작되지 않은 인증서입니다 (${cert.notBefore.toISOString().slice(0, 10)})`, `the certificate is not valid before ${cert.notBefore.toISOString()}`);
  }

  const pkcs8 = loaded.privateKey.export({ format: 'der', type: 'pkcs8' });
  const aad = certificateAad(member.id, cert.fingerprint256);
  const row = await inTransaction(ctx.db, async (tx) => {
    await tx.updateTable('signing_certificates').set({ replaced_at: now }).where('member_id', '=', member.id).where('replaced_at', 'is', null).execute();
    const inserted = await tx
      .insertInto('signing_certificates')
      .values({
        member_id: member.id,
        source: loaded.source,
        cert_der: cert.der,
        private_key_sealed: sealSecret(ctx.masterKey, pkcs8, `${aad}:key`),
        random_num_sealed: sealSecret(ctx.masterKey, randomNum, `${aad}:r`),
        subject: cert.subject,
        issuer: cert.issuer,
        serial_number: cert.serialNumber,
        fingerprint256: cert.fingerprint256,
        key_bits: bits,
        not_before: cert.notBefore,
        not_after: cert.notAfter,
        vid_bizno: member.bizno,
        vid_verified: true,
        uploaded_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // the VID matched: the member has proven its business number (this is what opens its purchase ledger)
    await recordBiznoProof(tx, { memberId: member.id, bizno: member.bizno, method: 'certificate', certificateId: inserted.id, at: now });
    return inserted;
  });
  const view = certificateView(row, now);
  const warning = expiryWarning(view);
  ctx.log.info({ memberId: member.id, certificateId: row.id, fingerprint256: row.fingerprint256, expiry: view.expiryStatus }, 'signing certificate uploaded');
  return { certificate: view, warnings: warning ? [warning] : [] };
}

/** The member's active certificate (metadata only), or certificate_missing. */
export async function getCertificate(ctx: Ctx, tenant: Tenant): Promise<UploadedCertificate> {
  const row = await ctx.db
    .selectFrom('signing_certificates')
    .selectAll()
    .where('member_id', '=', tenant.memberId)
    .where('replaced_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('certificate_missing', '등록된 인증서가 없습니다 (no signing certificate uploaded)', { field: 'certificate' });
  const view = certificateView(row, ctx.clock.now());
  const warnings: string[] = [];
  const warning = expiryWarning(view);
  if (warning) warnings.push(warning);
  if (view.expiryStatus === 'expired') warnings.push('인증서가 만료되어 국세청 전송을 할 수 없습니다 (the certificate has expired: filing is not possible)');
  return { certificate: view, warnings };
}
