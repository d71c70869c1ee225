/**
 * Cross-tenant matrix (issue 15 item 5), generated from the route table: every route the HTTP server registered
 * (src/faces/route-table.ts) and every legacy page/cmd (LEGACY_PAGES). Each route whose path takes an id is either
 * called as tenant B with tenant A's ids — and must answer not found, A's data unchanged — or listed below with the
 * reason it is not tenant-scoped (public, operator-only, dev-only, callback). A new route with a path id that is in
 * neither list fails the test: that is what keeps new routes covered. Routes without a path id act on the caller's
 * own data only (the ids they read come from the credential); ids in bodies and queries are covered where listed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, freshBizno, type TestSystem } from '../support/test-system.ts';
import { routeTableOf, type RouteEntry } from '../../src/faces/route-table.ts';
import { LEGACY_PAGES } from '../../src/faces/legacy/legacy-routes.ts';
import { legacyPost } from '../support/http.ts';
import { legacyInvoiceFields, type Onboarded } from '../support/onboard.ts';
import { legacyInsertMember, request, type Answer, type Client } from './portal-support.ts';
import { sender, senderMember, type Sender } from './messaging-send-support.ts';
import { proofOf } from './messaging-support.ts';
import { sampleDocument, todayKst, uploadCertificate, type TestMember } from './nts-support.ts';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { memberSignedIn, type MemberClient } from './member-web-support.ts';
import { emit } from './webhooks-support.ts';
import { waitFor } from '../support/wait-for.ts';

/** Path-id routes that are not tenant-scoped, with the reason. Keys: "METHOD url" as registered, or a url prefix + '*'. */
const NOT_TENANT_SCOPED: [pattern: string, reason: string][] = [
  ['* /console*', 'operator-only: the console (operator session)'],
  ['* /v1/operator/*', 'operator-only: operator token or session'],
  ['* /v1/catalog/*', 'the service catalogue is the platform\'s, not a tenant\'s: reads public, writes operator-only'],
  ['GET /v1/login-ids/:loginId', 'public: ID availability check of the sign-up (no tenant data)'],
  ['* /dev/*', 'dev-only: loopback callers of the embedded default'],
  ['* /docs/static/*', 'public: the API reference page\'s static files'],
  ['* /:page(^[A-Za-z_]+[.][aA][sS][pP][xX]$)', 'the legacy face: covered cmd by cmd by the legacy matrix below'],
  ['* /view/:dockey*', 'public by capability: the recipient\'s 문서보기 link opens only with the document\'s view token (?t=); without it not found (checked below)'],
  ['* /member/bulk/:uploadId*', 'a member\'s .xlsx upload (made by a multipart upload, not here): another member\'s preview and progress → 404 is tested in member-bulk-issue.test.ts'],
  ['GET /v1/partner/bills/:orderNo', 'bills exist only after a billing run: another partner\'s order number → 404 is tested in billing-bills.test.ts'],
];

type As = 'partner' | 'portal' | 'member';
interface CrossCall {
  as: As;
  /** A's object for each path param (subscriptionId: B's own subscription, unless `foreignSubscription`). */
  ids: Record<string, ObjectName>;
  body?: unknown;
  form?: Record<string, string>;
  /** The answer that means "not found" on this face. */
  expect?: number[];
}
type ObjectName = 'dockey' | 'reqkey' | 'endpointId' | 'deliveryId' | 'batchId' | 'messageId' | 'reservationId' | 'senderNumberId' | 'channelId' | 'templateId' | 'apiKeyId' | 'address' | 'ownSubscription';

