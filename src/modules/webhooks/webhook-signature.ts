/**
 * The webhook signature (docs/webhooks.md): `Hanbill-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` where each
 * v1 is HMAC-SHA256 over `"<t>.<raw body>"` keyed with the whole secret string's UTF-8 bytes (`whsec_…` included).
 * During a secret rotation a delivery carries two v1 values, the new secret's first. A receiver accepts the
 * request when any v1 matches one of its secrets and t is within the tolerance of its clock (replays of an old
 * request are refused). The CLI's `hanbill webhook verify` and the TypeScript client use `verifyWebhookSignature`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const SIGNATURE_HEADER = 'Hanbill-Signature';

/** A new endpoint secret: `whsec_` + 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function signatureOf(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value for `body` signed at `timestamp` (unix seconds) with each secret, in the order given. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string | Buffer): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`)].join(',');
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'no_match' | 'too_old' | 'too_new' };

export interface VerifyInput {
  /** the raw request body, exactly as received (not re-serialized JSON) */
  body: string | Buffer;
  /** the Hanbill-Signature header */
  header: string | undefined;
  /** the endpoint's secret(s): during a rotation on the receiver's side, both */
  secrets: readonly string[];
  toleranceSeconds?: number;
  /** the receiver's clock (default: now) */
  now?: Date;
}

export function verifyWebhookSignature({ body, header, secrets, toleranceSeconds = 300, now = new Date() }: VerifyInput): VerifyResult {
  if (typeof header !== 'string' || header.length > 4096) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const given: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return { ok: false, reason: 'malformed' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed' };
      given.push(Buffer.from(value, 'hex'));
    }
    // other schemes (a future v2) are ignored
  }
  if (timestamp === undefined || given.length === 0) return { ok: false, reason: 'malformed' };
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (age > toleranceSeconds) return { ok: false, reason: 'too_old' };
  if (age < -toleranceSeconds) return { ok: false, reason: 'too_new' };
  for (const secret of secrets) {
    const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
    if (given.some((g) => timingSafeEqual(g, expected))) return { ok: true, timestamp };
  }
  return { ok: false, reason: 'no_match' };
}
