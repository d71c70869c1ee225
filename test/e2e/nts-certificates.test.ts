// Certificate upload over REST: NPKI (SEED 1.2.410.200004.1.15 and PBES2/seedCBC), PKCS#12, and every refusal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openSecret } from '../../src/platform/secret-box.ts';
import { certificateAad } from '../../src/modules/certificates/signing-material.ts';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { freshBizno, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { registerMember, startNtsTestSystem, uploadCertificate, type TestMember } from './nts-support.ts';

const FIXTURE = '/work/shared/reference/npki-test-fixture';
const fixture = (name: string) => readFileSync(`${FIXTURE}/${name}`);
const DAY = 86_400_000;

let sys: TestSystem;
before(async () => {
  sys = await startNtsTestSystem();
});
after(async () => {
  await sys.close();
});

const get = (m: TestMember) => rest(sys.url, 'GET', `/v1/subscriptions/${m.subscriptionId}/certificate`, undefined, { 'x-svc-key': m.svcKey });

describe('certificate upload', () => {
  test('NPKI signCert.der + signPri.key (SEED 1.2.410.200004.1.15): stored sealed, metadata only in answers', async () => {
    const m = await registerMember(sys);
    const id = makeTestNpkiIdentity(m.bizno);
    const r = await uploadCertificate(sys, m, id, 'seed');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const c = r.body.certificate;
    assert.equal(c.source, 'npki');
    assert.equal(c.expiryStatus, 'valid');
    assert.deepEqual(c.vid, { bizno: m.bizno, verified: true });
    assert.equal(c.keyBits, 2048);
    assert.match(c.subject, new RegExp(m.bizno));
    assert.deepEqual(r.body.warnings, []);
    const text = JSON.stringify(r.body);
    for (const secret of [id.signPri, id.randomNum, id.cert.privateKey.export({ format: 'der', type: 'pkcs8' })]) {
      assert.ok(!text.includes(secret.toString('base64')), 'no key material in the answer');
    }

    const row = await sys.ctx.db.selectFrom('signing_certificates').selectAll().where('id', '=', c.certificateId).executeTakeFirstOrThrow();
    const pkcs8 = id.cert.privateKey.export({ format: 'der', type: 'pkcs8' });
    assert.ok(!row.private_key_sealed.includes(pkcs8.subarray(40, 80)), 'the private key is not stored in the clear');
    assert.ok(!row.random_num_sealed.includes(id.randomNum));
    const aad = certificateAad(m.memberId, row.fingerprint256);
    assert.deepEqual(openSecret(sys.ctx.masterKey, row.random_num_sealed, `${aad}:r`), id.randomNum);
    assert.deepEqual(openSecret(sys.ctx.masterKey, row.private_key_sealed, `${aad}:key`), pkcs8);
    assert.throws(() => openSecret(crypto.randomBytes(32), row.private_key_sealed, `${aad}:key`), 'another master key cannot open it');

    const g = await get(m);
    assert.equal(g.status, 200);
    assert.equal(g.body.certificate.certificateId, c.certificateId);
  });

  test('NPKI PBES2 + seedCBC key, and a re-upload replaces the active certificate', async () => {
    const m = await registerMember(sys);
    const first = await uploadCertificate(sys, m, makeTestNpkiIdentity(m.bizno), 'pbes2');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await uploadCertificate(sys, m, makeTestNpkiIdentity(m.bizno), 'pbes2');
    assert.equal(second.status, 201);
    const active = await sys.ctx.db.selectFrom('signing_certificates').select(['id', 'replaced_at']).where('member_id', '=', m.memberId).orderBy('id').execute();
    assert.equal(active.length, 2);
    assert.ok(active[0]!.replaced_at, 'the first one is retired');
    assert.equal(active[1]!.replaced_at, null);
    assert.equal((await get(m)).body.certificate.certificateId, second.body.certificate.certificateId);
  });

  test('PKCS#12 (.pfx with the SEED key bag, R in the PKCS#8 attributes), also as multipart/form-data', async () => {
    const m = await registerMember(sys);
    const id = makeTestNpkiIdentity(m.bizno);
    const r = await uploadCertificate(sys, m, id, 'pfx');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.certificate.source, 'pkcs12');

    const form = new FormData();
    form.append('signCert', new Blob([id.signCert]), 'signCert.der');
    form.append('signPri', new Blob([id.signPri]), 'signPri.key');
    form.append('password', id.password);
    const res = await fetch(`${sys.url}/v1/subscriptions/${m.subscriptionId}/certificate`, { method: 'POST', body: form, headers: { 'x-svc-key': m.svcKey } });
    const body = (await res.json()) as { certificate: { source: string } };
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.certificate.source, 'npki');
  });

  test('wrong password → 400 certificate_invalid naming password (NPKI both encryptions and PKCS#12)', async () => {
    const m = await registerMember(sys);
    const id = makeTestNpkiIdentity(m.bizno);
    for (const form of ['seed', 'pbes2', 'pfx'] as const) {
      const r = await uploadCertificate(sys, m, { ...id, password: 'Wrong1234!' }, form);
      assert.equal(r.status, 400, form);
      assert.equal(r.body.error.code, 'certificate_invalid', form);
      assert.equal(r.body.error.field, 'password', form);
      assert.match(r.body.error.message, /^password: /);
    }
    assert.equal((await get(m)).status, 409, 'nothing was stored');
  });

  test('VID mismatch: a certificate of another business number is refused', async () => {
    const m = await registerMember(sys);
    const r = await uploadCertificate(sys, m, makeTestNpkiIdentity(freshBizno()), 'seed');
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'certificate_invalid');
    assert.equal(r.body.error.field, 'signCert');
    assert.match(r.body.error.message, /VID/);
  });

  test('expired → refused; ≤ 30 days left → accepted with a warning', async () => {
    const m = await registerMember(sys);
    const expired = makeTestNpkiIdentity(m.bizno, { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    const r1 = await uploadCertificate(sys, m, expired);
    assert.equal(r1.status, 400);
    assert.match(r1.body.error.message, /expired/);
    const soon = makeTestNpkiIdentity(m.bizno, { notAfter: new Date(Date.now() + 10 * DAY) });
    const r2 = await uploadCertificate(sys, m, soon);
    assert.equal(r2.status, 201);
    assert.equal(r2.body.certificate.expiryStatus, 'expiring');
    assert.equal(r2.body.warnings.length, 1);
    assert.match(r2.body.warnings[0], /30 days/);
    assert.equal((await get(m)).body.certificate.expiryStatus, 'expiring');
  });

  test('the shipped fixture (bizno 2048631263): signPri.key and PBES2 accepted; its .p12 has no R and is refused', async () => {
    const m = await registerMember(sys, '2048631263', { subBizno: String(crypto.randomInt(0, 10_000)).padStart(4, '0') });
    const upload = (body: Record<string, string>) => rest(sys.url, 'POST', `/v1/subscriptions/${m.subscriptionId}/certificate`, body, { 'x-svc-key': m.svcKey });
    const cert = fixture('signCert.der').toString('base64');
    const seed = await upload({ signCert: cert, signPri: fixture('signPri.key').toString('base64'), password: 'Test1234!' });
    assert.equal(seed.status, 201, JSON.stringify(seed.body));
    assert.equal(seed.body.certificate.vid.bizno, '2048631263');
    const pbes2 = await upload({ signCert: cert, signPri: fixture('signPri_pbes2_seedcbc.key').toString('base64'), password: 'Test1234!' });
    assert.equal(pbes2.status, 201);
    assert.equal(pbes2.body.certificate.fingerprint256, seed.body.certificate.fingerprint256);
    const p12 = await upload({ pfx: fixture('signCert_and_key.p12').toString('base64'), password: 'Test1234!' });
    assert.equal(p12.status, 400);
    assert.equal(p12.body.error.field, 'pfx');
    assert.match(p12.body.error.message, /R/);
  });

  test('authentication: the svc_key of the subscription is needed', async () => {
    const m = await registerMember(sys);
    const id = makeTestNpkiIdentity(m.bizno);
    const r = await rest(sys.url, 'POST', `/v1/subscriptions/${m.subscriptionId}/certificate`, { signCert: id.signCert.toString('base64'), signPri: id.signPri.toString('base64'), password: id.password }, { 'x-svc-key': 'nope' });
    assert.equal(r.status, 401);
    const missing = await rest(sys.url, 'GET', `/v1/subscriptions/${m.subscriptionId}/certificate`);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.field, 'X-Svc-Key');
  });
});
