import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SeedPaddingError, seedCbcDecrypt, seedCbcEncrypt, stripPkcs5Padding } from './seed-cbc.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const ZERO_IV = Buffer.alloc(16);

// RFC 4269 Appendix B. With a zero IV the first CBC block is the bare block encryption.
const RFC4269_VECTORS = [
  { key: '00000000000000000000000000000000', pt: '000102030405060708090a0b0c0d0e0f', ct: '5ebac6e0054e166819aff1cc6d346cdb' },
  { key: '000102030405060708090a0b0c0d0e0f', pt: '00000000000000000000000000000000', ct: 'c11f22f20140505084483597e4370f43' },
  { key: '4706480851e61be85d74bfb3fd956185', pt: '83a2f8a288641fb9a4e9a5cc2f131c7d', ct: 'ee54d13ebcae706d226bc3142cd40d4a' },
  { key: '28dbc3bc49ffd87dcfa509b11d422be7', pt: 'b41e6be2eba84a148e2eed84593c5ec7', ct: '9b9b7bfcd1813cb95d0b3618f40f5122' },
];

test('RFC 4269 test vectors (single block, zero IV, no padding)', () => {
  for (const v of RFC4269_VECTORS) {
    const ct = seedCbcEncrypt(hex(v.key), ZERO_IV, hex(v.pt), { padding: false });
    assert.equal(ct.toString('hex'), v.ct);
    assert.equal(seedCbcDecrypt(hex(v.key), ZERO_IV, ct, { padding: false }).toString('hex'), v.pt);
  }
});

test('round trip with PKCS#5 padding for lengths 0..64', () => {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  for (let len = 0; len <= 64; len++) {
    const pt = randomBytes(len);
    const ct = seedCbcEncrypt(key, iv, pt);
    assert.equal(ct.length, (Math.floor(len / 16) + 1) * 16);
    assert.deepEqual(seedCbcDecrypt(key, iv, ct), pt);
  }
});

test('wrong key is reported as a padding error (never as garbage plaintext)', () => {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const ct = seedCbcEncrypt(key, iv, Buffer.from('비밀 secret data, two blocks long!'));
  let paddingErrors = 0;
  for (let i = 0; i < 50; i++) {
    try {
      seedCbcDecrypt(randomBytes(16), iv, ct);
    } catch (err) {
      assert.ok(err instanceof SeedPaddingError);
      paddingErrors++;
    }
  }
  // A random last block has valid padding with probability ~1/256 per try.
  assert.ok(paddingErrors >= 45, `only ${paddingErrors}/50 wrong keys were caught`);
});

test('strict padding check inspects every padding byte', () => {
  assert.deepEqual(stripPkcs5Padding(Buffer.from('abc\x03\x03\x03', 'latin1')), Buffer.from('abc'));
  assert.throws(() => stripPkcs5Padding(Buffer.from('abc\x02\x01\x03', 'latin1')), SeedPaddingError);
  assert.throws(() => stripPkcs5Padding(Buffer.from('abc\x00', 'latin1')), SeedPaddingError);
  assert.throws(() => stripPkcs5Padding(Buffer.from([0x11])), SeedPaddingError);
});

test('rejects bad key/IV sizes and ragged ciphertext', () => {
  assert.throws(() => seedCbcEncrypt(Buffer.alloc(15), ZERO_IV, Buffer.alloc(1)), RangeError);
  assert.throws(() => seedCbcDecrypt(Buffer.alloc(16), Buffer.alloc(8), Buffer.alloc(16)), RangeError);
  assert.throws(() => seedCbcDecrypt(Buffer.alloc(16), ZERO_IV, Buffer.alloc(17)), RangeError);
  assert.throws(() => seedCbcDecrypt(Buffer.alloc(16), ZERO_IV, Buffer.alloc(0)), SeedPaddingError);
  assert.throws(() => seedCbcEncrypt(Buffer.alloc(16), ZERO_IV, Buffer.alloc(5), { padding: false }), RangeError);
});

function opensslSeedCbc(args: string[], input: Buffer): Buffer | null {
  const run = spawnSync('openssl', ['enc', '-provider', 'legacy', '-provider', 'default', '-seed-cbc', ...args], {
    input,
    maxBuffer: 1 << 20,
  });
  if (run.error || run.status !== 0) return null;
  return run.stdout;
}

const opensslProbe = opensslSeedCbc(['-K', '00'.repeat(16), '-iv', '00'.repeat(16)], Buffer.from('probe'));
const skipOpenssl = opensslProbe === null ? 'openssl with the legacy provider (seed-cbc) is not available here' : false;
if (skipOpenssl) console.log(`# SKIPPED openssl SEED-CBC cross-check: ${skipOpenssl}`);

test('cross-check against `openssl enc -seed-cbc` (legacy provider)', { skip: skipOpenssl }, () => {
  for (const len of [0, 1, 15, 16, 17, 100, 1000]) {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const pt = randomBytes(len);
    const keyIv = ['-K', key.toString('hex'), '-iv', iv.toString('hex')];
    const expected = opensslSeedCbc(keyIv, pt);
    assert.ok(expected, 'openssl encryption failed');
    const ours = seedCbcEncrypt(key, iv, pt);
    assert.equal(ours.toString('hex'), expected.toString('hex'), `length ${len}`);
    const back = opensslSeedCbc(['-d', ...keyIv], ours);
    assert.deepEqual(back, pt);
  }
});
