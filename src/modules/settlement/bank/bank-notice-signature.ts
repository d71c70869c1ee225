/**
 * Signature of the bank's notices (our bank relay protocol, docs/settlement.md "Bank"):
 *   x-bank-timestamp: <unix seconds>
 *   x-bank-signature: v1=<hex HMAC-SHA256(BANK_NOTICE_SECRET, "<timestamp>.<raw body>")>
 * the scheme of platform/body-signature.ts. A notice whose signature does not verify, or whose timestamp is more
 * than 5 minutes away from ours, is refused (401) — the bank sends it again, signed anew, on its next retry.
 */
export { signBody as signNoticeBody, verifyBodySignature as verifyNoticeSignature } from '../../../platform/body-signature.ts';

export const BANK_SIGNATURE_HEADER = 'x-bank-signature';
export const BANK_TIMESTAMP_HEADER = 'x-bank-timestamp';
