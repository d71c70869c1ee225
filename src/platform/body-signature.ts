/**
 * Timestamped HMAC signatures of pushed request bodies, the one scheme of our relay protocols (carrier reports,
 * bank notices; each names its own two headers):
 *   <timestamp header>: <unix seconds>
 *   <signature header>: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * A body whose signature does not verify, or whose timestamp is more than 5 minutes away from ours, is refused.
 */
import crypto from 'node:crypto';

const TOLERANCE_S = 300;

function mac(secret: string, timestamp: string, body: string | Buffer): Buffer {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

export function signBody(secret: string, body: string | Buffer, nowMs = Date.now()): { timestamp: string; signature: string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { timestamp, signature: `v1=${mac(secret, timestamp, body).toString('hex')}` };
}

export function verifyBodySignature(secret: string, body: Buffer, timestamp: string | undefined, signature: string | undefined, nowMs = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) return false;
  const m = /^v1=([0-9a-f]{64})$/.exec(signature.trim());
  if (!m) return false;
  return crypto.timingSafeEqual(mac(secret, timestamp, body), Buffer.from(m[1]!, 'hex'));
}