const doc = (): Record<string, unknown> => ({ document: sampleDocument('0101', tenants.b.member.bizno, todayKst()) });
/** Tenant-scoped path-id routes: how B calls them with A's ids. */
const CROSS: Record<string, CrossCall> = {};
const sub = { subscriptionId: 'ownSubscription' as const };
for (const [key, call] of Object.entries({
  'GET /v1/subscriptions/:subscriptionId/documents/:dockey': { as: 'partner', ids: { ...sub, dockey: 'dockey' } },
  'PUT /v1/subscriptions/:subscriptionId/documents/:dockey': { as: 'partner', ids: { ...sub, dockey: 'dockey' }, body: 'document' },
  'DELETE /v1/subscriptions/:subscriptionId/documents/:dockey': { as: 'partner', ids: { ...sub, dockey: 'dockey' } },
  'POST /v1/subscriptions/:subscriptionId/documents/:dockey/send': { as: 'partner', ids: { ...sub, dockey: 'dockey' }, body: {} },
  'GET /v1/subscriptions/:subscriptionId/documents/:dockey/pdf': { as: 'partner', ids: { ...sub, dockey: 'dockey' } },
  'GET /v1/subscriptions/:subscriptionId/documents/:dockey/xml': { as: 'partner', ids: { ...sub, dockey: 'dockey' } },
  'POST /v1/subscriptions/:subscriptionId/documents/:dockey/cancel': { as: 'partner', ids: { ...sub, dockey: 'dockey' }, body: { reason: '교차 확인' } },
  'POST /v1/subscriptions/:subscriptionId/documents/:dockey/respond': { as: 'partner', ids: { ...sub, dockey: 'dockey' }, body: { decision: 'approve' } },
  'GET /v1/subscriptions/:subscriptionId/nts-filings/:dockey': { as: 'partner', ids: { ...sub, dockey: 'dockey' } },
  'GET /v1/subscriptions/:subscriptionId/document-batches/:batchId': { as: 'partner', ids: { ...sub, batchId: 'batchId' } },
  'GET /v1/subscriptions/:subscriptionId/reverse-requests/:reqkey': { as: 'partner', ids: { ...sub, reqkey: 'reqkey' } },
  'GET /v1/subscriptions/:subscriptionId/reverse-requests/received/:reqkey': { as: 'partner', ids: { ...sub, reqkey: 'reqkey' } },
  'POST /v1/subscriptions/:subscriptionId/reverse-requests/:reqkey/withdraw': { as: 'partner', ids: { ...sub, reqkey: 'reqkey' }, body: {} },
  'POST /v1/subscriptions/:subscriptionId/reverse-requests/received/:reqkey/issue': { as: 'partner', ids: { ...sub, reqkey: 'reqkey' }, body: {} },
  'POST /v1/subscriptions/:subscriptionId/reverse-requests/received/:reqkey/refuse': { as: 'partner', ids: { ...sub, reqkey: 'reqkey' }, body: { reason: '교차 확인' } },
  'GET /v1/webhook-endpoints/:endpointId': { as: 'partner', ids: { endpointId: 'endpointId' } },
  'PATCH /v1/webhook-endpoints/:endpointId': { as: 'partner', ids: { endpointId: 'endpointId' }, body: { description: '남의 것' } },
  'DELETE /v1/webhook-endpoints/:endpointId': { as: 'partner', ids: { endpointId: 'endpointId' } },
  'POST /v1/webhook-endpoints/:endpointId/rotate-secret': { as: 'partner', ids: { endpointId: 'endpointId' }, body: {} },
  'GET /v1/webhook-endpoints/:endpointId/deliveries': { as: 'partner', ids: { endpointId: 'endpointId' } },
  'POST /v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/redeliver': { as: 'partner', ids: { endpointId: 'endpointId', deliveryId: 'deliveryId' }, body: {} },
  'GET /v1/messages/:id': { as: 'partner', ids: { id: 'messageId' } },
  'GET /v1/messages/:id/recipients': { as: 'partner', ids: { id: 'messageId' } },
  'DELETE /v1/reservations/:id': { as: 'partner', ids: { id: 'reservationId' } },
  'DELETE /v1/sender-numbers/:id': { as: 'partner', ids: { id: 'senderNumberId' } },
  'POST /v1/kakao/channels/:id/token': { as: 'partner', ids: { id: 'channelId' }, body: { phoneNumber: '01012345678' } },
  'POST /v1/kakao/channels/:id/confirm': { as: 'partner', ids: { id: 'channelId' }, body: { token: '123456' } },
  'GET /v1/kakao/templates/:id': { as: 'partner', ids: { id: 'templateId' } },
  'PUT /v1/kakao/templates/:id': { as: 'partner', ids: { id: 'templateId' }, body: 'template' },
  'POST /v1/kakao/templates/:id/submit': { as: 'partner', ids: { id: 'templateId' }, body: {} },
  'DELETE /v1/kakao/templates/:id': { as: 'partner', ids: { id: 'templateId' } },
  'GET /v1/portal/api-keys/:id': { as: 'portal', ids: { id: 'apiKeyId' } },
  'PATCH /v1/portal/api-keys/:id': { as: 'portal', ids: { id: 'apiKeyId' }, body: { enabled: false } },
  'PUT /v1/portal/api-keys/:id/ips': { as: 'portal', ids: { id: 'apiKeyId' }, body: { ips: ['10.0.0.1'] } },
  'POST /v1/portal/api-keys/:id/ips': { as: 'portal', ids: { id: 'apiKeyId' }, body: { ip: '10.0.0.2' } },
  'DELETE /v1/portal/api-keys/:id/ips/:address': { as: 'portal', ids: { id: 'apiKeyId', address: 'address' } },
  'POST /v1/portal/api-keys/:id/reissue': { as: 'portal', ids: { id: 'apiKeyId' }, body: {} },
  'DELETE /v1/portal/api-keys/:id': { as: 'portal', ids: { id: 'apiKeyId' } },
  'POST /portal/api/keys/:id/ips': { as: 'portal', ids: { id: 'apiKeyId' }, form: { ips: '10.0.0.1' } },
  'POST /portal/api/keys/:id/ips/add': { as: 'portal', ids: { id: 'apiKeyId' }, form: { ip: '10.0.0.2' } },
  'POST /portal/api/keys/:id/ips/delete': { as: 'portal', ids: { id: 'apiKeyId' }, form: { ip: '127.0.0.1' } },
  'POST /portal/api/keys/:id/toggle': { as: 'portal', ids: { id: 'apiKeyId' }, form: {} },
  'POST /portal/api/keys/:id/reissue': { as: 'portal', ids: { id: 'apiKeyId' }, form: {} },
  'POST /portal/api/keys/:id/delete': { as: 'portal', ids: { id: 'apiKeyId' }, form: {} },
  'POST /portal/api/webhooks/:endpointId': { as: 'portal', ids: { endpointId: 'endpointId' }, form: { url: 'https://example.com/hook', events: 'document.issued', description: '남의 것' } },
  'POST /portal/api/webhooks/:endpointId/toggle': { as: 'portal', ids: { endpointId: 'endpointId' }, form: {} },
  'POST /portal/api/webhooks/:endpointId/rotate': { as: 'portal', ids: { endpointId: 'endpointId' }, form: {} },
  'POST /portal/api/webhooks/:endpointId/delete': { as: 'portal', ids: { endpointId: 'endpointId' }, form: {} },
  'POST /portal/api/webhooks/:endpointId/deliveries/:deliveryId/redeliver': { as: 'portal', ids: { endpointId: 'endpointId', deliveryId: 'deliveryId' }, form: {} },
  'POST /portal/api/reservations/:id/cancel': { as: 'portal', ids: { id: 'reservationId' }, form: {} },
  'GET /member/documents/:dockey': { as: 'member', ids: { dockey: 'dockey' } },
  'POST /member/documents/:dockey/resend': { as: 'member', ids: { dockey: 'dockey' }, form: {} },
  'POST /member/documents/:dockey/file': { as: 'member', ids: { dockey: 'dockey' }, form: {} },
  'GET /member/documents/:dockey/pdf': { as: 'member', ids: { dockey: 'dockey' } },
  'GET /member/documents/:dockey/xml': { as: 'member', ids: { dockey: 'dockey' } },
  'GET /member/documents/:dockey/cancel': { as: 'member', ids: { dockey: 'dockey' } },
  'POST /member/documents/:dockey/cancel': { as: 'member', ids: { dockey: 'dockey' }, form: { reason: '교차 확인' } },
  'GET /member/documents/:dockey/respond': { as: 'member', ids: { dockey: 'dockey' } },
  'POST /member/documents/:dockey/respond': { as: 'member', ids: { dockey: 'dockey' }, form: { decision: 'approve' } },
  'POST /member/reverse/:reqkey/issue': { as: 'member', ids: { reqkey: 'reqkey' }, form: {} },
  'POST /member/reverse/:reqkey/refuse': { as: 'member', ids: { reqkey: 'reqkey' }, form: { reason: '교차 확인' } },
  'POST /member/reverse/:reqkey/withdraw': { as: 'member', ids: { reqkey: 'reqkey' }, form: {} },
  'GET /member/reverse/link/:reqkey': { as: 'member', ids: { reqkey: 'reqkey' } },
} as Record<string, CrossCall>)) CROSS[key] = call;
/** Valid bodies of the subscription routes that create something (B sends them to A's subscription). */
const SUBSCRIPTION_BODIES: Record<string, () => unknown> = {
  '/documents': () => ({ issue: true, document: sampleDocument('0101', tenants.a.member.bizno, todayKst()) }),
  '/documents/bulk': () => ({ issue: true, documents: [{ document: sampleDocument('0101', tenants.a.member.bizno, todayKst()) }] }),
  '/document-batches': () => ({ documents: [{ document: sampleDocument('0101', tenants.a.member.bizno, todayKst()) }] }),
  '/nts-filings': () => ({ dockeys: [tenants.a.ids.dockey] }),
  '/reverse-requests': () => {
    const d = sampleDocument('0101', freshBizno(), todayKst());
    d.buyer = { idType: 'business', id: tenants.a.member.bizno, name: '(주)매입요청', ceoName: '박매입', contacts: [{ name: '요청담당', email: 'buyer@example.kr' }] };
    return { document: d };
  },
  '/certificate': () => {
    const id = makeTestNpkiIdentity(tenants.a.member.bizno);
    return { signCert: id.signCert.toString('base64'), signPri: id.signPri.toString('base64'), password: id.password };
  },
};
/** Routes whose only path id is the subscription: B calling with A's subscription id (B's partner key and B's service key). */
const SUBSCRIPTION_ONLY = /^\/v1\/subscriptions\/:subscriptionId(\/[a-z-]+)*$/;

