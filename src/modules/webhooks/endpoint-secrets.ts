/** Endpoint secrets at rest: sealed under the master key, bound to the endpoint (aad "webhook:<public id>"). */
import { openSecret, sealSecret } from '../../platform/secret-box.ts';

const aad = (publicId: string) => `webhook:${publicId}`;

export function sealEndpointSecret(masterKey: Buffer, publicId: string, secret: string): Buffer {
  return sealSecret(masterKey, Buffer.from(secret, 'utf8'), aad(publicId));
}

export function openEndpointSecret(masterKey: Buffer, publicId: string, sealed: Buffer): string {
  return openSecret(masterKey, sealed, aad(publicId)).toString('utf8');
}

/** The secrets that sign a delivery now: the current one, then the previous one until its expiry. */
export function signingSecrets(masterKey: Buffer, row: { public_id: string; secret_sealed: Buffer; previous_secret_sealed: Buffer | null; previous_secret_expires_at: Date | null }, now: Date): string[] {
  const secrets = [openEndpointSecret(masterKey, row.public_id, row.secret_sealed)];
  if (row.previous_secret_sealed && row.previous_secret_expires_at && row.previous_secret_expires_at > now) {
    secrets.push(openEndpointSecret(masterKey, row.public_id, row.previous_secret_sealed));
  }
  return secrets;
}

/**
 * A secret inside an answer that `Idempotency-Key` stores for replay (faces/rest/idempotency.ts keeps answers as
 * JSON): sealed there, opened when the answer is sent, so the stored copy never holds it in the clear.
 */
export function sealAnswerSecret(masterKey: Buffer, secret: string): string {
  return sealSecret(masterKey, Buffer.from(secret, 'utf8'), 'webhook-answer').toString('base64url');
}

export function openAnswerSecret(masterKey: Buffer, sealed: string): string {
  return openSecret(masterKey, Buffer.from(sealed, 'base64url'), 'webhook-answer').toString('utf8');
}
