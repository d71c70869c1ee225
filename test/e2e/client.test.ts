// The TypeScript client (clients/typescript) against a started Hanbill: issue a document, file it with the
// (simulated) NTS, read its events; idempotent retries by subkey and Idempotency-Key; errors naming the field;
// iteration; a message through the partner's key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HanbillClient, HanbillError, verifyWebhookSignature, type HanbillEvent } from '../../clients/typescript/src/index.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { integrator, integratorEnv, todaysInvoice, type Integrator } from './integrator-support.ts';

let sys: TestSystem;
let who: Integrator;
let client: HanbillClient;
before(async () => {
  sys = await startTestSystem(integratorEnv());
  who = await integrator(sys);
  client = new HanbillClient({ baseUrl: sys.url, apiKey: who.apiKey, subscription: { id: who.subscriptionId, serviceKey: who.serviceKey }, retry: { baseDelayMs: 20 } });
});
after(async () => sys?.close());

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('the TypeScript client against a started server', () => {
  test('issue → file with the NTS → its events, in order, through the client', async () => {
    const doc = await client.documents.issue(todaysInvoice(), { subkey: 'client-e2e-1' });
    assert.equal(doc.procState, 'S');
    assert.match(doc.issueId ?? '', /^\d{24}$/);
    const again = await client.documents.issue(todaysInvoice(), { subkey: 'client-e2e-1' });
    assert.equal(again.dockey, doc.dockey, 'the same subkey answers the existing document');

    const filing = await client.nts.file([doc.dockey]);
    assert.equal(filing.results[0]?.queued, true, JSON.stringify(filing));
    const status = await waitFor(() => client.nts.status(doc.dockey), (s) => s.ntsState === '3' || s.ntsState === '4', { timeoutMs: 30_000, what: 'the filing to settle' });
    assert.equal(status.ntsState, '3', JSON.stringify(status));

    const wanted = ['document.issued', 'nts_filing.queued', 'nts_filing.sent', 'nts_filing.succeeded'];
    const events = await waitFor(
      () => collect(client.events.iterate({ objectType: 'document', objectId: doc.dockey })),
      (list: HanbillEvent[]) => wanted.every((t) => list.some((e) => e.type === t)),
      { timeoutMs: 15_000, what: 'the filing events', show: (list) => list.map((e) => e.type) },
    );
    const types = events.map((e) => e.type).filter((t) => wanted.includes(t));
    assert.deepEqual(types, wanted, 'in the order of the changes');
    assert.ok(events.every((e) => e.object.id === doc.dockey && e.subscriptionId === who.subscriptionId));
    const mine = await collect(client.events.iterate({ objectId: doc.dockey, type: 'nts_filing.succeeded' }, { scope: 'subscription' }));
    assert.deepEqual(mine.map((e) => e.type), ['nts_filing.succeeded'], "the subscription's own events, filtered by type");
  });

  test('an invalid document is a HanbillError naming its field; a retried POST with its key is answered once', async () => {
    const bad = { ...todaysInvoice(), amounts: { supply: 100_000, tax: 10_000, total: 999 } };
    await assert.rejects(client.documents.issue(bad), (err: unknown) => {
      assert.ok(err instanceof HanbillError);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'amounts_mismatch');
      assert.match(err.field ?? '', /amounts/);
      assert.ok(err.requestId);
      return true;
    });
    const key = `client-e2e-${Date.now()}`;
    const first = await client.documents.issue(todaysInvoice(), {}, { idempotencyKey: key });
    const second = await client.documents.issue(todaysInvoice(), {}, { idempotencyKey: key }).catch((e: HanbillError) => e);
    // the same key with another body (a fresh buyer) is refused, never a second document
    assert.ok(second instanceof HanbillError && second.code === 'idempotency_conflict', String(second));
    const list = await collect(client.documents.iterate({ limit: 1 }));
    assert.equal(list.filter((d) => d.dockey === first.dockey).length, 1);
  });

  test('documents.iterate walks every page', async () => {
    const sub = client.forSubscription({ id: who.subscriptionId, serviceKey: who.serviceKey });
    for (let i = 0; i < 3; i++) await sub.documents.create({ document: todaysInvoice() });
    const all = await collect(sub.documents.iterate({ limit: 2 }));
    const one = await sub.documents.list({ limit: 200 });
    assert.deepEqual(all.map((d) => d.dockey), one.data.map((d) => d.dockey));
    assert.ok(all.length >= 3);
  });

  test("an SMS through the partner's key: accepted, then the batch and its recipients", async () => {
    const accepted = await client.messaging.sms({ from: who.from, to: '01012345678', text: '세금계산서가 발행되었습니다' });
    assert.equal(accepted.recipients.length, 1);
    assert.ok(accepted.id !== null);
    const batch = await client.messaging.batch(accepted.id);
    assert.equal(batch.id, accepted.id);
    const recipients = await collect(client.messaging.iterateRecipients(accepted.id));
    assert.deepEqual(recipients.map((r) => r.to), ['01012345678']);
  });

  test('a document batch: created (202), waited for with progress, its items iterated; the invalid one names its field', async () => {
    const bad = { ...todaysInvoice(), buyer: { ...todaysInvoice().buyer, id: '1234567890' } };
    const documents = Array.from({ length: 5 }, (_, i) => ({ issue: true, subkey: `client-batch-${i}`, document: i === 3 ? bad : todaysInvoice() }));
    const batch = await client.documentBatches.create(documents, { idempotencyKey: `client-batch-${who.subscriptionId}` });
    assert.equal(batch.total, 5);
    const again = await client.documentBatches.create(documents, { idempotencyKey: `client-batch-${who.subscriptionId}` });
    assert.equal(again.id, batch.id, 'the same Idempotency-Key answers the same batch');
    const progress: number[] = [];
    const done = await client.documentBatches.waitForCompletion(batch.id, { pollIntervalMs: 100, onProgress: (b) => progress.push(b.issued + b.failed) });
    assert.deepEqual([done.state, done.issued, done.failed, done.pending], ['completed', 4, 1, 0]);
    assert.ok(progress.length >= 1 && progress.at(-1) === 5);
    const items = await collect(client.documentBatches.iterateItems(batch.id, { limit: 2 }));
    assert.deepEqual(items.map((i) => i.index), [0, 1, 2, 3, 4]);
    assert.deepEqual(items.map((i) => i.state), ['issued', 'issued', 'issued', 'failed', 'issued']);
    assert.match(items[3]!.error?.field ?? '', /buyer\.id/);
    assert.ok(items.filter((i) => i.state === 'issued').every((i) => /^\d{24}$/.test(i.issueId ?? '')));
    const listed = await client.documentBatches.list();
    assert.equal(listed.data[0]?.id, batch.id, 'newest first');
  });

  test('webhook endpoints: create (secret once), list, update, rotate, deliveries verified with both secrets, redeliver, delete', async () => {
    const got: { body: Buffer; header: string; delivery: string }[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ body: Buffer.concat(chunks), header: String(req.headers['hanbill-signature']), delivery: String(req.headers['hanbill-delivery']) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const created = await client.webhookEndpoints.create({ url, events: ['document.issued'], description: 'client e2e' });
      assert.match(created.secret, /^whsec_/);
      const listed = await client.webhookEndpoints.list();
      const shown = listed.find((e) => e.id === created.id);
      assert.ok(shown && !('secret' in shown), 'the secret is not shown again');
      const updated = await client.webhookEndpoints.update(created.id, { events: ['document.issued', 'document.cancelled'] });
      assert.deepEqual([...updated.events].sort(), ['document.cancelled', 'document.issued']);

      const doc = await client.documents.issue(todaysInvoice());
      await waitFor(() => got.filter((g) => JSON.parse(g.body.toString()).object.id === doc.dockey), (l) => l.length >= 1, { timeoutMs: 15_000, what: 'the delivery' });
      const first = got.find((g) => JSON.parse(g.body.toString()).object.id === doc.dockey)!;
      assert.equal(verifyWebhookSignature({ body: first.body, header: first.header, secrets: created.secret }).valid, true);

      const rotated = await client.webhookEndpoints.rotateSecret(created.id, { expiresInHours: 1 });
      assert.ok(rotated.previousSecretExpiresAt);
      const doc2 = await client.documents.issue(todaysInvoice());
      await waitFor(() => got.filter((g) => JSON.parse(g.body.toString()).object.id === doc2.dockey), (l) => l.length >= 1, { timeoutMs: 15_000, what: 'the delivery after the rotation' });
      const second = got.find((g) => JSON.parse(g.body.toString()).object.id === doc2.dockey)!;
      for (const secret of [rotated.secret, created.secret]) assert.equal(verifyWebhookSignature({ body: second.body, header: second.header, secrets: secret }).valid, true);

      const deliveries = await collect(client.webhookEndpoints.iterateDeliveries(created.id, { limit: 1 }));
      const d1 = deliveries.find((d) => d.objectId === doc.dockey)!;
      assert.equal(d1.state, 'succeeded');
      assert.equal(d1.id, first.delivery);
      await client.webhookEndpoints.redeliver(created.id, d1.id);
      await waitFor(() => got.filter((g) => g.delivery === d1.id), (l) => l.length >= 2, { timeoutMs: 15_000, what: 'the redelivery' });

      await client.webhookEndpoints.delete(created.id);
      await assert.rejects(client.webhookEndpoints.get(created.id), (err: HanbillError) => err.status === 404);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});
