/**
 * Signature of the bank's notices (our bank relay protocol, docs/settlement.md "Bank"):
 *   x-bank-timestamp: <unix seconds>
 *   x-bank-signature: v1=<hex HMAC-SHA256(BANK_NOTICE_SECRET, "<timestamp>.<raw body>")>
 * A notice whose signature does not verify, or whose timestamp is more than 5 minutes away from ours, is refused
 * (401) — the bank sends it again, signed anew, on its next retry.
 */
import crypto from 'node:crypto';

export const BANK_SIGNATURE_HEADER = 'x-bank-signature';
export const BANK_TIMESTAMP_HEADER = 'x-bank-timestamp';
const TOLERANCE_S = 300;

export function signNoticeBody(secret: string, body: string | Buffer, nowMs = Date.now()): { timestamp: string; signature: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  const mac = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return { timestamp, signature: `v1=${mac}` };
}

export function verifyNoticeSignature(secret: string, body: Buffer, timestamp: string | undefined, signature: string | undefined, nowMs = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) return false;
  const m = /^v1=([0-9a-f]{64})$/.exec(signature.trim());
  if (!m) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  return crypto.timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}
