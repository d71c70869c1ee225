import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueSelfSignedCertificate } from '../signing/self-signed-certificate.ts';
import { AspCredentialsError, loadAspSigner, selfSignedAspSigner } from './asp-credentials.ts';
import type { Logger } from '../../platform/context.ts';

const asp = issueSelfSignedCertificate({ commonName: 'Hanbill ASP test', modulusLength: 1024 });
const other = issueSelfSignedCertificate({ commonName: 'someone else', modulusLength: 1024 });
const keyPem = asp.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const certPem = `-----BEGIN CERTIFICATE-----\n${asp.certDer.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-asp-'));

function refusal(source: { key: string; cert: string }): AspCredentialsError {
  try {
    loadAspSigner(source);
  } catch (err) {
    assert.ok(err instanceof AspCredentialsError, String(err));
    return err;
  }
  assert.fail('expected the key to be refused');
}

test('a configured key and certificate: PEM text, one-line PEM with \\n escapes, or files (PEM / DER)', () => {
  const fromText = loadAspSigner({ key: keyPem, cert: certPem });
  assert.ok(fromText.certDer.equals(asp.certDer));
  const oneLine = loadAspSigner({ key: keyPem.replace(/\n/g, '\\n'), cert: certPem.replace(/\n/g, '\\n') });
  assert.ok(oneLine.certDer.equals(asp.certDer));
  const dir = tmp();
  try {
    fs.writeFileSync(path.join(dir, 'key.der'), asp.privateKey.export({ format: 'der', type: 'pkcs8' }));
    fs.writeFileSync(path.join(dir, 'key.pem'), keyPem);
    fs.writeFileSync(path.join(dir, 'cert.der'), asp.certDer);
    fs.writeFileSync(path.join(dir, 'cert.pem'), certPem);
    for (const [key, cert] of [['key.der', 'cert.der'], ['key.pem', 'cert.pem']] as const) {
      const s = loadAspSigner({ key: path.join(dir, key), cert: path.join(dir, cert) });
      assert.ok(s.certDer.equals(asp.certDer), `${key} + ${cert}`);
      assert.deepEqual(s.privateKey.export({ format: 'der', type: 'pkcs8' }), asp.privateKey.export({ format: 'der', type: 'pkcs8' }));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unusable configuration is refused naming the variable, never echoing the key', () => {
  const mismatch = refusal({ key: other.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, cert: certPem });
  assert.equal(mismatch.variable, 'HANBILL_NTS_ASP_KEY');
  assert.match(mismatch.message, /^HANBILL_NTS_ASP_KEY: the key does not belong to the certificate/);
  assert.equal(refusal({ key: '/nonexistent/asp-key.pem', cert: certPem }).variable, 'HANBILL_NTS_ASP_KEY');
  assert.match(refusal({ key: keyPem, cert: '/nonexistent/asp-cert.pem' }).message, /^HANBILL_NTS_ASP_CERT: cannot read the file \/nonexistent\/asp-cert.pem \(ENOENT\)/);
  const garbageKey = refusal({ key: '-----BEGIN PRIVATE KEY-----\nnotakey\n-----END PRIVATE KEY-----', cert: certPem });
  assert.equal(garbageKey.variable, 'HANBILL_NTS_ASP_KEY');
  assert.equal(refusal({ key: keyPem, cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }).variable, 'HANBILL_NTS_ASP_CERT');
  assert.ok(!mismatch.message.includes('PRIVATE KEY'));
});

test('the self-signed default is minted once, kept (0600) and reused by the next start; an unwritable folder is logged', async () => {
  const dir = tmp();
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, debug: () => {}, error: () => {}, warn: (_o, msg) => warnings.push(String(msg)) };
  try {
    const first = await selfSignedAspSigner(dir, '1234567890', log)();
    assert.equal(fs.statSync(path.join(dir, 'nts', 'asp-key.pem')).mode & 0o777, 0o600);
    const again = await selfSignedAspSigner(dir, '1234567890', log)();
    assert.ok(again.certDer.equals(first.certDer), 'the same certificate across restarts');
    assert.deepEqual(warnings, []);
    const blocked = path.join(dir, 'file');
    fs.writeFileSync(blocked, '');
    const inMemory = await selfSignedAspSigner(blocked, '1234567890', log)(); // <file>/nts cannot be made
    assert.ok(!inMemory.certDer.equals(first.certDer));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /not kept/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
