/**
 * The simulators' pushes to our callback endpoints (carrier reports, bank notices): a JSON body POSTed signed with
 * the shared secret (platform/body-signature.ts) under the protocol's two header names, acknowledged by any 2xx;
 * an unacknowledged push is retried after `retryDelayMs` (doubling, capped).
 */
import { signBody } from '../../platform/body-signature.ts';

export interface SignatureHeaders {
  timestamp: string;
  signature: string;
}

/** POST `body` signed anew (a retry carries a fresh timestamp); true when answered 2xx, false otherwise. */
export async function postSigned(url: string, body: string, secret: string, headers: SignatureHeaders, timeoutMs = 30_000): Promise<boolean> {
  const { timestamp, signature } = signBody(secret, body);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [headers.timestamp]: timestamp, [headers.signature]: signature },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** Delay before the retry that follows failed attempt `attempt` (1-based): `firstMs` doubling, at most `maxMs`. */
export function retryDelayMs(firstMs: number, attempt: number, maxMs = 60_000): number {
  return Math.min(firstMs * 2 ** (attempt - 1), maxMs);
}
