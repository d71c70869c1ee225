// The event log over HTTP (issue 14 item 1): a real flow — keys created and deleted, a document issued and mailed,
// a bulk issue, a filing to success with the NTS simulator, the buyer reading and approving, a cancellation, a
// message delivered by the carrier simulator, a reservation cancelled — is listed by GET /v1/events once per
// change, in order per object, with its object type, id and state; cursor paging, filters, another partner's view,
// the subscription's own route, and the same list after a restart of the system on the same database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/platform/db/database.ts';
import { viewToken } from '../../src/modules/documents/document-keys.ts';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestSystem } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import { ntsTestEnv, sampleDocument, todayKst, uploadCertificate, waitSettled, type TestMember } from './nts-support.ts';
import { startTestSystem } from '../support/test-system.ts';
import { legacyInsertMember, makePartner, operatorClient, request } from './portal-support.ts';
import { sender, senderMember, type Sender } from './messaging-send-support.ts';
import { onboard } from '../support/onboard.ts';
import type { EventView } from '../../src/modules/events/list-events.ts';

type Ev = EventView;

let database: Database;
/** true once `sys` is the second system, which closes the database itself */
let restarted = false;
let sys: TestSystem;
let p: Sender;
let member: TestMember;

/** A system on `database` that leaves it open when it closes (the restart below starts another on it). */
function startOn(db: Database, keepOpen: boolean): Promise<TestSystem> {
  return startTestSystem(ntsTestEnv({ HANBILL_CARRIER_SIM_DELAY_MS: '20' }), { database: keepOpen ? { ...db, close: async () => {} } : db });
}

const partnerMember = (s: Sender): Promise<TestMember> => senderMember(sys, s);

const svc = () => ({ 'x-svc-key': member.svcKey });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function events(key: string, query = ''): Promise<{ status: number; body: any; headers: Record<string, any> }> {
  const r = await request(sys.url, 'GET', `/v1/events${query ? `?${query}` : ''}`, { headers: bearer(key) });
  return { status: r.status, body: r.body, headers: r.headers };
}

