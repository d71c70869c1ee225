import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, matchTotp, totpCode, totpStep } from './totp.ts';

const RFC_SECRET = Buffer.from('12345678901234567890');

test('RFC 4226 appendix D HOTP values', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, i) => assert.equal(hotp(RFC_SECRET, i), code));
});

test('RFC 6238 appendix B (SHA-1, last 6 digits)', () => {
  const cases: [number, string][] = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ];
  for (const [t, code] of cases) assert.equal(totpCode(RFC_SECRET, new Date(t * 1000)), code, `T=${t}`);
});

test('base32 round trip and RFC 4648 vector', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.deepEqual(base32Decode('mzxw 6ytb oi=='), Buffer.from('foobar'));
  const r = Buffer.from('0123456789abcdefghij');
  assert.deepEqual(base32Decode(base32Encode(r)), r);
});

test('matchTotp accepts ±1 step and nothing else', () => {
  const at = new Date(1_700_000_000_000);
  const s = totpStep(at);
  assert.equal(matchTotp(RFC_SECRET, hotp(RFC_SECRET, s - 1), at), s - 1);
  assert.equal(matchTotp(RFC_SECRET, hotp(RFC_SECRET, s + 1), at), s + 1);
  assert.equal(matchTotp(RFC_SECRET, hotp(RFC_SECRET, s + 2), at), undefined);
  assert.equal(matchTotp(RFC_SECRET, '12345', at), undefined);
});
