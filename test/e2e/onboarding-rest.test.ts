// The same onboarding through REST, the CRM endpoints, idempotency, and a valid OpenAPI 3.1 document.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '@readme/openapi-parser';
import { freshBizno, freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

const member = () => ({ bizno: freshBizno(), companyName: '한빌 REST', ceoName: '이대표', loginId: freshLoginId('r'), password: 'Passw0rd!', userName: '박담당', email: 'rest@example.kr' });

describe('REST onboarding', () => {
  test('register → apply → service key; errors name REST fields', async () => {
    const m = member();
    const reg = await rest(sys.url, 'POST', '/v1/members', m);
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal(reg.body.loginId, m.loginId);

    const creds = { bizno: m.bizno, loginId: m.loginId, password: m.password };
    const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { ...creds, packageId: 1, unitIds: [1], amount: 0, vat: 0, totalAmount: 0 });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    assert.equal(sub.body.dbName, `tax${String(sub.body.subscriptionId).padStart(6, '0')}`);

    const key = await rest(sys.url, 'POST', '/v1/auth/service-key', creds);
    assert.equal(key.status, 200);
    assert.equal(key.body.subscriptionId, sub.body.subscriptionId);
    assert.ok(key.body.serviceKey.length >= 22);

    const wrong = await rest(sys.url, 'POST', '/v1/auth/service-key', { ...creds, password: 'Nope12345' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'credentials_mismatch');
    assert.equal(wrong.body.error.legacyCode, '2001');

    const dupBiz = await rest(sys.url, 'POST', '/v1/members', { ...m, loginId: freshLoginId() });
    assert.equal(dupBiz.status, 409);
    assert.equal(dupBiz.body.error.code, 'bizno_taken');
    const dupId = await rest(sys.url, 'POST', '/v1/members', { ...m, bizno: freshBizno() });
    assert.equal(dupId.status, 409);
    assert.equal(dupId.body.error.code, 'login_id_taken');
    assert.equal(dupId.body.error.field, 'loginId');

    const avail = await rest(sys.url, 'GET', `/v1/login-ids/${m.loginId}`);
    assert.deepEqual(avail.body, { loginId: m.loginId, available: false });
  });

  test('bad checksum → 400 field_invalid naming bizno; missing field → field_required naming it', async () => {
    const bad = await rest(sys.url, 'POST', '/v1/members', { ...member(), bizno: '1234567890' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'field_invalid');
    assert.equal(bad.body.error.field, 'bizno');
    const { ceoName: _omit, ...noCeo } = member();
    const missing = await rest(sys.url, 'POST', '/v1/members', noCeo);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'field_required');
    assert.equal(missing.body.error.field, 'ceoName');
    const weak = await rest(sys.url, 'POST', '/v1/members', { ...member(), password: 'short' });
    assert.equal(weak.body.error.field, 'password');
  });

  test('Idempotency-Key: a retry replays the first answer and creates nothing; a different body is refused', async () => {
    const m = member();
    const headers = { 'idempotency-key': `k-${freshLoginId()}` };
    const first = await rest(sys.url, 'POST', '/v1/members', m, headers);
    const second = await rest(sys.url, 'POST', '/v1/members', m, headers);
    assert.equal(first.status, 201);
    assert.deepEqual(second, first);
    const other = await rest(sys.url, 'POST', '/v1/members', { ...m, companyName: 'changed' }, headers);
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'idempotency_conflict');
    const n = await sys.database.pool.query('SELECT count(*)::int AS n FROM members WHERE bizno = $1', [m.bizno]);
    assert.equal(n.rows[0].n, 1);

    // concurrent duplicates: one member, identical answers
    const m2 = member();
    const h2 = { 'idempotency-key': `k-${freshLoginId()}` };
    const both = await Promise.all([rest(sys.url, 'POST', '/v1/members', m2, h2), rest(sys.url, 'POST', '/v1/members', m2, h2)]);
    assert.deepEqual(both[0], both[1]);
    assert.equal(both[0].status, 201);
  });
});