interface Tenant {
  sender: Sender;
  member: TestMember;
  memberWeb: MemberClient;
  ids: Partial<Record<ObjectName, string>>;
}
let sys: TestSystem;
const tenants = {} as { a: Tenant; b: Tenant };

async function tenant(): Promise<Tenant> {
  const s = await sender(sys);
  const member = await senderMember(sys, s);
  return { sender: s, member, memberWeb: await memberSignedIn(sys.url, member), ids: { ownSubscription: String(member.subscriptionId) } };
}

/** A call as tenant `t` on a face. */
function callAs(t: Tenant, as: As, method: string, path: string, o: { json?: unknown; form?: Record<string, string> } = {}): Promise<Answer> {
  if (as === 'partner') return t.sender.call(method, path, o.json, { 'x-svc-key': t.member.svcKey });
  if (as === 'portal') return (t.sender.member as Client).call(method, path, o);
  return o.form ? t.memberWeb.post(path, o.form) : t.memberWeb.call(method, path, o);
}

/** A's objects, made through the API: one of each kind a path id names. */
async function makeObjects(a: Tenant): Promise<void> {
  const base = `/v1/subscriptions/${a.member.subscriptionId}`;
  const d = await callAs(a, 'partner', 'POST', `${base}/documents`, { json: { issue: true, document: sampleDocument('0101', a.member.bizno, todayKst()) } });
  assert.equal(d.status, 201, d.text);
  a.ids.dockey = String(d.body.dockey);
  // its mail goes out in the background: settled before the snapshots, so that they compare what B could change
  await waitFor(async () => (await callAs(a, 'partner', 'GET', `${base}/documents/${a.ids.dockey}`)).body, (x: any) => x?.mailResult === 'sent', { what: 'A\'s document mailed', timeoutMs: 30_000 });
  const requestDoc = sampleDocument('0101', freshBizno(), todayKst());
  requestDoc.buyer = { idType: 'business', id: a.member.bizno, name: '(주)매입요청', ceoName: '박매입', contacts: [{ name: '요청담당', email: 'buyer@example.kr' }] };
  const r = await callAs(a, 'partner', 'POST', `${base}/reverse-requests`, { json: { document: requestDoc } });
  assert.equal(r.status, 201, r.text);
  a.ids.reqkey = String(r.body.reqkey ?? r.body.request?.reqkey);
  const batch = await callAs(a, 'partner', 'POST', `${base}/document-batches`, { json: { documents: [{ document: sampleDocument('0101', a.member.bizno, todayKst()) }] } });
  assert.equal(batch.status, 202, batch.text);
  a.ids.batchId = String(batch.body.id ?? batch.body.batchId);
  const ep = await callAs(a, 'partner', 'POST', '/v1/webhook-endpoints', { json: { url: 'http://127.0.0.1:9/hook', events: ['document.issued'], description: 'A의 수신기' } });
  assert.equal(ep.status, 201, ep.text);
  a.ids.endpointId = String(ep.body.id);
  await emit(sys, a.sender.partnerId, [{ type: 'document.issued', objectId: a.ids.dockey }]);
  const deliveries = await waitFor(async () => (await callAs(a, 'partner', 'GET', `/v1/webhook-endpoints/${a.ids.endpointId}/deliveries`)).body?.data ?? [], (list: any[]) => list.length > 0, { what: 'a delivery of A', timeoutMs: 30_000 });
  a.ids.deliveryId = String(deliveries[0].id);
  const msg = await callAs(a, 'partner', 'POST', '/v1/messages', { json: { type: 'sms', from: a.sender.from, text: '교차 확인', recipients: [{ to: '01012345678' }] } });
  assert.equal(msg.status, 202, msg.text);
  a.ids.messageId = String(msg.body.id);
  const reserved = await callAs(a, 'partner', 'POST', '/v1/messages', { json: { type: 'sms', from: a.sender.from, text: '예약', reserveAt: new Date(Date.now() + 3_600_000).toISOString(), recipients: [{ to: '01012345679' }] } });
  assert.equal(reserved.status, 202, reserved.text);
  a.ids.reservationId = String(reserved.body.id);
  const sn = await callAs(a, 'partner', 'POST', '/v1/sender-numbers', { json: { number: '0311234567', memo: 'A 번호', proof: proofOf() } });
  assert.equal(sn.status, 201, sn.text);
  a.ids.senderNumberId = String(sn.body.id);
  a.ids.channelId = String(a.sender.channelId);
  const templates = await callAs(a, 'partner', 'GET', '/v1/kakao/templates');
  assert.equal(templates.status, 200, templates.text);
  a.ids.templateId = String(templates.body.data[0].id);
  const keys = await callAs(a, 'portal', 'GET', '/v1/portal/api-keys');
  assert.equal(keys.status, 200, keys.text);
  a.ids.apiKeyId = String(keys.body.data[0].id);
  a.ids.address = '127.0.0.1';
}

