/**
 * Signature of pushed carrier reports (our carrier relay protocol, docs/messaging.md "Carrier relay protocol"):
 *   x-carrier-timestamp: <unix seconds>
 *   x-carrier-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * the scheme of platform/body-signature.ts. A push whose signature does not verify, or whose timestamp is more
 * than 5 minutes away from ours, is refused.
 */
export { signBody as signReportBody, verifyBodySignature as verifyReportSignature } from '../../../platform/body-signature.ts';

export const SIGNATURE_HEADER = 'x-carrier-signature';
export const TIMESTAMP_HEADER = 'x-carrier-timestamp';
