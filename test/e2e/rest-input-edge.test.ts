// Bad input at the REST edge is a 4xx in the one error shape naming the field, never a 500 (issue 8,
// items 9 and 14): deep JSON, unparsable and non-object bodies, ids of 2^63 and more, wrong types.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshBizno, freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { operatorClient } from './portal-support.ts';

let sys: TestSystem;
let s: Onboarded;
before(async () => {
  sys = await startTestSystem();
  s = await onboard(sys.url);
});
after(async () => {
  await sys.close();
});

const TWO_63 = '9223372036854775808';
const TWO_64 = '18446744073709551616';

function invoice() {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: '20261121',
    buyer: { idType: 'business', id: freshBizno(), name: '(주)뷁햏상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'edge@example.kr' }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month: 11, day: 21, name: '컨설팅', supply: 100000, tax: 10000 }],
  };
}

/** POST a raw body; returns status, the parsed error body and the count of the tenant's documents. */
async function raw(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(sys.url + url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-svc-key': s.svcKey, ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const documentCount = async () => (await sys.database.pool.query('SELECT count(*)::int AS n FROM documents WHERE subscription_id = $1', [s.sinchno])).rows[0].n as number;

/** The one error shape, naming `field`. */
function assertFieldError(r: { status: number; body: any }, status: number, field: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['error']);
  const e = r.body.error;
  assert.equal(e.field, field, JSON.stringify(e));
  assert.equal(e.status, status);
  assert.equal(typeof e.code, 'string');
  assert.match(e.legacyCode, /^\d{4}$/);
  assert.notEqual(e.legacyCode, '9999');
  assert.ok(e.message.startsWith(`${field}: `), e.message);
  assert.match(e.message, /[가-힣].*\(.+\)/, 'Korean first, English in parentheses');
}

describe('REST bodies', () => {
  test('deeply nested JSON (with or without Idempotency-Key) → 400 naming body; nothing stored', async () => {
    const before = await documentCount();
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    for (const nested of [deepObject(5000), deepArray(5000), deepObject(100_000)]) {
      const body = JSON.stringify({ document: { ...invoice(), extra: 0 } }).replace('"extra":0', `"extra":${nested}`);
      for (const headers of [{}, { 'idempotency-key': `deep-${freshLoginId()}` }] as Record<string, string>[]) {
        assertFieldError(await raw(`/v1/subscriptions/${s.sinchno}/documents`, body, headers), 400, 'body');
      }
    }
    for (const url of ['/v1/members', '/v1/subscriptions', '/v1/auth/service-key']) {
      assertFieldError(await raw(url, deepObject(5000), { 'idempotency-key': `deep-${freshLoginId()}` }), 400, 'body');
    }
    assert.equal(await documentCount(), before);
  });

  test('a reasonable nesting still works', async () => {
    const r = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents`, { document: invoice() }, { 'x-svc-key': s.svcKey, 'idempotency-key': `ok-${freshLoginId()}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  test('unparsable, empty and non-object bodies → 400 naming body', async () => {
    for (const body of ['{"a":', 'not json', '', '[]', '"x"', '1', 'null', 'true']) {
      for (const url of [`/v1/subscriptions/${s.sinchno}/documents`, '/v1/members', '/v1/auth/service-key']) {
        assertFieldError(await raw(url, body), 400, 'body');
      }
    }
  });

  test('an unsupported content type → 415 naming Content-Type', async () => {
    const res = await fetch(`${sys.url}/v1/members`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    assertFieldError({ status: res.status, body: await res.json() }, 415, 'Content-Type');
  });
});

describe('ids beyond the database range', () => {
  test('2^63 and 2^64 in REST paths → 400 naming the parameter', async () => {
    const op = { authorization: `Bearer ${sys.ctx.config.operatorToken}` };
    // 1e309 and -1e309 are ±Infinity once coerced, which ajv lets through integer and its bounds (was a 500)
    for (const id of [TWO_63, TWO_64, '1e20', '1e309', '-1e309']) {
      for (const [method, url, body] of [
        ['GET', `/v1/catalog/units/${id}`, undefined],
        ['PATCH', `/v1/catalog/units/${id}`, { unitPriceKrw: 1 }],
        ['DELETE', `/v1/catalog/packages/${id}`, undefined],
        ['GET', `/v1/catalog/packages/${id}`, undefined],
      ] as const) {
        assertFieldError(await rest(sys.url, method, url, body, op), 400, 'id');
      }
      assertFieldError(await rest(sys.url, 'GET', `/v1/subscriptions/${id}/documents`, undefined, { 'x-svc-key': s.svcKey }), 400, 'subscriptionId');
      assertFieldError(await rest(sys.url, 'GET', `/v1/subscriptions/${s.sinchno}/documents?limit=${id}`, undefined, { 'x-svc-key': s.svcKey }), 400, 'limit');
    }
    const operator = await operatorClient(sys);
    for (const id of [TWO_63, TWO_64]) {
      const r = await operator.call('GET', `/v1/operator/api-applications/${id}`);
      assertFieldError(r, 400, 'id');
      const approve = await operator.call('POST', `/v1/operator/company-conversions/${id}/approve`);
      assertFieldError(approve, 400, 'id');
    }
  });

  test('2^63 and more in REST bodies → 400 naming the field', async () => {
    const creds = { bizno: s.bizno, loginId: s.id, password: s.pwd };
    const op = { authorization: `Bearer ${sys.ctx.config.operatorToken}` };
    const big = Number(TWO_63);
    assertFieldError(await rest(sys.url, 'POST', '/v1/auth/service-key', { ...creds, subscriptionId: big }), 400, 'subscriptionId');
    const sub = { ...creds, packageId: 1, unitIds: [1], amount: 0, vat: 0, totalAmount: 0 };
    assertFieldError(await rest(sys.url, 'POST', '/v1/subscriptions', { ...sub, packageId: big }), 400, 'packageId');
    assertFieldError(await rest(sys.url, 'POST', '/v1/subscriptions', { ...sub, unitIds: [big] }), 400, 'unitIds[0]');
    assertFieldError(await rest(sys.url, 'POST', '/v1/catalog/packages', { name: 'x', unitIds: [big] }, op), 400, 'unitIds[0]');
    const doc = invoice();
    assertFieldError(
      await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents`, { document: { ...doc, amounts: { ...doc.amounts, supply: 2 ** 64 } } }, { 'x-svc-key': s.svcKey }),
      400,
      'amounts.supply',
    );
  });
});

describe('REST does not coerce types', () => {
  test('"100" for an integer, "1" for an id, a scalar for an array, "true" for a boolean → 400 naming the field; nothing created', async () => {
    const creds = { bizno: s.bizno, loginId: s.id, password: s.pwd };
    const sub = { ...creds, packageId: 1, unitIds: [1], amount: 0, vat: 0, totalAmount: 0 };
    const subsBefore = (await sys.database.pool.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n;
    for (const [patch, field] of [
      [{ amount: '100', vat: 0, totalAmount: 100 }, 'amount'],
      [{ packageId: '1' }, 'packageId'],
      [{ unitIds: 1 }, 'unitIds'],
      [{ unitIds: ['1'] }, 'unitIds[0]'],
      [{ totalAmount: 0.5 }, 'totalAmount'],
      [{ password: 12345678 }, 'password'],
    ] as const) {
      assertFieldError(await rest(sys.url, 'POST', '/v1/subscriptions', { ...sub, ...patch }), 400, field);
    }
    assert.equal((await sys.database.pool.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n, subsBefore);
    assertFieldError(await rest(sys.url, 'POST', '/v1/auth/service-key', { ...creds, subscriptionId: String(s.sinchno) }), 400, 'subscriptionId');

    const before = await documentCount();
    const doc = invoice();
    const docs = `/v1/subscriptions/${s.sinchno}/documents`;
    const svc = { 'x-svc-key': s.svcKey };
    assertFieldError(await rest(sys.url, 'POST', docs, { document: { ...doc, amounts: { ...doc.amounts, supply: '100000' } } }, svc), 400, 'amounts.supply');
    assertFieldError(await rest(sys.url, 'POST', docs, { issue: 'true', document: doc }, svc), 400, 'issue');
    assertFieldError(await rest(sys.url, 'POST', docs, { document: { ...doc, lines: [{ ...doc.lines[0], supply: '100000' }] } }, svc), 400, 'lines[0].supply');
    assert.equal(await documentCount(), before);
  });

  test('query strings and path parameters still arrive as strings and are read as numbers', async () => {
    const list = await rest(sys.url, 'GET', `/v1/subscriptions/${s.sinchno}/documents?limit=1`, undefined, { 'x-svc-key': s.svcKey });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.data.length <= 1);
    assertFieldError(await rest(sys.url, 'GET', `/v1/subscriptions/${s.sinchno}/documents?limit=abc`, undefined, { 'x-svc-key': s.svcKey }), 400, 'limit');
    const op = { authorization: `Bearer ${sys.ctx.config.operatorToken}` };
    assert.equal((await rest(sys.url, 'GET', '/v1/catalog/units?includeRetired=true', undefined, op)).status, 200);
    assert.equal((await rest(sys.url, 'GET', '/v1/catalog/packages/1', undefined, op)).status, 200);
  });
});
