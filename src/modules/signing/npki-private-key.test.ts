import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createPrivateKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../../platform/errors.ts';
import { derSequence, encodeDer } from './asn1-der.ts';
import { decryptEncryptedPrivateKeyInfo } from './encrypted-private-key-info.ts';
import { loadNpkiPrivateKey } from './npki-private-key.ts';
import { seedCbcEncrypt } from './seed-cbc.ts';
import { referencePath } from '../../../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const PASSWORD = 'Test1234!';
const fixture = (name: string) => readFileSync(`${FIXTURE}/${name}`);
const expectedR = fixture('r.hex').toString('latin1').trim();
const plainPkcs8 = fixture('PrivateKeyInfo_with_randomNum.der');

const rsaPrivateParts = (key: ReturnType<typeof createPrivateKey>) => key.export({ format: 'jwk' });

test('signPri.key (1.2.410.200004.1.15 SEED) loads with R from the PKCS#8 attribute', () => {
  const { privateKey, randomNum } = loadNpkiPrivateKey(fixture('signPri.key'), PASSWORD);
  assert.equal(privateKey.asymmetricKeyType, 'rsa');
  assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.equal(randomNum.toString('hex'), expectedR);
});

test('the PBES2/seedCBC file and the SEED file hold the same key as the plain PKCS#8', () => {
  const seed = loadNpkiPrivateKey(fixture('signPri.key'), PASSWORD);
  const pbes2 = loadNpkiPrivateKey(fixture('signPri_pbes2_seedcbc.key'), PASSWORD);
  const plain = createPrivateKey({ key: plainPkcs8, format: 'der', type: 'pkcs8' });
  assert.deepEqual(rsaPrivateParts(seed.privateKey), rsaPrivateParts(plain));
  assert.deepEqual(rsaPrivateParts(pbes2.privateKey), rsaPrivateParts(plain));
  assert.deepEqual(pbes2.randomNum, seed.randomNum);
  assert.deepEqual(decryptEncryptedPrivateKeyInfo(fixture('signPri.key'), PASSWORD), plainPkcs8);
});

test('PEM-armoured signPri.key is accepted', () => {
  const pem = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${fixture('signPri.key').toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
  assert.equal(loadNpkiPrivateKey(pem, PASSWORD).randomNum.toString('hex'), expectedR);
});

test('wrong password → AppError certificate_invalid on field "password" (both formats)', () => {
  for (const file of ['signPri.key', 'signPri_pbes2_seedcbc.key']) {
    for (const password of ['Test1234', 'test1234!', '', '비밀번호']) {
      assert.throws(
        () => loadNpkiPrivateKey(fixture(file), password),
        (err: unknown) =>
          err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'password' && /비밀번호/.test(err.message),
        `${file} / ${password}`,
      );
    }
  }
});

test('garbage and certificates are reported as a bad signPri file, not as a password problem', () => {
  for (const bytes of [randomBytes(100), fixture('signCert.der'), Buffer.alloc(0)]) {
    assert.throws(
      () => loadNpkiPrivateKey(bytes, PASSWORD),
      (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'signPri',
    );
  }
});

// --- PBES2 variants built here from the plain PKCS#8 (keeps the randomNum attribute) -------------

const oid = (dotted: string) => {
  const arcs = dotted.split('.').map(Number);
  const bytes = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return encodeDer(0x06, Buffer.from(bytes));
};
const int = (n: number) => encodeDer(0x02, Buffer.from(n < 128 ? [n] : [n >> 8, n & 0xff]));
const octets = (b: Buffer) => encodeDer(0x04, b);

const CIPHERS = {
  'aes-128-cbc': { oid: '2.16.840.1.101.3.4.1.2', keyLength: 16, ivLength: 16 },
  'aes-256-cbc': { oid: '2.16.840.1.101.3.4.1.42', keyLength: 32, ivLength: 16 },
  'des-ede3-cbc': { oid: '1.2.840.113549.3.7', keyLength: 24, ivLength: 8 },
  seed: { oid: '1.2.410.200004.1.4', keyLength: 16, ivLength: 16 },
} as const;
const PRFS = { sha1: '1.2.840.113549.2.7', sha256: '1.2.840.113549.2.9', sha512: '1.2.840.113549.2.11' } as const;

function encryptPbes2(pkcs8: Buffer, password: string, cipherName: keyof typeof CIPHERS, prf: keyof typeof PRFS): Buffer {
  const cipher = CIPHERS[cipherName];
  const salt = randomBytes(8);
  const iv = randomBytes(cipher.ivLength);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 1000, cipher.keyLength, prf);
  let encrypted: Buffer;
  if (cipherName === 'seed') {
    encrypted = seedCbcEncrypt(key, iv, pkcs8);
  } else {
    const c = createCipheriv(cipherName, key, iv);
    encrypted = Buffer.concat([c.update(pkcs8), c.final()]);
  }
  const kdfParams = [octets(salt), int(1000)];
  if (prf !== 'sha1') kdfParams.push(derSequence(oid(PRFS[prf]), encodeDer(0x05, Buffer.alloc(0))));
  const algorithm = derSequence(
    oid('1.2.840.113549.1.5.13'),
    derSequence(derSequence(oid('1.2.840.113549.1.5.12'), derSequence(...kdfParams)), derSequence(oid(cipher.oid), octets(iv))),
  );
  return derSequence(algorithm, octets(encrypted));
}

test('PBES2 with AES-128/256-CBC, 3DES and SEED, PRF HMAC-SHA1/256/512, and a non-ASCII password', () => {
  for (const cipher of Object.keys(CIPHERS) as (keyof typeof CIPHERS)[]) {
    for (const prf of Object.keys(PRFS) as (keyof typeof PRFS)[]) {
      const password = `비번-${cipher}-${prf}`;
      const file = encryptPbes2(plainPkcs8, password, cipher, prf);
      const { randomNum } = loadNpkiPrivateKey(file, password);
      assert.equal(randomNum.toString('hex'), expectedR, `${cipher}/${prf}`);
      assert.throws(
        () => loadNpkiPrivateKey(file, 'nope'),
        (err: unknown) => err instanceof AppError && err.field === 'password',
        `${cipher}/${prf} wrong password`,
      );
    }
  }
});

test('a key without randomNum is refused as an NPKI signPri.key', () => {
  const noAttributes = createPrivateKey({ key: plainPkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'pkcs8' });
  const file = encryptPbes2(noAttributes, PASSWORD, 'aes-256-cbc', 'sha256');
  assert.throws(
    () => loadNpkiPrivateKey(file, PASSWORD),
    (err: unknown) => err instanceof AppError && err.field === 'signPri' && /randomNum/.test(err.message),
  );
});
