// Company conversion and API-service application rules over HTTP: company members only, cancellation of a
// pending application, documents requested and uploaded, rejection blocks re-application for one year
// (the clock is moved to check the exact end), approval makes a partner and the API menu appear.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/platform/clock.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { Client, makeCompany, operatorClient, PASSWORD, signUpAndLogin } from './portal-support.ts';

let sys: TestSystem;
let op: Client;
const clock = new ManualClock(new Date('2026-03-10T01:00:00Z'));
before(async () => {
  sys = await startTestSystem({}, { clock });
  op = await operatorClient(sys);
});
after(async () => {
  await sys.close();
});

async function relogin(c: Client, loginId: string) {
  const l = await c.call('POST', '/v1/portal/session', { json: { loginId, password: PASSWORD } });
  assert.equal(l.status, 200, l.text);
}

describe('company-member conversion', () => {
  test('an individual requests, sees pending; rejection with a reason; a new request is approved', async () => {
    const { client } = await signUpAndLogin(sys);
    const me = await client.call('GET', '/v1/portal/me');
    assert.equal(me.body.kind, 'individual');
    const bad = await client.call('POST', '/v1/portal/company-conversion', { json: { bizno: '1234567890', comName: 'x', ceoName: 'y' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'bizno');
    const req1 = await client.call('POST', '/v1/portal/company-conversion', { json: { bizno: '2208162517', comName: '한빌상사', ceoName: '이대표' } });
    assert.equal(req1.status, 201, req1.text);
    assert.equal(req1.body.state, 'pending');
    const dup = await client.call('POST', '/v1/portal/company-conversion', { json: { bizno: '2208162517', comName: '한빌상사', ceoName: '이대표' } });
    assert.equal(dup.status, 409);
    const noReason = await op.call('POST', `/v1/operator/company-conversions/${req1.body.id}/reject`, { json: {} });
    assert.equal(noReason.status, 400);
    const rej = await op.call('POST', `/v1/operator/company-conversions/${req1.body.id}/reject`, { json: { reason: '사업자등록증 불일치' } });
    assert.equal(rej.status, 200, rej.text);
    const seen = await client.call('GET', '/v1/portal/company-conversion');
    assert.equal(seen.body.current.state, 'rejected');
    assert.equal(seen.body.current.reason, '사업자등록증 불일치');
    const again = await op.call('POST', `/v1/operator/company-conversions/${req1.body.id}/approve`);
    assert.equal(again.status, 409, 'a decided request cannot be decided again');
  });

  test('only operators review; a member session cannot', async () => {
    const { client } = await signUpAndLogin(sys);
    const r = await client.call('GET', '/v1/operator/company-conversions');
    assert.equal(r.status, 401);
  });
});

describe('API service application', () => {
  test('individual members cannot apply (403, says to convert first)', async () => {
    const { client } = await signUpAndLogin(sys);
    const r = await client.call('POST', '/v1/portal/api-application', { json: {} });
    assert.equal(r.status, 403);
    assert.match(r.body.error.message, /기업회원/);
  });

  test('a pending application can be cancelled, then applied for again', async () => {
    const { client } = await makeCompany(sys, op);
    const a = await client.call('POST', '/v1/portal/api-application', { json: { note: '첫 신청' } });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.body.state, 'pending');
    const twice = await client.call('POST', '/v1/portal/api-application', { json: {} });
    assert.equal(twice.status, 409, 'one open application at a time');
    const c = await client.call('POST', '/v1/portal/api-application/cancel');
    assert.equal(c.status, 200);
    const s = await client.call('GET', '/v1/portal/api-application');
    assert.equal(s.body.current.state, 'cancelled');
    assert.equal(s.body.canApply, true);
    assert.equal((await client.call('POST', '/v1/portal/api-application/cancel')).status, 409, 'nothing left to cancel');
    const b = await client.call('POST', '/v1/portal/api-application', { json: {} });
    assert.equal(b.status, 201);
    assert.equal((await op.call('POST', `/v1/operator/api-applications/${a.body.id}/approve`)).status, 409, 'a cancelled application cannot be approved');
  });

  test('documents requested → upload → back to pending; the operator downloads it', async () => {
    const { client } = await makeCompany(sys, op);
    const a = await client.call('POST', '/v1/portal/api-application', { json: {} });
    const rd = await op.call('POST', `/v1/operator/api-applications/${a.body.id}/request-documents`, { json: { message: '사업자등록증 사본' } });
    assert.equal(rd.status, 200, rd.text);
    const s1 = await client.call('GET', '/v1/portal/api-application');
    assert.equal(s1.body.current.state, 'documents_requested');
    assert.equal(s1.body.current.reviewNote, '사업자등록증 사본');

    const pdf = Buffer.from('%PDF-1.4\n% test document\n%%EOF\n');
    const boundary = '----hanbilltest';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="등록증.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      pdf,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${sys.url}/v1/portal/api-application/documents`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf },
      body,
    });
    assert.equal(res.status, 201, await res.clone().text());
    const up = (await res.json()) as { state: string; documents: { id: number; fileName: string }[] };
    assert.equal(up.state, 'pending');
    assert.equal(up.documents[0]?.fileName, '등록증.pdf');
    const dl = await fetch(`${sys.url}/v1/operator/api-application-documents/${up.documents[0]!.id}`, { headers: { authorization: `Bearer ${sys.operatorToken}` } });
    assert.equal(dl.status, 200);
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), pdf);
    const exe = await fetch(`${sys.url}/v1/portal/api-application/documents`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf },
      body: Buffer.from(body.toString('latin1').replace('application/pdf', 'application/x-msdownload'), 'latin1'),
    });
    assert.equal(exe.status, 400);
  });

  test('approval makes a partner; the 연동 API 관리 menu appears; audit records the decisions', async () => {
    const { client } = await makeCompany(sys, op);
    const before = await client.call('GET', '/portal/mypage/profile');
    assert.doesNotMatch(before.text, /연동 API Key 발급/);
    assert.equal((await client.call('GET', '/v1/portal/api-keys')).status, 403);
    const a = await client.call('POST', '/v1/portal/api-application', { json: {} });
    const ok = await op.call('POST', `/v1/operator/api-applications/${a.body.id}/approve`);
    assert.equal(ok.status, 200);
    const me = await client.call('GET', '/v1/portal/me');
    assert.equal(me.body.partner.id, ok.body.partnerId);
    const after = await client.call('GET', '/portal/mypage/profile');
    assert.match(after.text, /연동 API 관리/);
    assert.match(after.text, /연동 API Key 발급/);
    const audit = await op.call('GET', '/v1/operator/audit-log?action=application.approved');
    assert.ok(audit.body.data.some((e: { targetId: number; actorKind: string; ip: string }) => e.targetId === a.body.id && e.actorKind === 'operator' && e.ip === '127.0.0.1'));
  });
  test('rejection blocks re-application for one year from the rejection date, to the day', async () => {
    const { client, loginId } = await makeCompany(sys, op);
    const a = await client.call('POST', '/v1/portal/api-application', { json: {} });
    const rejectedAt = clock.now();
    const rej = await op.call('POST', `/v1/operator/api-applications/${a.body.id}/reject`, { json: { reason: '심사 기준 미달' } });
    assert.equal(rej.status, 200, rej.text);
    const s = await client.call('GET', '/v1/portal/api-application');
    assert.equal(s.body.current.state, 'rejected');
    assert.equal(s.body.canApply, false);
    const until = new Date(rejectedAt);
    until.setUTCFullYear(until.getUTCFullYear() + 1);
    assert.equal(s.body.blockedUntil, until.toISOString());

    const refused = await client.call('POST', '/v1/portal/api-application', { json: {} });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /1년/);
    assert.ok(refused.body.error.message.includes(until.toISOString().slice(0, 10)), refused.body.error.message);

    const page = await client.call('GET', '/portal/mypage/api-service');
    assert.equal(page.status, 200);
    assert.match(page.text, /재신청 가능일/);
    assert.match(page.text, /3~5 영업일/);

    clock.advance(until.getTime() - clock.now().getTime() - 60_000); // one minute before the end
    await relogin(client, loginId);
    assert.equal((await client.call('POST', '/v1/portal/api-application', { json: {} })).status, 409, 'still blocked a minute before');
    clock.advance(120_000);
    await relogin(client, loginId);
    const ok = await client.call('POST', '/v1/portal/api-application', { json: {} });
    assert.equal(ok.status, 201, ok.text);
  });

});
