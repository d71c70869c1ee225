// One error shape on both faces (issue 9 item 3): every error answer carries the request id that is also
// in that request's log lines; REST serialises `details`; the 404 handler and Fastify's own refusals use the
// same serializer; messages are composed by the face ("<face field>: <message>") from field-free core errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/log-redaction.ts';
import { freshBizno, freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { closeRawAgent, sendRaw } from '../support/raw-http.ts';
import { makePartner, operatorClient } from './portal-support.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const lines: string[] = [];
let sys: TestSystem;
let s: Onboarded;
before(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  sys = await startTestSystem({ LOG_LEVEL: 'info' }, { logger: createLogger('info', sink) });
  s = await onboard(sys.url);
});
after(async () => {
  closeRawAgent();
  await sys.close();
});

/** The log lines (parsed) of one request id. */
function logOf(requestId: string): Record<string, unknown>[] {
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes(requestId)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('REST', () => {
  test('an error answer carries a unique random requestId that is in the log line of the request', async () => {
    const a = await rest(sys.url, 'POST', '/v1/members', { bizno: '123' });
    const b = await rest(sys.url, 'POST', '/v1/members', { bizno: '123' });
    assert.equal(a.status, 400);
    assert.match(a.body.error.requestId, UUID);
    assert.notEqual(a.body.error.requestId, b.body.error.requestId);
    const logged = logOf(a.body.error.requestId);
    assert.ok(logged.length > 0, 'the id is in the log');
    assert.ok(logged.every((l) => l['reqId'] === a.body.error.requestId));
  });

  test('core errors name the REST field and the message is composed once, from a field-free core message', async () => {
    const r = await rest(sys.url, 'POST', '/v1/members', {
      bizno: freshBizno(), companyName: '상사', ceoName: '홍길동', loginId: freshLoginId(), password: 'short', userName: '김', email: 'a@example.kr',
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'password');
    assert.match(r.body.error.message, /^password: 비밀번호는 8~64자입니다 \(/);
    assert.equal(r.body.error.message.split('password:').length, 2, 'named once');
  });

  test('details are serialised (amounts that do not add up say which amounts)', async () => {
    const document = {
      kind: 'tax_invoice', purpose: 'receipt', writeDate: '20261121',
      buyer: { idType: 'business', id: freshBizno(), name: '(주)상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'b@example.kr' }] },
      amounts: { supply: 100000, tax: 10000, total: 110001 },
      lines: [{ month: 11, day: 21, name: '컨설팅', supply: 100000, tax: 10000 }],
    };
    const r = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents`, { document }, { 'x-svc-key': s.svcKey });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'amounts_mismatch');
    assert.equal(r.body.error.field, 'amounts.total');
    assert.deepEqual(r.body.error.details, { supply: 100000, tax: 10000, total: 110001 });
  });

  test('the subscription key header is named as REST names it (X-Svc-Key), not as the core does', async () => {
    const r = await rest(sys.url, 'GET', `/v1/subscriptions/${s.sinchno}/documents`, undefined, { 'x-svc-key': 'wrong' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'svc_key_mismatch');
    assert.equal(r.body.error.field, 'X-Svc-Key');
    assert.match(r.body.error.message, /^X-Svc-Key: 서비스키가 일치하지 않습니다/);
  });

  test('no such route: the one shape with a specific code, through the same serializer', async () => {
    const r = await rest(sys.url, 'GET', '/v1/no-such-thing?x=1');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'route_not_found');
    assert.equal(r.body.error.legacyCode, '3001');
    assert.equal(r.body.error.status, 404);
    assert.match(r.body.error.requestId, UUID);
    assert.match(r.body.error.message, /^GET \/v1\/no-such-thing: 없는 경로입니다 \(no such route\)$/);
  });

  test("Fastify's own refusals (unsupported type, malformed URL) use the one shape and carry the request id", async () => {
    const t = await fetch(`${sys.url}/v1/members`, { method: 'POST', body: 'x', headers: { 'content-type': 'application/x-unknown' } });
    const body = (await t.json()) as { error: Record<string, unknown> };
    assert.equal(t.status, 415);
    assert.equal(body.error['field'], 'Content-Type');
    assert.match(String(body.error['requestId']), UUID);
    const bad = await sendRaw(sys.url, { method: 'GET', path: '/v1/subscriptions/%E0%A4%A/documents' });
    assert.equal(bad.status, 400);
    const e = (JSON.parse(bad.bytes.toString('utf8')) as { error: Record<string, unknown> }).error;
    assert.equal(e['field'], 'url');
    assert.match(String(e['message']), /^url: /);
    assert.match(String(e['requestId']), UUID);
  });
});

describe('legacy', () => {
  test('an error answer carries request_id (XML and JSON) that is in the log line of the request, and names the form field', async () => {
    const r = await legacyPost(sys.url, '_member.aspx', { cmd: 'INSERT', bizno: freshBizno(), com_name: '상사', ceo_name: '홍', id: freshLoginId(), pwd: 'short', user_name: '김', email: 'a@example.kr' });
    assert.equal(r.code, '1002');
    assert.equal(r['field'], 'pwd');
    assert.match(r.msg, /^pwd: 비밀번호는 8~64자입니다 \(/);
    assert.match(String(r['request_id']), UUID);
    assert.ok(logOf(String(r['request_id'])).length > 0, 'the id is in the log');

    const res = await fetch(`${sys.url}/_auth.aspx`, { method: 'POST', body: new URLSearchParams({ cmd: 'GETSVCKEY', fmt: 'json', bizno: s.bizno, id: s.id, pwd: s.pwd, sinchno: '999999999' }) });
    const json = (await res.json()) as Record<string, string>;
    assert.equal(json['code'], '2004');
    assert.equal(json['field'], 'sinchno', 'GETSVCKEY names the id as its answers do');
    assert.match(json['msg']!, /^sinchno: /);
    assert.match(json['request_id']!, UUID);
  });

  test('the camelCase core is named in the form vocabulary: sinch_no / svc_key on document calls, id on SINCHSERVICE', async () => {
    const wrongKey = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: s.sinchno, svc_key: 'wrong' });
    assert.equal(wrongKey.code, '2005');
    assert.equal(wrongKey['field'], 'svc_key');
    assert.match(wrongKey.msg, /^svc_key: /);
    const noSub = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: 999999999, svc_key: 'x' });
    assert.equal(noSub.code, '2004');
    assert.equal(noSub['field'], 'sinch_no');
    const badUnit = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: s.bizno, id: s.id, pwd: s.pwd, pack_code: 1, svcunit_code: '01', amount: 0, vat: 0, total_amount: 0 });
    assert.equal(badUnit.code, '1002');
    assert.equal(badUnit['field'], 'svcunit_code');
    const sums = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: s.bizno, id: s.id, pwd: s.pwd, pack_code: 1, svcunit_code: 1, amount: 1, vat: 0, total_amount: 0 });
    assert.equal(sums.code, '3003');
    assert.equal(sums['field'], 'total_amount');
    assert.match(sums.msg, /^total_amount: /);
  });
});

test('a partner registers members with the camelCase fields of POST /v1/members, and errors name them', async () => {
  const partner = await makePartner(sys, await operatorClient(sys));
  const key = await partner.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(key.status, 201, key.text);
  const headers = { authorization: `Bearer ${key.body.accessKey}` };
  const member = { bizno: freshBizno(), companyName: '고객상사', ceoName: '홍길동', loginId: freshLoginId('pm'), password: 'Secret123', userName: '김담당', email: 'tax@example.kr' };
  const bad = await rest(sys.url, 'POST', '/v1/partner/members', { ...member, password: 'short' }, headers);
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  assert.equal(bad.body.error.field, 'password');
  assert.match(bad.body.error.message, /^password: /);
  const ok = await rest(sys.url, 'POST', '/v1/partner/members', member, headers);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.loginId, member.loginId);
  const taken = await rest(sys.url, 'POST', '/v1/partner/members', { ...member, bizno: freshBizno() }, headers);
  assert.equal(taken.status, 409);
  assert.equal(taken.body.error.code, 'login_id_taken');
  assert.equal(taken.body.error.field, 'loginId');
});

test('/readyz does not show the database error to anonymous callers (it goes to the log)', async () => {
  const ok = await rest(sys.url, 'GET', '/readyz');
  assert.deepEqual(ok.body, { status: 'ready', database: 'ok' });
  // a database that does not answer: the text of its error names hosts and users
  const db = sys.ctx.db as unknown as { selectFrom: unknown };
  const real = db.selectFrom;
  db.selectFrom = () => {
    throw new Error('connect ECONNREFUSED 10.9.8.7:5432 user=hanbill_prod');
  };
  let down: Awaited<ReturnType<typeof rest>>;
  try {
    down = await rest(sys.url, 'GET', '/readyz');
  } finally {
    db.selectFrom = real;
  }
  assert.equal(down.status, 503);
  assert.equal(down.body.status, 'unavailable');
  assert.ok(!JSON.stringify(down.body).includes('ECONNREFUSED') && !JSON.stringify(down.body).includes('10.9.8.7'), JSON.stringify(down.body));
  assert.match(down.body.requestId, UUID);
  assert.ok(logOf(down.body.requestId).some((l) => JSON.stringify(l).includes('ECONNREFUSED')), 'the reason is logged under the request id');
});