/** What A can read of its objects: compared before and after B's calls. */
async function snapshotOf(a: Tenant): Promise<unknown> {
  const base = `/v1/subscriptions/${a.member.subscriptionId}`;
  const reads: [As, string][] = [
    ['partner', `${base}/documents/${a.ids.dockey}`],
    ['partner', `${base}/reverse-requests/${a.ids.reqkey}`],
    ['partner', `/v1/webhook-endpoints/${a.ids.endpointId}`],
    ['partner', `/v1/reservations`],
    ['partner', `/v1/sender-numbers`],
    ['partner', `/v1/kakao/templates/${a.ids.templateId}`],
    ['partner', `/v1/kakao/channels`],
    ['portal', `/v1/portal/api-keys/${a.ids.apiKeyId}`],
  ];
  const out: Record<string, unknown> = {};
  for (const [as, path] of reads) {
    const r = await callAs(a, as, 'GET', path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    out[path] = r.body;
  }
  return out;
}

function matches(pattern: string, r: RouteEntry): boolean {
  const [method, url] = pattern.split(' ') as [string, string];
  if (method !== '*' && method !== r.method) return false;
  return url.endsWith('*') ? r.url.startsWith(url.slice(0, -1)) : r.url === url;
}

before(async () => {
  sys = await startTestSystem({ HANBILL_WEBHOOK_ALLOW_HTTP: '1', HANBILL_WEBHOOK_ALLOW_PRIVATE: '1', HANBILL_WEBHOOK_POLL_MS: '50', HANBILL_NTS_AUTO_FILE: 'off' });
  tenants.a = await tenant();
  tenants.b = await tenant();
  await makeObjects(tenants.a);
});
after(() => sys?.close());

test('every REST route with a path id is classified; B with A\'s ids is not found and A\'s data is unchanged', { timeout: 240_000 }, async () => {
  const { a, b } = tenants;
  const routes = routeTableOf(sys.app!).filter((r) => r.params.length > 0 || r.url.includes('*'));
  const unclassified = routes.filter((r) => !CROSS[`${r.method} ${r.url}`] && !NOT_TENANT_SCOPED.some(([p]) => matches(p, r)) && !SUBSCRIPTION_ONLY.test(r.url));
  assert.deepEqual(unclassified.map((r) => `${r.method} ${r.url}`), [], 'new routes with a path id: add them to CROSS (called as another tenant) or NOT_TENANT_SCOPED (with the reason)');
  const stale = Object.keys(CROSS).filter((k) => !routes.some((r) => `${r.method} ${r.url}` === k));
  assert.deepEqual(stale, [], 'CROSS names routes that no longer exist');

  const before = await snapshotOf(a);
  const problems: string[] = [];
  let called = 0;
  for (const r of routes) {
    const call = CROSS[`${r.method} ${r.url}`];
    if (call) {
      const path = r.url.replace(/:([A-Za-z_]+)/g, (_m, p: string) => encodeURIComponent(p === 'subscriptionId' ? b.ids.ownSubscription! : a.ids[call.ids[p]!]!));
      const body = call.body === 'document' ? doc() : call.body === 'template' ? { name: '남의 것', body: '안녕하세요' } : call.body;
      const res = await callAs(b, call.as, r.method, path, { ...(body !== undefined ? { json: body } : {}), ...(call.form ? { form: call.form } : {}) });
      called++;
      if (!(call.expect ?? [404]).includes(res.status)) problems.push(`${r.method} ${path} as B (${call.as}): ${res.status} ${res.text.slice(0, 200)}`);
    }
    if (SUBSCRIPTION_ONLY.test(r.url)) {
      // B's credentials with A's subscription id (a valid body, so that nothing but the subscription can refuse it)
      const path = r.url.replace(':subscriptionId', a.ids.ownSubscription!);
      const body = r.method === 'GET' ? undefined : SUBSCRIPTION_BODIES[r.url.slice('/v1/subscriptions/:subscriptionId'.length)]?.();
      if (r.method !== 'GET' && body === undefined) {
        problems.push(`${r.method} ${r.url}: no body in SUBSCRIPTION_BODIES to call it with`);
        continue;
      }
      const res = await callAs(b, 'partner', r.method, path, body === undefined ? {} : { json: body });
      called++;
      if (res.status !== 404) problems.push(`${r.method} ${path} as B with A's subscription: ${res.status} ${res.text.slice(0, 200)}`);
    }
  }
  // the recipient link without its token
  for (const suffix of ['', '/pdf', '/xml']) {
    const res = await request(sys.url, 'GET', `/view/${a.ids.dockey}${suffix}`);
    called++;
    if (res.status !== 404) problems.push(`GET /view/${a.ids.dockey}${suffix} without the view token: ${res.status}`);
  }
  assert.deepEqual(problems, [], `${problems.length} of ${called} cross-tenant calls were not "not found"`);
  assert.ok(called >= Object.keys(CROSS).length, `${called} calls`);
  assert.deepEqual(await snapshotOf(a), before, 'A\'s objects are unchanged by B\'s calls');
});

/** Legacy commands that name an object of a subscription: B's own sinch_no and svc_key, A's object id. */
const LEGACY_CROSS: Record<string, (a: Tenant, b: Tenant) => Record<string, string | number>> = {
  'document.aspx update': (a, b) => ({ ...legacyInvoiceFields({ bizno: b.member.bizno, comName: '(주)테스트공급', email: 'b@example.kr' } as Onboarded, freshBizno()), dockey: a.ids.dockey!, doc__doc_state: 'U' }),
  'document.aspx send': (a) => ({ dockey: a.ids.dockey! }),
  'document.aspx get': (a) => ({ dockey: a.ids.dockey! }),
  'document.aspx cancel': (a) => ({ dockey: a.ids.dockey!, reason: '교차 확인' }),
  'document.aspx delete': (a) => ({ dockey: a.ids.dockey! }),
  'taxinvoice.aspx reqnts': (a) => ({ dockey: a.ids.dockey! }),
  'taxinvoce.aspx reqnts': (a) => ({ dockey: a.ids.dockey! }),
  'reverse.aspx get': (a) => ({ reqkey: a.ids.reqkey! }),
  'reverse.aspx withdraw': (a) => ({ reqkey: a.ids.reqkey! }),
  'reverse.aspx issue': (a) => ({ reqkey: a.ids.reqkey! }),
  'reverse.aspx refuse': (a) => ({ reqkey: a.ids.reqkey!, reason: '교차 확인' }),
};
/** Legacy commands that name no other object than the caller's own subscription or member, with the reason. */
const LEGACY_OWN: Record<string, string> = {
  '_member.aspx insert': 'registers a new member: no existing id',
  '_member.aspx checkid': 'public: ID availability',
  '_service.aspx sinchservice': 'the member\'s own credentials (bizno, id, pwd) name the subscription it applies for',
  '_auth.aspx getsvckey': 'the member\'s own credentials',
  '_auth.aspx resetkey': 'the member\'s own credentials',
  'document.aspx insert': 'creates a document in the caller\'s subscription (checked: with A\'s sinch_no below)',
  'document.aspx multilist': 'lists the caller\'s subscription; dockeys filter checked below',
  'reverse.aspx request': 'creates a request in the caller\'s subscription',
  'reverse.aspx list': 'lists the caller\'s subscription',
};

test('every legacy cmd is classified; B with A\'s dockey / reqkey gets 3001, with A\'s sinch_no a refusal, A unchanged', { timeout: 120_000 }, async () => {
  const { a, b } = tenants;
  const cmds = Object.entries(LEGACY_PAGES).flatMap(([page, table]) => Object.keys(table).map((cmd) => `${page} ${cmd}`));
  assert.deepEqual(cmds.filter((c) => !LEGACY_CROSS[c] && !LEGACY_OWN[c]), [], 'new legacy cmds: add them to LEGACY_CROSS or LEGACY_OWN');
  const before = await snapshotOf(a);
  const problems: string[] = [];
  const auth = { sinch_no: String(b.member.subscriptionId), svc_key: b.member.svcKey };
  for (const c of cmds) {
    const fields = LEGACY_CROSS[c]?.(a, b);
    if (!fields) continue;
    const [page, cmd] = c.split(' ') as [string, string];
    const res = await legacyPost(sys.url, page, { cmd: cmd.toUpperCase(), ...fields, ...auth });
    // REQNTS answers per document: the call is accepted (0000), A's document is not found in B's subscription (3001), none queued
    const rows = (res as { list?: { row?: { code?: string } | { code?: string }[] } }).list?.row;
    const perItem = cmd === 'reqnts' && res.code === '0000' && String(res['queued']) === '0' && [rows].flat().every((r) => r?.code === '3001');
    if (res.code !== '3001' && !perItem) problems.push(`${c} as B with A's id: ${JSON.stringify(res)}`);
  }
  // A's subscription with B's service key: refused before any lookup
  const foreign = await legacyPost(sys.url, 'document.aspx', { cmd: 'GET', sinch_no: String(a.member.subscriptionId), svc_key: b.member.svcKey, dockey: a.ids.dockey! });
  if (!['2004', '2005'].includes(foreign.code)) problems.push(`document.aspx GET with A's sinch_no and B's key: ${foreign.code}`);
  const listed = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', ...auth, dockeys: a.ids.dockey!, date_type: 'W', sdate: todayKst(), edate: todayKst() });
  if (String(listed['total']) !== '0') problems.push(`document.aspx MULTILIST as B filtered to A's dockey: total ${listed['total']}`);
  assert.deepEqual(problems, []);
  assert.deepEqual(await snapshotOf(a), before, 'A\'s objects are unchanged');
});
