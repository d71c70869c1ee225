import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newWebhookSecret, signatureHeader, signatureOf, verifyWebhookSignature } from './webhook-signature.ts';

// computed independently: printf '%s' '1700000000.{"id":"1"}' | openssl dgst -sha256 -hmac 'whsec_test'
const VECTOR = { secret: 'whsec_test', t: 1700000000, body: '{"id":"1"}', hex: '11bf4466ea17c3df3fd743af0b435368e16b7a05eb8eced85e8c4670767bdec5' };
const at = (t: number) => new Date(t * 1000);

test('the signature is HMAC-SHA256 of "<t>.<body>" keyed with the whole secret string (known vector)', () => {
  assert.equal(signatureOf(VECTOR.secret, VECTOR.t, VECTOR.body), VECTOR.hex);
  assert.equal(signatureHeader([VECTOR.secret], VECTOR.t, VECTOR.body), `t=${VECTOR.t},v1=${VECTOR.hex}`);
  assert.deepEqual(verifyWebhookSignature({ body: VECTOR.body, header: `t=${VECTOR.t},v1=${VECTOR.hex}`, secrets: [VECTOR.secret], now: at(VECTOR.t + 10) }), { ok: true, timestamp: VECTOR.t });
  assert.deepEqual(verifyWebhookSignature({ body: Buffer.from(VECTOR.body), header: `t=${VECTOR.t},v1=${VECTOR.hex}`, secrets: [VECTOR.secret], now: at(VECTOR.t) }).ok, true, 'a Buffer body too');
});

test('two v1 during a rotation: either secret verifies; neither alone nor a changed body does otherwise', () => {
  const header = signatureHeader(['whsec_new', 'whsec_old'], VECTOR.t, VECTOR.body);
  assert.match(header, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  assert.ok(header.indexOf(signatureOf('whsec_new', VECTOR.t, VECTOR.body)) < header.indexOf(signatureOf('whsec_old', VECTOR.t, VECTOR.body)), 'new first');
  for (const s of ['whsec_new', 'whsec_old']) assert.equal(verifyWebhookSignature({ body: VECTOR.body, header, secrets: [s], now: at(VECTOR.t) }).ok, true, s);
  assert.deepEqual(verifyWebhookSignature({ body: VECTOR.body, header, secrets: ['whsec_other'], now: at(VECTOR.t) }), { ok: false, reason: 'no_match' });
  assert.deepEqual(verifyWebhookSignature({ body: `${VECTOR.body} `, header, secrets: ['whsec_new'], now: at(VECTOR.t) }), { ok: false, reason: 'no_match' });
});

test('the timestamp must be within the tolerance; malformed headers are refused', () => {
  const header = `t=${VECTOR.t},v1=${VECTOR.hex}`;
  const v = (now: Date, toleranceSeconds?: number) => verifyWebhookSignature({ body: VECTOR.body, header, secrets: [VECTOR.secret], now, ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}) });
  assert.equal(v(at(VECTOR.t + 300)).ok, true);
  assert.deepEqual(v(at(VECTOR.t + 301)), { ok: false, reason: 'too_old' });
  assert.deepEqual(v(at(VECTOR.t - 301)), { ok: false, reason: 'too_new' });
  assert.equal(v(at(VECTOR.t + 3600), 7200).ok, true);
  for (const bad of [undefined, '', 'v1=' + VECTOR.hex, `t=${VECTOR.t}`, `t=abc,v1=${VECTOR.hex}`, `t=${VECTOR.t},v1=XYZ`, `t=1,t=2,v1=${VECTOR.hex}`, 'garbage']) {
    assert.deepEqual(verifyWebhookSignature({ body: VECTOR.body, header: bad, secrets: [VECTOR.secret], now: at(VECTOR.t) }), { ok: false, reason: 'malformed' }, String(bad));
  }
});

test('a new secret is whsec_ and 32 random bytes, base64url', () => {
  const a = newWebhookSecret();
  assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a.slice(6), 'base64url').length, 32);
  assert.notEqual(a, newWebhookSecret());
});
