import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../../platform/errors.ts';
import { loadNpkiPrivateKey } from './npki-private-key.ts';
import {
  assertPrivateKeyMatchesCertificate,
  computeVid,
  expiryStatus,
  parseSigningCertificate,
  privateKeyMatchesCertificate,
  verifyVid,
} from './signing-certificate.ts';
import { referencePath } from '../../../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const fixture = (name: string) => readFileSync(`${FIXTURE}/${name}`);
const R = Buffer.from(fixture('r.hex').toString('latin1').trim(), 'hex');
const cert = parseSigningCertificate(fixture('signCert.der'));

test('DER and PEM parse to the same certificate facts', () => {
  const pem = parseSigningCertificate(fixture('signCert.pem').toString('utf8'));
  assert.deepEqual(pem.der, cert.der);
  assert.match(cert.subject, /CN=TEST Invoicer 2048631263/);
  assert.equal(cert.serialNumber.toUpperCase(), '07374DD80ADD43546CA801CF6533EA5EF4F2308D');
  assert.equal(cert.notBefore.toISOString(), '2026-11-23T01:12:53.000Z');
  assert.equal(cert.notAfter.toISOString(), '2036-11-20T01:12:53.000Z');
  assert.match(cert.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.deepEqual(cert.keyUsage, ['digitalSignature', 'nonRepudiation']);
});

test('the NPKI VID is read from subjectAltName otherName 1.2.410.200004.10.1.1', () => {
  assert.ok(cert.vid);
  assert.equal(cert.vid.realName, 'TEST Invoicer');
  assert.equal(cert.vid.hashAlgorithm, 'sha256');
  assert.equal(cert.vid.vid.toString('hex'), fixture('vid.hex').toString('latin1').trim());
});

test('verifyVid: the fixture bizno matches, other numbers do not', () => {
  assert.equal(verifyVid(cert, '2048631263', R), true);
  assert.equal(verifyVid(cert, '204-86-31263', R), true);
  assert.equal(verifyVid(cert, '6028131841', R), false);
  assert.equal(verifyVid(cert, '2048631264', R), false);
  assert.equal(verifyVid(cert, 'abc', R), false);
  const otherR = Buffer.from(R);
  otherR[0]! ^= 1;
  assert.equal(verifyVid(cert, '2048631263', otherR), false);
});

test('computeVid follows H(H(DER(SEQ{PrintableString, BIT STRING})))', () => {
  assert.equal(computeVid('2048631263', R, 'sha256').toString('hex'), fixture('vid.hex').toString('latin1').trim());
});

test('private key ↔ certificate match', () => {
  const { privateKey } = loadNpkiPrivateKey(fixture('signPri.key'), 'Test1234!');
  assert.equal(privateKeyMatchesCertificate(cert, privateKey), true);
  assertPrivateKeyMatchesCertificate(cert, privateKey);
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  assert.equal(privateKeyMatchesCertificate(cert, stranger), false);
  assert.throws(
    () => assertPrivateKeyMatchesCertificate(cert, stranger),
    (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'signPri',
  );
});

test('expiryStatus around notBefore / notAfter and the 30-day window', () => {
  const day = 24 * 60 * 60 * 1000;
  const at = (ms: number) => new Date(ms);
  const nb = cert.notBefore.getTime();
  const na = cert.notAfter.getTime();
  assert.equal(expiryStatus(cert, at(nb - 1)), 'not_yet_valid');
  assert.equal(expiryStatus(cert, at(nb)), 'valid');
  assert.equal(expiryStatus(cert, at(na - 31 * day)), 'valid');
  assert.equal(expiryStatus(cert, at(na - 30 * day)), 'expiring');
  assert.equal(expiryStatus(cert, at(na)), 'expiring');
  assert.equal(expiryStatus(cert, at(na + 1)), 'expired');
});

test('garbage is a certificate_invalid error on field signCert', () => {
  for (const input of [Buffer.from('nope'), fixture('signPri.key'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']) {
    assert.throws(
      () => parseSigningCertificate(input),
      (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'signCert',
    );
  }
});
