import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { AppError } from '../../platform/errors.ts';
import { loadPkcs12 } from './pkcs12.ts';
import { referencePath } from '../../../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const PASSWORD = 'Test1234!';
const fixture = (name: string) => readFileSync(`${FIXTURE}/${name}`);
const certDer = fixture('signCert.der');
const plainKey = createPrivateKey({ key: fixture('PrivateKeyInfo_with_randomNum.der'), format: 'der', type: 'pkcs8' });
const expectedR = fixture('r.hex').toString('latin1').trim();

const isPasswordError = (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'password';

test('OpenSSL 3 default .p12 (PBES2/AES-256, MAC SHA-256) → key + certificate, no R in this file', () => {
  const { privateKey, certificateDer, randomNum, otherCertificatesDer } = loadPkcs12(fixture('signCert_and_key.p12'), PASSWORD);
  assert.deepEqual(certificateDer, certDer);
  assert.deepEqual(privateKey.export({ format: 'jwk' }), plainKey.export({ format: 'jwk' }));
  assert.equal(randomNum, undefined);
  assert.deepEqual(otherCertificatesDer, []);
});

test('wrong password on the .p12 → AppError field "password"', () => {
  for (const password of ['Test1234', '', 'TEST1234!']) {
    assert.throws(() => loadPkcs12(fixture('signCert_and_key.p12'), password), isPasswordError, password);
  }
});

test('not a PKCS#12 file → AppError field "pfx"', () => {
  for (const bytes of [randomBytes(64), certDer, fixture('signPri.key')]) {
    assert.throws(
      () => loadPkcs12(bytes, PASSWORD),
      (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'pfx',
    );
  }
});

test('forge-made .p12 with a legacy 3DES key bag loads too', () => {
  const forgeKey = forge.pki.privateKeyFromPem(plainKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  const forgeCert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(certDer.toString('binary')));
  const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, [forgeCert], 'legacy-pw', { algorithm: '3des' });
  const file = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  const { privateKey, certificateDer } = loadPkcs12(file, 'legacy-pw');
  assert.deepEqual(certificateDer, certDer);
  assert.deepEqual(privateKey.export({ format: 'jwk' }), plainKey.export({ format: 'jwk' }));
  assert.throws(() => loadPkcs12(file, 'wrong'), isPasswordError);
});

// A Korean-style export: the SEED-encrypted signPri.key as a shrouded key bag, plus the certificate.
function buildPfxWithSeedKeyBag(password: string): Buffer {
  const { asn1 } = forge;
  const seq = (...items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
  const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
  const octets = (b: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b);
  const explicit0 = (v: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [v]);
  const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
  const fromBuf = (b: Buffer) => asn1.fromDer(b.toString('binary'));

  const keyBag = seq(oid('1.2.840.113549.1.12.10.1.2'), explicit0(fromBuf(fixture('signPri.key'))));
  const certBag = seq(
    oid('1.2.840.113549.1.12.10.1.3'),
    explicit0(seq(oid('1.2.840.113549.1.9.22.1'), explicit0(octets(certDer.toString('binary'))))),
  );
  const safeContents = asn1.toDer(seq(keyBag, certBag)).getBytes();
  const authSafe = asn1.toDer(seq(seq(oid('1.2.840.113549.1.7.1'), explicit0(octets(safeContents))))).getBytes();
  const salt = randomBytes(8).toString('binary');
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, 2048, 20, forge.md.sha1.create());
  const mac = createHmac('sha1', Buffer.from(macKey.getBytes(), 'binary')).update(Buffer.from(authSafe, 'binary')).digest('binary');
  const pfx = seq(
    int(3),
    seq(oid('1.2.840.113549.1.7.1'), explicit0(octets(authSafe))),
    seq(seq(seq(oid('1.3.14.3.2.26'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')), octets(mac)), octets(salt), int(2048)),
  );
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

test('SEED-encrypted key bag (forge has no SEED) loads, and R comes from the PKCS#8 attribute', () => {
  const file = buildPfxWithSeedKeyBag(PASSWORD);
  const { privateKey, certificateDer, randomNum } = loadPkcs12(file, PASSWORD);
  assert.deepEqual(certificateDer, certDer);
  assert.deepEqual(privateKey.export({ format: 'jwk' }), plainKey.export({ format: 'jwk' }));
  assert.equal(randomNum?.toString('hex'), expectedR);
  assert.throws(() => loadPkcs12(file, 'Test1234?'), isPasswordError);
});