describe('CRM (operator)', () => {
  const op = () => ({ authorization: `Bearer ${sys.operatorToken}` });

  test('package 1 and unit 1 exist, unlimited and free', async () => {
    const units = await rest(sys.url, 'GET', '/v1/catalog/units', undefined, op());
    const u1 = units.body.data.find((u: { id: number }) => u.id === 1);
    assert.equal(u1.unitPriceKrw, 0);
    assert.equal(u1.limitPerPeriod, 0);
    const p1 = await rest(sys.url, 'GET', '/v1/catalog/packages/1', undefined, op());
    assert.equal(p1.body.priceKrw, 0);
    assert.deepEqual(p1.body.unitIds, [1]);
  });

  test('create, change, list and retire units and packages; retired ones cannot be applied for', async () => {
    const unit = await rest(sys.url, 'POST', '/v1/catalog/units', { name: 'AlimTalk', meteredItem: 'alimtalk_sent', unitPriceKrw: 8, limitPerPeriod: 1000 }, op());
    assert.equal(unit.status, 201, JSON.stringify(unit.body));
    const pack = await rest(sys.url, 'POST', '/v1/catalog/packages', { name: '메시지 패키지', priceKrw: 10000, periodMonths: 12, unitIds: [1, unit.body.id] }, op());
    assert.equal(pack.status, 201, JSON.stringify(pack.body));
    assert.deepEqual(pack.body.unitIds, [1, unit.body.id]);
    const changed = await rest(sys.url, 'PATCH', `/v1/catalog/units/${unit.body.id}`, { unitPriceKrw: 9 }, op());
    assert.equal(changed.body.unitPriceKrw, 9);
    assert.equal(changed.body.name, 'AlimTalk');

    const m = member();
    await rest(sys.url, 'POST', '/v1/members', m);
    const creds = { bizno: m.bizno, loginId: m.loginId, password: m.password };
    const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { ...creds, packageId: pack.body.id, unitIds: [unit.body.id], amount: 10000, vat: 1000, totalAmount: 11000, startDate: '20260101' });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    assert.equal(sub.body.endDate, '20261231', 'a 12-month package ends the day before the same date a year on');

    const retired = await rest(sys.url, 'DELETE', `/v1/catalog/packages/${pack.body.id}`, undefined, op());
    assert.equal(retired.body.retired, true);
    const refused = await rest(sys.url, 'POST', '/v1/subscriptions', { ...creds, packageId: pack.body.id, unitIds: [unit.body.id], amount: 0, vat: 0, totalAmount: 0 });
    assert.equal(refused.body.error.code, 'package_not_found');
    const listed = await rest(sys.url, 'GET', '/v1/catalog/packages', undefined, op());
    assert.ok(!listed.body.data.some((p: { id: number }) => p.id === pack.body.id));
    const all = await rest(sys.url, 'GET', '/v1/catalog/packages?includeRetired=true', undefined, op());
    assert.ok(all.body.data.some((p: { id: number }) => p.id === pack.body.id));

    assert.equal((await rest(sys.url, 'DELETE', '/v1/catalog/units/1', undefined, op())).status, 409);
    // a specific code, not a generic conflict: a client can tell why
    const defaultUnit = await rest(sys.url, 'DELETE', '/v1/catalog/units/1', undefined, op());
    assert.equal(defaultUnit.body.error.code, 'unit_retire_refused');
    assert.equal(defaultUnit.body.error.legacyCode, '3002');
    const defaultPack = await rest(sys.url, 'DELETE', '/v1/catalog/packages/1', undefined, op());
    assert.equal(defaultPack.status, 409);
    assert.equal(defaultPack.body.error.code, 'package_retire_refused');
    const badUnit = await rest(sys.url, 'POST', '/v1/catalog/units', { name: 'x', meteredItem: 'Bad Item' }, op());
    assert.equal(badUnit.body.error.field, 'meteredItem');
    const badPack = await rest(sys.url, 'POST', '/v1/catalog/packages', { name: 'x', unitIds: [987654] }, op());
    assert.equal(badPack.body.error.code, 'unit_not_found');
  });

  test('without the operator token: 401', async () => {
    assert.equal((await rest(sys.url, 'GET', '/v1/catalog/units')).status, 401);
    assert.equal((await rest(sys.url, 'GET', '/v1/catalog/units', undefined, { authorization: 'Bearer wrong-token-value-000000' })).status, 401);
  });
});

describe('OpenAPI', () => {
  test('the served document is a valid OpenAPI 3.1 description with every REST route', async () => {
    const doc = await rest(sys.url, 'GET', '/openapi.json');
    assert.equal(doc.body.openapi, '3.1.0');
    const result = await validate(structuredClone(doc.body));
    assert.equal(result.valid, true, JSON.stringify(result, null, 1).slice(0, 2000));
    for (const p of ['/v1/members', '/v1/subscriptions', '/v1/auth/service-key', '/v1/catalog/units', '/v1/catalog/packages/{id}']) {
      assert.ok(doc.body.paths[p], `documents ${p}`);
    }
    const page = await fetch(`${sys.url}/docs/`);
    assert.equal(page.status, 200);
  });

  test('health and readiness', async () => {
    assert.equal((await rest(sys.url, 'GET', '/healthz')).body.status, 'ok');
    assert.equal((await rest(sys.url, 'GET', '/readyz')).body.database, 'ok');
  });
});