/** Every event of the partner, page by page. */
async function allEvents(key: string, query = '', limit = 500): Promise<Ev[]> {
  const out: Ev[] = [];
  let cursor = '';
  for (;;) {
    const r = await events(key, [query, `limit=${limit}`, cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.data);
    cursor = r.body.nextCursor ?? '';
    if (!r.body.hasMore) return out;
  }
}

/**
 * Wait until the listing shows every committed event of the partner (`partnerId`). An event becomes listable once
 * every transaction older than it has ended, on the whole server (list-events.ts): another test file's long
 * transaction on a shared PostgreSQL delays it, never drops it.
 */
async function caughtUp(key: string, partnerId: number): Promise<Ev[]> {
  const stored = async () => Number((await sys.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE partner_id = $1', [partnerId])).rows[0]!.n);
  return waitFor(
    async () => ({ listed: await allEvents(key), stored: await stored() }),
    (x) => x.listed.length === x.stored,
    { what: 'every committed event to be listed', timeoutMs: 30_000, show: (x) => ({ listed: x.listed.length, stored: x.stored }) },
  ).then((x) => x.listed);
}

function document(bizno: string, email: string, n: number) {
  const doc = sampleDocument('0101', bizno, todayKst());
  doc.buyer = { ...doc.buyer, contacts: [{ name: '홍과장', email }] };
  doc.remarks = [`이벤트 ${n}`];
  return doc;
}

before(async () => {
  database = await openTestDatabase();
  sys = await startOn(database, true);
  p = await sender(sys);
  member = await partnerMember(p);
});
after(async () => {
  await sys.close();
  if (!restarted) await database.close();
});

let flow: { d1: string; bulk: string[]; keyId: string; recipientId: string; batchId: string; reservationId: string } | undefined;

test('a real flow: each change is listed once, in order per object, with its object type, id and state', { timeout: 120_000 }, async () => {
  // a second key, created and deleted
  const k2 = await p.member.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(k2.status, 201, k2.text);
  const keyId = String(k2.body.key?.id ?? k2.body.id);
  const del = await p.member.call('DELETE', `/v1/portal/api-keys/${keyId}`);
  assert.ok(del.status === 200 || del.status === 204, del.text);

  // one document issued with mail, three in one bulk request
  const base = `/v1/subscriptions/${member.subscriptionId}`;
  const one = await rest(sys.url, 'POST', `${base}/documents`, { issue: true, subkey: 'ev-1', document: document(member.bizno, 'buyer-ev@example.kr', 1) }, svc());
  assert.equal(one.status, 201, JSON.stringify(one.body));
  const d1 = one.body.dockey as string;
  const bulk = await rest(sys.url, 'POST', `${base}/documents/bulk`, { documents: [2, 3, 4].map((n) => ({ issue: true, subkey: `ev-${n}`, document: document(member.bizno, `buyer-ev${n}@example.kr`, n) })) }, svc());
  assert.equal(bulk.status, 200, JSON.stringify(bulk.body));
  const bulkKeys = (bulk.body.data as { ok: boolean; document: { dockey: string } }[]).map((i) => (assert.ok(i.ok, JSON.stringify(i)), i.document.dockey));
  // the mails are sent by the worker: document.mailed before the filing and the cancellation (one order per document)
  await waitFor(() => allEvents(p.accessKey, 'type=document.mailed'), (es) => es.length === 4, { what: 'four document.mailed', timeoutMs: 30_000, show: (es) => es.map((e) => e.object.id) });

  // filed with the NTS simulator to success
  const filed = await rest(sys.url, 'POST', `${base}/nts-filings`, { dockeys: [d1] }, svc());
  assert.equal(filed.status, 202, JSON.stringify(filed.body));
  const settled = await waitSettled(sys, [d1]);
  assert.equal(settled.get(d1)!.nts_state, '3');
  await waitFor(() => allEvents(p.accessKey, `objectId=${d1}`), (es) => es.some((e) => e.type === 'nts_filing.succeeded'), { what: 'nts_filing.succeeded', show: (es) => es.map((e) => e.type) });

  // the buyer opens the view link twice (one read) and approves; the supplier cancels a bulk document
  const t = viewToken(sys.ctx.masterKey, d1);
  for (let i = 0; i < 2; i++) assert.equal((await request(sys.url, 'GET', `/view/${d1}?t=${encodeURIComponent(t)}`)).status, 200);
  const approved = await request(sys.url, 'POST', `/view/${d1}/approve?t=${encodeURIComponent(t)}`, { form: {} });
  assert.equal(approved.status, 303, approved.text);
  const cancelled = await rest(sys.url, 'POST', `${base}/documents/${bulkKeys[0]}/cancel`, { reason: '거래 취소' }, svc());
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

  // a message delivered by the carrier simulator; a reservation accepted and cancelled
  const sent = await p.call('POST', '/v1/messages', { type: 'sms', from: p.from, text: '이벤트 확인', recipients: [{ to: '01012345678' }] });
  assert.equal(sent.status, 202, sent.text);
  const batchId = String(sent.body.id);
  const recipients = await p.call('GET', `/v1/messages/${batchId}/recipients`);
  const recipientId = String(recipients.body.data[0].id);
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  const reserved = await p.call('POST', '/v1/messages', { type: 'sms', from: p.from, text: '예약 안내', reserveAt: inAnHour, recipients: [{ to: '01012345679' }] });
  assert.equal(reserved.status, 202, reserved.text);
  const reservationId = String(reserved.body.id);
  const cancel = await p.call('DELETE', `/v1/reservations/${reservationId}`);
  assert.equal(cancel.status, 200, cancel.text);
  await waitFor(() => allEvents(p.accessKey, 'type=message.delivered,message.failed'), (es) => es.length >= 1, { what: 'the message result', timeoutMs: 30_000 });

  const all = await caughtUp(p.accessKey, p.partnerId);
  const keyOf = (e: Ev) => `${e.type} ${e.object.type}:${e.object.id} → ${e.object.state}`;
  const seen = all.map(keyOf);
  assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'every event once');
  // ids are unique within an object type (a key and a batch may both be 2)
  const of = (id: string, type = 'document') => all.filter((e) => e.object.id === id && e.object.type === type).map((e) => `${e.type}→${e.object.state}`);

  assert.deepEqual(of(d1), [
    'document.issued→issued',
    'document.mailed→mailed',
    'nts_filing.queued→queued',
    'nts_filing.sent→sent',
    'nts_filing.succeeded→succeeded',
    'document.read→read',
    'document.approved→approved',
  ]);
  assert.deepEqual(of(bulkKeys[0]!), ['document.issued→issued', 'document.mailed→mailed', 'document.cancelled→cancelled']);
  for (const k of bulkKeys.slice(1)) assert.deepEqual(of(k), ['document.issued→issued', 'document.mailed→mailed']);
  // the three of the bulk request were written in one transaction, in item order
  const bulkIssued = all.filter((e) => e.type === 'document.issued' && bulkKeys.includes(e.object.id));
  assert.deepEqual(bulkIssued.map((e) => e.object.id), bulkKeys);
  assert.ok(all.filter((e) => e.object.type === 'document').every((e) => e.subscriptionId === member.subscriptionId));
  const issued1 = all.find((e) => e.type === 'document.issued' && e.object.id === d1)!;
  assert.equal(issued1.data['subkey'], 'ev-1');
  assert.equal(issued1.data['issueId'], one.body.issueId);
  assert.match(String(issued1.data['issueId']), /^\d{24}$/);
  assert.equal(issued1.data['totalAmt'], one.body.amounts.total);
  assert.match(issued1.occurredAt, /\+09:00$/, 'KST times');
  assert.equal(all.find((e) => e.type === 'nts_filing.succeeded')!.data['resultCode'], settled.get(d1)!.nts_result_code);

  assert.deepEqual(of(keyId, 'api_key'), ['api_key.created→active', 'api_key.deleted→deleted']);
  assert.ok(all.filter((e) => e.object.type === 'api_key').every((e) => e.subscriptionId === null && !JSON.stringify(e.data).includes(k2.body.accessKey)), 'never the key');
  assert.equal(all.filter((e) => e.type === 'api_key.created').length, 2, "the partner's first key and the second");

  assert.deepEqual(of(batchId, 'message_batch'), ['message_batch.accepted→queued']);
  assert.deepEqual(of(recipientId, 'message'), ['message.delivered→delivered']);
  assert.equal(all.find((e) => e.object.type === 'message' && e.object.id === recipientId)!.data['batchId'], batchId);
  assert.deepEqual(of(reservationId, 'message_batch'), ['message_batch.accepted→reserved', 'reservation.cancelled→cancelled']);
  assert.equal(seen.length, all.length);
  flow = { d1, bulk: bulkKeys, keyId, recipientId, batchId, reservationId };
});

test('paging by cursor visits the same events once; an idle cursor keeps its place; filters; bad queries name the field', async () => {
  assert.ok(flow, 'runs after the flow');
  const all = await caughtUp(p.accessKey, p.partnerId);
  const paged = await allEvents(p.accessKey, '', 4);
  assert.deepEqual(paged.map((e) => e.id), all.map((e) => e.id));
  const last = await events(p.accessKey, 'limit=500');
  assert.equal(last.headers['cache-control'], 'no-store');
  const idle = await events(p.accessKey, `cursor=${last.body.nextCursor}`);
  assert.deepEqual(idle.body.data, []);
  assert.equal(idle.body.nextCursor, last.body.nextCursor);
  assert.equal(idle.body.hasMore, false);

  const issued = await allEvents(p.accessKey, 'type=document.issued');
  assert.deepEqual(issued.map((e) => e.object.id), [flow.d1, ...flow.bulk]);
  const two = await allEvents(p.accessKey, 'type=document.read,document.approved');
  assert.deepEqual(two.map((e) => e.type), ['document.read', 'document.approved']);
  assert.deepEqual((await allEvents(p.accessKey, 'objectType=api_key')).map((e) => e.type).sort(), ['api_key.created', 'api_key.created', 'api_key.deleted']);
  assert.equal((await allEvents(p.accessKey, `objectId=${flow.d1}`)).length, 7);
  const ofSub = await allEvents(p.accessKey, `subscriptionId=${member.subscriptionId}`);
  assert.ok(ofSub.length > 0 && ofSub.every((e) => e.subscriptionId === member.subscriptionId));
  assert.deepEqual(ofSub.map((e) => e.id), all.filter((e) => e.subscriptionId === member.subscriptionId).map((e) => e.id));

  for (const [query, field] of [
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['type=document.exploded', 'type'],
    ['objectType=planet', 'objectType'],
    ['cursor=not-a-cursor!', 'cursor'],
    ['cursor=AAAA', 'cursor'],
    ['subscriptionId=abc', 'subscriptionId'],
    ['objectId=a%00b', 'objectId'],
  ] as const) {
    const r = await events(p.accessKey, query);
    assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field, query);
  }
  assert.equal((await request(sys.url, 'GET', '/v1/events')).status, 401);
});

test("another partner sees none of them: 404 for the subscription filter, its own events only otherwise", async () => {
  assert.ok(flow, 'runs after the flow');
  const op = await operatorClient(sys);
  const q = await makePartner(sys, op);
  const key = await q.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(key.status, 201, key.text);
  const accessKey = key.body.accessKey as string;
  const theirs = await caughtUp(accessKey, q.partnerId);
  assert.deepEqual(theirs.map((e) => e.type), ['api_key.created'], 'only its own key');
  assert.ok(theirs.every((e) => e.subscriptionId === null));
  const mine = new Set((await allEvents(p.accessKey)).map((e) => e.id));
  assert.ok(theirs.every((e) => !mine.has(e.id)));
  assert.deepEqual(await allEvents(accessKey, `objectId=${flow.d1}`), []);
  const other = await events(accessKey, `subscriptionId=${member.subscriptionId}`);
  assert.equal(other.status, 404, JSON.stringify(other.body));
  assert.equal(other.body.error.field, 'subscriptionId');
  // the subscription's route with another partner's key: 404 as any subscription route
  const r = await request(sys.url, 'GET', `/v1/subscriptions/${member.subscriptionId}/events`, { headers: { ...bearer(accessKey), ...svc() } });
  assert.equal(r.status, 404, r.text);
});

test("the subscription's route lists that subscription's events only", async () => {
  assert.ok(flow, 'runs after the flow');
  await caughtUp(p.accessKey, p.partnerId);
  const r = await rest(sys.url, 'GET', `/v1/subscriptions/${member.subscriptionId}/events?limit=500`, undefined, svc());
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const ofPartner = (await allEvents(p.accessKey)).filter((e) => e.subscriptionId === member.subscriptionId);
  assert.deepEqual(r.body.data.map((e: Ev) => e.id), ofPartner.map((e) => e.id));
  assert.ok(r.body.data.some((e: Ev) => e.type === 'nts_filing.succeeded'));
  assert.ok(!r.body.data.some((e: Ev) => e.object.type === 'api_key' || e.object.type === 'message'));
  const filtered = await rest(sys.url, 'GET', `/v1/subscriptions/${member.subscriptionId}/events?objectId=${flow.d1}&type=document.read`, undefined, svc());
  assert.deepEqual(filtered.body.data.map((e: Ev) => e.type), ['document.read']);
  const wrongKey = await rest(sys.url, 'GET', `/v1/subscriptions/${member.subscriptionId}/events`, undefined, { 'x-svc-key': 'x'.repeat(32) });
  assert.ok(wrongKey.status === 401 || wrongKey.status === 403, String(wrongKey.status));
});

test('a bulk batch whose transaction fails leaves none of its events: only the items then issued one by one have one', async () => {
  // a package whose unit allows 3 issues: a batch of 5 passes the limit, its transaction (documents, serials, events)
  // rolls back whole and the items are written one by one — 3 issued, 2 refused with 429
  const op = { authorization: `Bearer ${sys.operatorToken}` };
  const unit = await rest(sys.url, 'POST', '/v1/catalog/units', { name: '이벤트 3건', meteredItem: 'tax_invoice_issued', limitPerPeriod: 3 }, op);
  const pack = await rest(sys.url, 'POST', '/v1/catalog/packages', { name: '이벤트 소량', unitIds: [unit.body.id] }, op);
  const s = await onboard(sys.url);
  const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { bizno: s.bizno, loginId: s.id, password: s.pwd, packageId: pack.body.id, unitIds: [unit.body.id], amount: 0, vat: 0, totalAmount: 0 });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const key = await rest(sys.url, 'POST', '/v1/auth/service-key', { bizno: s.bizno, loginId: s.id, password: s.pwd, subscriptionId: sub.body.subscriptionId });
  const h = { 'x-svc-key': key.body.serviceKey as string };
  const id = sub.body.subscriptionId as number;
  const r = await rest(sys.url, 'POST', `/v1/subscriptions/${id}/documents/bulk`, { documents: [1, 2, 3, 4, 5].map((n) => ({ issue: true, subkey: `rb-${n}`, document: document(s.bizno, 'rb@example.kr', n) })) }, h);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.data.map((d: { ok: boolean; error?: { code: string } }) => (d.ok ? 'ok' : d.error!.code)), ['ok', 'ok', 'ok', 'usage_limit_exceeded', 'usage_limit_exceeded']);
  const issuedKeys = r.body.data.filter((d: { ok: boolean }) => d.ok).map((d: { document: { dockey: string } }) => d.document.dockey);
  const listed = await waitFor(
    () => rest(sys.url, 'GET', `/v1/subscriptions/${id}/events?type=document.issued&limit=500`, undefined, h),
    (x) => x.status !== 200 || x.body.data.length >= issuedKeys.length,
    { what: 'the issued events to be listable' },
  );
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  assert.deepEqual(listed.body.data.map((e: Ev) => e.object.id), issuedKeys, 'one event per issued document, none from the rolled-back batch');
  // read straight from the table too (the listing's horizon hides nothing here: every writer has committed)
  const rows = await sys.database.pool.query(`SELECT object_id FROM events WHERE subscription_id = $1 AND type = 'document.issued' ORDER BY id`, [id]);
  assert.deepEqual(rows.rows.map((x: { object_id: string }) => x.object_id), issuedKeys);
});

test('events survive a restart of the system: the same list from a new process state on the same database', { timeout: 60_000 }, async () => {
  assert.ok(flow, 'runs after the flow');
  const before = await caughtUp(p.accessKey, p.partnerId);
  await sys.close(); // the database stays open: startOn(…, true)
  sys = await startOn(database, false);
  restarted = true;
  const afterRestart = await allEvents(p.accessKey);
  assert.deepEqual(afterRestart, before);
  // and new changes follow the old ones
  const r = await rest(sys.url, 'POST', `/v1/subscriptions/${member.subscriptionId}/documents`, { issue: true, subkey: 'ev-after', document: document(member.bizno, 'buyer-ev9@example.kr', 9) }, svc());
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const next = await caughtUp(p.accessKey, p.partnerId);
  assert.deepEqual(next.slice(0, before.length), before);
  assert.deepEqual(next.slice(before.length).map((e) => [e.type, e.object.id]), [['document.issued', r.body.dockey]]);
});
