import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBoxError, openSecret, parseMasterKey, sealSecret } from './secret-box.ts';

const key = randomBytes(32);

test('round trip, with and without aad, including empty plaintext', () => {
  for (const plaintext of [Buffer.alloc(0), Buffer.from('Test1234!'), randomBytes(5000)]) {
    assert.deepEqual(openSecret(key, sealSecret(key, plaintext)), plaintext);
    assert.deepEqual(openSecret(key, sealSecret(key, plaintext, 'tenant:1/signPri'), 'tenant:1/signPri'), plaintext);
  }
});

test('format: version byte, 12-byte random nonce, 16-byte tag', () => {
  const a = sealSecret(key, Buffer.from('same'));
  const b = sealSecret(key, Buffer.from('same'));
  assert.equal(a[0], 1);
  assert.equal(a.length, 1 + 12 + 4 + 16);
  assert.notDeepEqual(a, b, 'nonces must differ');
});

test('any tampering is detected', () => {
  const sealed = sealSecret(key, Buffer.from('a secret value'), 'ctx');
  for (let i = 0; i < sealed.length; i++) {
    const tampered = Buffer.from(sealed);
    tampered[i]! ^= 0x01;
    assert.throws(() => openSecret(key, tampered, 'ctx'), SecretBoxError, `byte ${i}`);
  }
  assert.throws(() => openSecret(key, sealed.subarray(0, sealed.length - 1), 'ctx'), SecretBoxError);
  assert.throws(() => openSecret(key, sealed.subarray(0, 20), 'ctx'), SecretBoxError);
});

test('wrong key fails', () => {
  const sealed = sealSecret(key, Buffer.from('secret'));
  assert.throws(() => openSecret(randomBytes(32), sealed), SecretBoxError);
  assert.throws(() => openSecret(randomBytes(16), sealed), SecretBoxError);
});

test('wrong or missing aad fails', () => {
  const sealed = sealSecret(key, Buffer.from('secret'), 'tenant:1');
  assert.throws(() => openSecret(key, sealed, 'tenant:2'), SecretBoxError);
  assert.throws(() => openSecret(key, sealed), SecretBoxError);
  assert.throws(() => openSecret(key, sealSecret(key, Buffer.from('x')), 'tenant:1'), SecretBoxError);
});

test('parseMasterKey accepts 64 hex chars or base64 of 32 bytes, nothing else', () => {
  assert.deepEqual(parseMasterKey(key.toString('hex')), key);
  assert.deepEqual(parseMasterKey(key.toString('hex').toUpperCase()), key);
  assert.deepEqual(parseMasterKey(key.toString('base64')), key);
  assert.deepEqual(parseMasterKey(` ${key.toString('base64url')}\n`), key);
  for (const bad of ['', 'abc', key.toString('hex').slice(2), randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'z'.repeat(64)]) {
    assert.throws(() => parseMasterKey(bad), SecretBoxError, JSON.stringify(bad));
  }
});
