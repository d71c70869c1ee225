/**
 * 보안로그인 secrets: the TOTP secret is sealed with the master key (bound to its user), shown once as a QR code and
 * as text; recovery codes are stored as HMAC(master key, code), never as themselves.
 */
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import type { Ctx } from '../../platform/context.ts';
import { hmacSha256 } from '../../platform/tokens.ts';
import { base32Encode, otpauthUrl } from './totp.ts';

export const TOTP_ISSUER = 'Hanbill';
export const totpAad = (userId: number) => `portal_user:${userId}:totp`;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function recoveryHash(ctx: Ctx, userId: number, code: string): Buffer {
  return hmacSha256(ctx.masterKey, `recovery:${userId}:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
}

export function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** What an authenticator app needs to add the account: the secret as text, the otpauth URL and its QR code. */
export async function enrolmentOf(loginId: string, secret: Buffer): Promise<TotpEnrolment> {
  const url = otpauthUrl(TOTP_ISSUER, loginId, secret);
  const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret: base32Encode(secret), otpauthUrl: url, qrSvg };
}
