/**
 * Hanbill webhook signatures (docs/webhooks.md): every delivery carries
 *
 *   Hanbill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<hex> …]
 *
 * where the HMAC key is the endpoint secret's whole string (`whsec_…`) as UTF-8 bytes and the body is the raw
 * request body, byte for byte (verify before parsing it). During a secret rotation a delivery carries one `v1`
 * per secret (the new one first). A delivery is genuine when its timestamp is within `toleranceSeconds` of now
 * and some `v1` equals the HMAC under one of your secrets; the comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VerifyWebhookInput {
  /** the raw request body as received (a string is taken as its UTF-8 bytes) */
  body: string | Uint8Array;
  /** the Hanbill-Signature header */
  header: string | null | undefined;
  /** your endpoint's secret, or several (during your own rotation) */
  secrets: string | readonly string[];
  /** the largest accepted distance between the timestamp and now (default 300 s) */
  toleranceSeconds?: number;
  /** now, as a Date or ms since the epoch (default: the current time) */
  now?: Date | number;
}

export type VerifyWebhookResult =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'missing_header' | 'malformed_header' | 'timestamp_out_of_tolerance' | 'no_matching_signature'; timestamp?: number };

export const SIGNATURE_HEADER = 'Hanbill-Signature';

interface ParsedHeader {
  timestamp: number;
  signatures: Buffer[];
}

/** `t=…,v1=…[,v1=…]`; other schemes (`v0=`, future ones) are ignored; undefined when there is no t or no v1. */
export function parseSignatureHeader(header: string): ParsedHeader | undefined {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return undefined;
      timestamp = Number(value);
    } else if (name === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

function hmac(secret: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

export function verifyWebhookSignature(input: VerifyWebhookInput): VerifyWebhookResult {
  if (!input.header) return { valid: false, reason: 'missing_header' };
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  const nowMs = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now : input.now.getTime();
  const tolerance = input.toleranceSeconds ?? 300;
  if (Math.abs(nowMs / 1000 - parsed.timestamp) > tolerance) return { valid: false, reason: 'timestamp_out_of_tolerance', timestamp: parsed.timestamp };
  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  let match = false;
  for (const secret of secrets) {
    const expected = hmac(secret, parsed.timestamp, input.body);
    // every pair compared (no early exit), each in constant time
    for (const given of parsed.signatures) if (timingSafeEqual(expected, given)) match = true;
  }
  return match ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'no_matching_signature', timestamp: parsed.timestamp };
}

/** The header a delivery signed with `secrets` at `timestamp` carries (for tests of your receiver). */
export function signWebhookPayload(input: { body: string | Uint8Array; secrets: string | readonly string[]; timestamp: number }): string {
  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  return [`t=${input.timestamp}`, ...secrets.map((s) => `v1=${hmac(s, input.timestamp, input.body).toString('hex')}`)].join(',');
}
