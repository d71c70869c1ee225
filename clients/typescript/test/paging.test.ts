// Cursor iteration helpers against a local server that pages like Hanbill does: documents by startingAfter,
// events / deliveries / batch items by cursor (also following new events), recipients by `after`, history by page.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HanbillClient } from '../src/client.ts';
import { localServer, type LocalServer, type Reply, type Seen } from './local-server.ts';

const servers: LocalServer[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

async function setup(handle: (req: Seen, i: number) => Reply | Promise<Reply>) {
  const server = await localServer(handle);
  servers.push(server);
  return { server, client: new HanbillClient({ baseUrl: server.url, apiKey: 'pk', subscription: { id: 5, serviceKey: 'svc' }, retry: false }) };
}

const query = (s: Seen) => new URL(s.url, 'http://x').searchParams;
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

function event(n: number) {
  return { id: `evt_${n}`, type: 'document.issued', occurredAt: '2026-12-06T09:00:00+09:00', subscriptionId: 5, object: { type: 'document', id: `D${n}`, state: 'issued' }, data: {} };
}

describe('iteration', () => {
  test('documents.iterate follows startingAfter = the last dockey while hasMore', async () => {
    const all = ['D7', 'D6', 'D5', 'D4', 'D3'];
    const { server, client } = await setup((req) => {
      const q = query(req);
      const from = q.has('startingAfter') ? all.indexOf(q.get('startingAfter')!) + 1 : 0;
      const data = all.slice(from, from + 2).map((dockey) => ({ dockey }));
      return { status: 200, body: { data, hasMore: from + 2 < all.length } };
    });
    const docs = await collect(client.documents.iterate({ procState: 'S', limit: 2 }));
    assert.deepEqual(docs.map((d) => d.dockey), all);
    assert.deepEqual(server.seen.map((s) => query(s).get('startingAfter')), [null, 'D6', 'D4']);
    assert.ok(server.seen.every((s) => query(s).get('procState') === 'S'));
  });

  test('events.iterate pages by cursor, sends type comma-separated, and stops when hasMore is false', async () => {
    const { server, client } = await setup((req) => {
      const c = query(req).get('cursor');
      if (!c) return { status: 200, body: { data: [event(1), event(2)], nextCursor: 'c2', hasMore: true } };
      if (c === 'c2') return { status: 200, body: { data: [event(3)], nextCursor: 'c3', hasMore: false } };
      return { status: 500, body: {} };
    });
    const cursors: string[] = [];
    const events = await collect(client.events.iterate({ type: ['document.issued', 'nts_filing.succeeded'], objectType: 'document' }, { onCursor: (c) => cursors.push(c) }));
    assert.deepEqual(cursors, ['c2', 'c3']);
    assert.deepEqual(events.map((e) => e.id), ['evt_1', 'evt_2', 'evt_3']);
    assert.equal(server.seen[0]!.url, '/v1/events?objectType=document&type=document.issued%2Cnts_filing.succeeded');
    assert.equal(query(server.seen[1]!).get('cursor'), 'c2');
    assert.equal(server.seen.length, 2);
  });

  test('events.iterate with follow keeps polling from the last cursor until aborted; subscription scope uses its route', async () => {
    let polls = 0;
    const { server, client } = await setup((req) => {
      const c = query(req).get('cursor');
      if (!c) return { status: 200, body: { data: [event(1)], nextCursor: 'c1', hasMore: false } };
      polls++;
      // nothing new twice (the cursor comes back unchanged), then one event
      if (polls < 3) return { status: 200, body: { data: [], nextCursor: 'c1', hasMore: false } };
      return { status: 200, body: { data: [event(2)], nextCursor: 'c2', hasMore: false } };
    });
    const stop = new AbortController();
    const seen: string[] = [];
    for await (const e of client.events.iterate({}, { follow: true, pollIntervalMs: 10, signal: stop.signal, scope: 'subscription' })) {
      seen.push(e.id);
      if (seen.length === 2) stop.abort();
    }
    assert.deepEqual(seen, ['evt_1', 'evt_2']);
    assert.ok(server.seen.every((s) => s.url.startsWith('/v1/subscriptions/5/events')));
    assert.deepEqual(server.seen.slice(1).map((s) => query(s).get('cursor')), ['c1', 'c1', 'c1']);
  });

  test('documentBatches.iterateItems and webhookEndpoints.iterateDeliveries page by cursor', async () => {
    const { server, client } = await setup((req) => {
      const c = query(req).get('cursor');
      if (req.url.startsWith('/v1/subscriptions/5/document-batches/b1')) {
        const items = c ? [{ index: 2 }] : [{ index: 0 }, { index: 1 }];
        return { status: 200, body: { id: 'b1', state: 'completed', items, nextCursor: c ? null : 'i2', hasMore: !c } };
      }
      if (req.url.startsWith('/v1/webhook-endpoints/we_1/deliveries')) {
        return { status: 200, body: { data: c ? [{ id: 'dl_2' }] : [{ id: 'dl_1' }], nextCursor: c ? 'x' : 'd2', hasMore: !c } };
      }
      return { status: 404, body: {} };
    });
    assert.deepEqual((await collect(client.documentBatches.iterateItems('b1', { limit: 2 }))).map((i) => i.index), [0, 1, 2]);
    assert.deepEqual((await collect(client.webhookEndpoints.iterateDeliveries('we_1'))).map((d) => d.id), ['dl_1', 'dl_2']);
    assert.deepEqual(server.seen.map((s) => s.url), [
      '/v1/subscriptions/5/document-batches/b1?limit=2',
      '/v1/subscriptions/5/document-batches/b1?limit=2&cursor=i2',
      '/v1/webhook-endpoints/we_1/deliveries',
      '/v1/webhook-endpoints/we_1/deliveries?cursor=d2',
    ]);
  });

  test('recipients by `after`, message history by page number', async () => {
    const { server, client } = await setup((req) => {
      const q = query(req);
      if (req.url.startsWith('/v1/messages/9/recipients')) {
        return q.get('after') ? { status: 200, body: { data: [{ id: 3 }], next: null } } : { status: 200, body: { data: [{ id: 1 }, { id: 2 }], next: 2 } };
      }
      const page = Number(q.get('page') ?? 1);
      return { status: 200, body: { data: [{ id: page * 10 }], nextPage: page < 3 ? page + 1 : null } };
    });
    assert.deepEqual((await collect(client.messaging.iterateRecipients(9))).map((r) => r.id), [1, 2, 3]);
    assert.deepEqual((await collect(client.messaging.history.iterate({ type: 'sms' }))).map((r) => (r as unknown as { id: number }).id), [10, 20, 30]);
    assert.deepEqual(server.seen.map((s) => s.url).slice(1, 2), ['/v1/messages/9/recipients?after=2']);
    assert.deepEqual(server.seen.slice(2).map((s) => s.url), ['/v1/message-history?type=sms', '/v1/message-history?type=sms&page=2', '/v1/message-history?type=sms&page=3']);
  });
});
