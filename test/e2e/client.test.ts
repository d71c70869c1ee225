// The TypeScript client (clients/typescript) against a started Hanbill: issue a document, file it with the
// (simulated) NTS, read its events; idempotent retries by subkey and Idempotency-Key; errors naming the field;
// iteration; a message through the partner's key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HanbillClient, HanbillError, type HanbillEvent } from '../../clients/typescript/src/index.ts';
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
});
