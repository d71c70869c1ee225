/**
 * Signature of pushed carrier reports (our carrier relay protocol, docs/messaging.md "Carrier relay protocol"):
 *   x-carrier-timestamp: <unix seconds>
 *   x-carrier-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * A push whose signature does not verify, or whose timestamp is more than 5 minutes away from ours, is refused.
 */
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-carrier-signature';
export const TIMESTAMP_HEADER = 'x-carrier-timestamp';
const TOLERANCE_S = 300;

export function signReportBody(secret: string, body: string | Buffer, nowMs = Date.now()): { timestamp: string; signature: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  const mac = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return { timestamp, signature: `v1=${mac}` };
}

export function verifyReportSignature(secret: string, body: Buffer, timestamp: string | undefined, signature: string | undefined, nowMs = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) return false;
  const m = /^v1=([0-9a-f]{64})$/.exec(signature.trim());
  if (!m) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  return crypto.timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}
