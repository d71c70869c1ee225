// Document batches (issue 14 item 3): up to 10,000 documents stored at once (202), then validated and issued in the
// background 100 per transaction. Every valid item issued exactly once — also when the batch is re-posted and when
// the worker is killed midway — with gap-free approval numbers; every invalid one answered as POST …/documents/bulk
// answers it (code, field, message).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import type { Db } from '../../src/platform/db/transaction.ts';
import { BATCH_TEST_ITEMS, batchBody, expectedFailures, FAULTS, faultOf, invoice, privateDate, subkeyOf, type BatchView, type Item } from './document-batches-support.ts';

let sys: TestSystem;
before(async () => {
  // every issued item mails its buyer, as the bulk route does: 10,000 mails without their PDFs (not what is tested here)
  sys = await startTestSystem({ HANBILL_MAIL_PDF: 'off' });
});
after(async () => {
  await sys.close();
});

const auth = (s: Onboarded) => ({ 'x-svc-key': s.svcKey });
const batches = (s: Onboarded) => `/v1/subscriptions/${s.sinchno}/document-batches`;

/** Every item of a batch, page by page (1,000 a page). */
async function allItems(s: Onboarded, id: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const r = await rest(sys.url, 'GET', `${batches(s)}/${id}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, undefined, auth(s));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    items.push(...(r.body as BatchView).items);
    cursor = r.body.hasMore ? r.body.nextCursor : null;
  } while (cursor);
  return items;
}

async function untilCompleted(s: Onboarded, id: number, timeoutMs: number): Promise<BatchView> {
  return waitFor(
    async () => (await rest(sys.url, 'GET', `${batches(s)}/${id}?limit=1`, undefined, auth(s))).body as BatchView,
    (b) => b.state === 'completed',
    { timeoutMs, intervalMs: 200, what: `batch ${id} to complete`, show: (b) => ({ state: b.state, issued: b.issued, failed: b.failed, pending: b.pending }) },
  );
}

async function lastSerial(db: Db, issuerCode: string, writeDate: string): Promise<number> {
  const r = await sql<{ last_serial: number }>`SELECT last_serial FROM issue_serials WHERE issuer_code = ${issuerCode} AND write_date = ${`${writeDate.slice(0, 4)}-${writeDate.slice(4, 6)}-${writeDate.slice(6)}`}::date`.execute(db);
  return r.rows.length === 0 ? 0 : Number(r.rows[0]!.last_serial);
}

/** Documents of the subscription per subkey: the subkeys written more than once (must be none) and the count. */
async function documentsBySubkey(db: Db, sinchno: number): Promise<{ documents: number; repeated: number }> {
  const r = await sql<{ documents: string; repeated: string }>`
    SELECT (SELECT count(*) FROM documents WHERE subscription_id = ${sinchno}) AS documents,
           (SELECT count(*) FROM (SELECT subkey FROM documents WHERE subscription_id = ${sinchno} GROUP BY subkey HAVING count(*) > 1) x) AS repeated`.execute(db);
  return { documents: Number(r.rows[0]!.documents), repeated: Number(r.rows[0]!.repeated) };
}

async function eventCounts(db: Db, batchId: number): Promise<Record<string, number>> {
  const r = await sql<{ type: string; n: string }>`SELECT type, count(*) AS n FROM events WHERE object_type = 'document_batch' AND object_id = ${String(batchId)} GROUP BY type`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.type, Number(x.n)]));
}

describe('document batches', () => {
  test(`a batch of ${BATCH_TEST_ITEMS} with 1 % invalid items: 202 at once; every valid item issued exactly once (gap-free approval numbers), every invalid one answered as the bulk route answers it`, { timeout: 200_000 }, async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    const tag = crypto.randomBytes(4).toString('hex');
    const n = BATCH_TEST_ITEMS;
    const l0 = await lastSerial(sys.ctx.db, sys.ctx.config.ntsIssuerCode, date.writeDate);

    // what the bulk route answers for each kind of fault: the batch's items must answer the same
    const alone = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents/bulk`, { documents: FAULTS.map((f) => ({ issue: true, document: f.document(date) })) }, auth(s));
    assert.equal(alone.status, 200, JSON.stringify(alone.body));
    assert.equal(alone.body.failed, FAULTS.length, 'every fault is refused by the bulk route');
    const bulkAnswers = expectedFailures(alone.body.data);

    const body = batchBody(n, date, tag);
    const bytes = Buffer.byteLength(JSON.stringify(body));
    // 10,000 realistic documents are more than the default body limit, which the other routes keep
    if (n === 10_000) assert.ok(bytes > sys.ctx.config.bodyLimit, `${bytes} bytes`);
    const started = Date.now();
    const post = await rest(sys.url, 'POST', batches(s), body, auth(s));
    const acceptMs = Date.now() - started;
    assert.equal(post.status, 202, JSON.stringify(post.body).slice(0, 500));
    const accepted = post.body as BatchView;
    assert.equal(accepted.total, n);
    assert.ok(['accepted', 'processing', 'completed'].includes(accepted.state));
    assert.equal(accepted.items.length, 100, 'the first page of items');
    assert.equal(accepted.items[1]!.subkey, `batch:${accepted.id}:1`, 'an item without a subkey gets one derived from the batch and its index');
    assert.equal(accepted.items[0]!.subkey, subkeyOf(tag, 0));

    const done = await untilCompleted(s, accepted.id, 180_000);
    const allMs = Date.now() - started;
    console.log(`# ${n} documents (${sys.database.engine}): request → 202 in ${acceptMs} ms, → all handled in ${(allMs / 1000).toFixed(1)} s (${Math.round(n / (allMs / 1000))} docs/s)`);
    const invalid = Array.from({ length: n }, (_, i) => i).filter((i) => faultOf(i) !== undefined);
    assert.equal(invalid.length, n / 100);
    assert.deepEqual([done.total, done.issued, done.failed, done.pending], [n, n - invalid.length, invalid.length, 0]);
    assert.ok(done.completedAt);

    const items = await allItems(s, accepted.id);
    assert.deepEqual(items.map((i) => i.index), Array.from({ length: n }, (_, i) => i), 'every item, in index order');
    for (const item of items) {
      const fault = faultOf(item.index);
      if (fault === undefined) {
        assert.equal(item.state, 'issued', `item ${item.index}: ${JSON.stringify(item.error)}`);
        assert.ok(item.dockey && item.issueId?.startsWith(date.writeDate), `item ${item.index} has its dockey and approval number`);
        assert.equal(item.created, true);
        assert.equal(item.error, null);
      } else {
        const want = bulkAnswers[fault]!;
        assert.equal(item.state, 'failed');
        assert.deepEqual(item.error, { code: want.code, message: want.message, field: want.field }, `item ${item.index}: the bulk route's answer`);
        assert.ok(item.error!.field, `item ${item.index} names its field`);
        assert.equal(item.dockey, null);
      }
    }
    // exactly once, in the database: one document per subkey, approval numbers consecutive from the date's last one
    assert.deepEqual(await documentsBySubkey(sys.ctx.db, s.sinchno), { documents: n - invalid.length, repeated: 0 });
    const serials = items.filter((i) => i.issueId).map((i) => Number(i.issueId!.slice(16))).sort((a, b) => a - b);
    assert.deepEqual(serials, Array.from({ length: n - invalid.length }, (_, k) => l0 + 1 + k), 'approval numbers gap-free');
    assert.equal(await lastSerial(sys.ctx.db, sys.ctx.config.ntsIssuerCode, date.writeDate), l0 + n - invalid.length, 'no serial taken for an invalid item');
    // … and as events, in the same transactions
    assert.deepEqual(await eventCounts(sys.ctx.db, accepted.id), {
      'document_batch.accepted': 1,
      'document_batch.item_issued': n - invalid.length,
      'document_batch.item_failed': invalid.length,
      'document_batch.completed': 1,
    });
  });

  test('re-posted: the same Idempotency-Key answers the same batch; a new post of the same items answers the existing documents and issues nothing twice', { timeout: 120_000 }, async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    const tag = crypto.randomBytes(4).toString('hex');
    const n = 300;
    // every item with its own subkey (an item without one is a new document each time it is posted)
    const body = batchBody(n, date, tag, { everySubkey: true });
    const key = { ...auth(s), 'idempotency-key': `batch-${tag}` };
    const first = await rest(sys.url, 'POST', batches(s), body, key);
    assert.equal(first.status, 202);
    const again = await rest(sys.url, 'POST', batches(s), body, key);
    assert.equal(again.status, 202);
    assert.equal(again.body.id, first.body.id, 'the same Idempotency-Key: the same batch');
    const done = await untilCompleted(s, first.body.id, 60_000);
    assert.deepEqual([done.issued, done.failed], [n - 3, 3]);
    const afterFirst = await documentsBySubkey(sys.ctx.db, s.sinchno);
    assert.deepEqual(afterFirst, { documents: n - 3, repeated: 0 });
    const firstItems = await allItems(s, first.body.id);

    const repost = await rest(sys.url, 'POST', batches(s), body, auth(s));
    assert.equal(repost.status, 202);
    assert.notEqual(repost.body.id, first.body.id, 'without the key: a new batch');
    const redone = await untilCompleted(s, repost.body.id, 60_000);
    assert.deepEqual([redone.issued, redone.failed], [n - 3, 3]);
    const reItems = await allItems(s, repost.body.id);
    for (const [i, item] of reItems.entries()) {
      if (item.state === 'issued') {
        assert.equal(item.created, false, `item ${i} answers the existing document`);
        assert.equal(item.dockey, firstItems[i]!.dockey);
        assert.equal(item.issueId, firstItems[i]!.issueId);
      } else {
        assert.deepEqual(item.error, firstItems[i]!.error);
      }
    }
    assert.deepEqual(await documentsBySubkey(sys.ctx.db, s.sinchno), afterFirst, 'nothing issued twice');

    // the subscription's batches, newest first, without items
    const list = await rest(sys.url, 'GET', `${batches(s)}?limit=1`, undefined, auth(s));
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((b: BatchView) => b.id), [repost.body.id]);
    assert.equal(list.body.hasMore, true);
    const rest2 = await rest(sys.url, 'GET', `${batches(s)}?limit=5&cursor=${list.body.nextCursor}`, undefined, auth(s));
    assert.deepEqual(rest2.body.data.map((b: BatchView) => b.id), [first.body.id]);
    assert.equal(rest2.body.hasMore, false);
    assert.equal('items' in rest2.body.data[0], false);
  });

  test('the usage limit as the bulk route applies it: the items up to it issued, the others 429 usage_limit_exceeded, no document left behind for them', { timeout: 60_000 }, async () => {
    const op = { authorization: `Bearer ${sys.operatorToken}` };
    const unit = await rest(sys.url, 'POST', '/v1/catalog/units', { name: '발행 103건', meteredItem: 'tax_invoice_issued', limitPerPeriod: 103 }, op);
    const pack = await rest(sys.url, 'POST', '/v1/catalog/packages', { name: '대량 발행 한도', unitIds: [unit.body.id] }, op);
    const m = await onboard(sys.url);
    const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { bizno: m.bizno, loginId: m.id, password: m.pwd, packageId: pack.body.id, unitIds: [unit.body.id], amount: 0, vat: 0, totalAmount: 0 });
    const key = await rest(sys.url, 'POST', '/v1/auth/service-key', { bizno: m.bizno, loginId: m.id, password: m.pwd, subscriptionId: sub.body.subscriptionId });
    const s: Onboarded = { ...m, sinchno: sub.body.subscriptionId, svcKey: key.body.serviceKey };
    const date = privateDate();
    const l0 = await lastSerial(sys.ctx.db, sys.ctx.config.ntsIssuerCode, date.writeDate);
    const posted = await rest(sys.url, 'POST', batches(s), { documents: Array.from({ length: 110 }, () => ({ issue: true, document: invoice(date, freshBizno()) })) }, auth(s));
    assert.equal(posted.status, 202);
    const done = await untilCompleted(s, posted.body.id, 30_000);
    assert.deepEqual([done.issued, done.failed], [103, 7]);
    const items = await allItems(s, posted.body.id);
    assert.deepEqual(items.slice(103).map((i) => i.error?.code), Array(7).fill('usage_limit_exceeded'));
    assert.deepEqual(await documentsBySubkey(sys.ctx.db, s.sinchno), { documents: 103, repeated: 0 }, 'a refused item left no draft behind');
    assert.equal(await lastSerial(sys.ctx.db, sys.ctx.config.ntsIssuerCode, date.writeDate), l0 + 103);
    // what the bulk route answers now, at the limit
    const more = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents/bulk`, { documents: [{ issue: true, document: invoice(date, freshBizno()) }] }, auth(s));
    assert.deepEqual({ code: more.body.data[0].error.code, message: more.body.data[0].error.message }, { code: items[109]!.error!.code, message: items[109]!.error!.message });
  });

  test("another subscription's batch is not found (404), and is not in its list; bad requests are 4xx naming the field; the route's own body limit", { timeout: 60_000 }, async () => {
    const a = await onboard(sys.url);
    const b = await onboard(sys.url);
    const date = privateDate();
    const posted = await rest(sys.url, 'POST', batches(a), { documents: [{ issue: true, document: invoice(date, freshBizno()) }] }, auth(a));
    assert.equal(posted.status, 202);
    const other = await rest(sys.url, 'GET', `${batches(b)}/${posted.body.id}`, undefined, auth(b));
    assert.equal(other.status, 404);
    assert.equal(other.body.error.code, 'document_batch_not_found');
    assert.equal(other.body.error.field, 'batchId');
    assert.deepEqual((await rest(sys.url, 'GET', batches(b), undefined, auth(b))).body.data, []);
    // with a's path but b's key: the key does not match
    assert.equal((await rest(sys.url, 'GET', `${batches(a)}/${posted.body.id}`, undefined, auth(b))).status, 401);

    const empty = await rest(sys.url, 'POST', batches(a), { documents: [] }, auth(a));
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.field, /documents/);
    // the batch route's body limit is its own: the bulk route keeps HANBILL_BODY_LIMIT
    const big = { documents: [{ issue: true, document: { ...invoice(date, freshBizno()), remarks: ['x'.repeat(sys.ctx.config.bodyLimit)] } }] };
    assert.equal((await rest(sys.url, 'POST', `/v1/subscriptions/${a.sinchno}/documents/bulk`, big, auth(a))).status, 413);
    const bigBatch = await rest(sys.url, 'POST', batches(a), big, auth(a));
    assert.equal(bigBatch.status, 202, 'a body over the default limit is admitted here');
    const tooMany = await rest(sys.url, 'POST', batches(a), { documents: Array.from({ length: 10_001 }, () => ({ document: {} })) }, auth(a));
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.error.field, /documents/);
    const badCursor = await rest(sys.url, 'GET', `${batches(a)}/${posted.body.id}?cursor=!!`, undefined, auth(a));
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error.field, 'cursor');
    // well-formed but past the batch's items (999999999999999 would overflow the integer index in SQL)
    for (const n of ['999999999999999', '1']) {
      const past = await rest(sys.url, 'GET', `${batches(a)}/${posted.body.id}?cursor=${Buffer.from(n).toString('base64url')}`, undefined, auth(a));
      assert.equal(past.status, 400, n);
      assert.equal(past.body.error.field, 'cursor');
    }
    const badLimit = await rest(sys.url, 'GET', `${batches(a)}/${posted.body.id}?limit=1001`, undefined, auth(a));
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.body.error.field, 'limit');
    assert.equal((await rest(sys.url, 'GET', `${batches(a)}/99999999999`, undefined, auth(a))).status, 404);
    await untilCompleted(a, posted.body.id, 20_000);
    // the oversized remark is refused by the core, naming its field, as the bulk route would (had the body fitted)
    const refused = await untilCompleted(a, bigBatch.body.id, 20_000);
    assert.equal(refused.failed, 1);
    assert.equal((await rest(sys.url, 'GET', `${batches(a)}/${bigBatch.body.id}`, undefined, auth(a))).body.items[0].error.field, 'remarks[0]');
  });
});
