// The webhook verifier against a known vector (computed with `openssl dgst -sha256 -hmac`), a rotation's two
// signatures, the timestamp tolerance, and every way a header or body can be wrong.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignatureHeader, signWebhookPayload, verifyWebhookSignature } from '../src/webhook-signature.ts';

const BODY = '{"id":"evt_1","type":"document.issued"}';
const T = 1767225600; // 2026-01-01T00:00:00Z
// printf '%s' '1767225600.{"id":"evt_1","type":"document.issued"}' | openssl dgst -sha256 -hmac 'whsec_test_secret'
const V_NEW = 'b9ca0e0b1037cceb4f281415307ef7d2adac2c5974668f3a922e9790d43c627d';
// … -hmac 'whsec_previous'
const V_OLD = '98829ecf2c634dc1fb4f158401fabee76fe7cebfff5e9418da5f3a254882e936';
const NOW = T * 1000 + 30_000;

describe('verifyWebhookSignature', () => {
  test('the known vector verifies; the signer produces exactly it', () => {
    const header = `t=${T},v1=${V_NEW}`;
    assert.deepEqual(verifyWebhookSignature({ body: BODY, header, secrets: 'whsec_test_secret', now: NOW }), { valid: true, timestamp: T });
    assert.deepEqual(verifyWebhookSignature({ body: Buffer.from(BODY, 'utf8'), header, secrets: ['whsec_test_secret'], now: new Date(NOW) }), { valid: true, timestamp: T });
    assert.equal(signWebhookPayload({ body: BODY, secrets: 'whsec_test_secret', timestamp: T }), header);
  });

  test('during a rotation two v1 signatures: either secret verifies, a third does not', () => {
    const header = `t=${T},v1=${V_NEW},v1=${V_OLD}`;
    assert.equal(signWebhookPayload({ body: BODY, secrets: ['whsec_test_secret', 'whsec_previous'], timestamp: T }), header);
    assert.equal(verifyWebhookSignature({ body: BODY, header, secrets: 'whsec_previous', now: NOW }).valid, true);
    assert.equal(verifyWebhookSignature({ body: BODY, header, secrets: 'whsec_test_secret', now: NOW }).valid, true);
    assert.deepEqual(verifyWebhookSignature({ body: BODY, header, secrets: 'whsec_other', now: NOW }), { valid: false, reason: 'no_matching_signature', timestamp: T });
  });

  test('a changed body, a changed timestamp or a signature of another secret does not verify', () => {
    const r = (body: string, header: string) => verifyWebhookSignature({ body, header, secrets: 'whsec_test_secret', now: NOW });
    assert.equal(r(BODY.replace('evt_1', 'evt_2'), `t=${T},v1=${V_NEW}`).valid, false);
    assert.equal(r(`${BODY} `, `t=${T},v1=${V_NEW}`).valid, false, 'the raw body byte for byte');
    assert.equal(r(BODY, `t=${T + 1},v1=${V_NEW}`).valid, false);
    assert.equal(r(BODY, `t=${T},v1=${V_OLD}`).valid, false);
  });

  test('the timestamp must be within the tolerance, either side (default 300 s)', () => {
    const header = `t=${T},v1=${V_NEW}`;
    const at = (offsetS: number, toleranceSeconds?: number) =>
      verifyWebhookSignature({ body: BODY, header, secrets: 'whsec_test_secret', now: T * 1000 + offsetS * 1000, ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}) });
    assert.equal(at(300).valid, true);
    assert.deepEqual(at(301), { valid: false, reason: 'timestamp_out_of_tolerance', timestamp: T });
    assert.equal(at(-300).valid, true);
    assert.equal(at(-301).valid, false);
    assert.equal(at(3600, 3600).valid, true);
    assert.equal(at(5, 0).valid, false);
  });

  test('missing or malformed headers are refused with their reason', () => {
    const r = (header: string | undefined) => verifyWebhookSignature({ body: BODY, header, secrets: 'whsec_test_secret', now: NOW });
    assert.deepEqual(r(undefined), { valid: false, reason: 'missing_header' });
    assert.deepEqual(r(''), { valid: false, reason: 'missing_header' });
    for (const bad of [`v1=${V_NEW}`, `t=${T}`, `t=abc,v1=${V_NEW}`, `t=${T},v1=${V_NEW.slice(1)}`, `t=${T},v1=zz${V_NEW.slice(2)}`, `t=${T},t=${T},v1=${V_NEW}`, `t=${T};v1=${V_NEW}`]) {
      assert.deepEqual(r(bad), { valid: false, reason: 'malformed_header' }, bad);
    }
    assert.equal(r(`t=${T}, v0=abc, v1=${V_NEW}`).valid, true, 'unknown schemes and spaces after commas are ignored');
  });

  test('parseSignatureHeader keeps every v1 in order', () => {
    const p = parseSignatureHeader(`t=${T},v1=${V_NEW},v1=${V_OLD}`)!;
    assert.equal(p.timestamp, T);
    assert.deepEqual(p.signatures.map((b) => b.toString('hex')), [V_NEW, V_OLD]);
  });
});

describe("the client's verifier and the server's signer agree", () => {
  test('headers the server signs (one secret, a rotation) verify; a tampered body does not', async () => {
    const server = await import('../../../src/modules/webhooks/webhook-signature.ts');
    const secret = server.newWebhookSecret();
    const previous = server.newWebhookSecret();
    const body = JSON.stringify({ id: 'evt_9', type: 'nts_filing.succeeded', object: { type: 'document', id: 'D', state: 'nts_succeeded' } });
    const t = Math.floor(NOW / 1000);
    for (const secrets of [[secret], [secret, previous]]) {
      const header = server.signatureHeader(secrets, t, body);
      assert.equal(header, signWebhookPayload({ body, secrets, timestamp: t }), 'the same header byte for byte');
      for (const s of secrets) assert.equal(verifyWebhookSignature({ body, header, secrets: s, now: NOW }).valid, true);
      assert.equal(verifyWebhookSignature({ body: body.replace('evt_9', 'evt_8'), header, secrets, now: NOW }).valid, false);
    }
  });
});
