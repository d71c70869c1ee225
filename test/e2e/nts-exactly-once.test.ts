// Exactly once: crashes at every point of a filing (while packing, before transmit, after transmit before the
// ack is stored, after the results before they are stored) never lose a filing and never file an approval
// number twice; and with 30 % of simulator calls failing or timing out, 500 documents all end succeeded, each
// filed once (counted at the simulator).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { AppError } from '../../src/platform/errors.ts';
import { JobWorker } from '../../src/platform/jobs.ts';
import { createNtsFiling, type NtsFiling } from '../../src/modules/nts/nts-filing.ts';
import type { NtsGateway } from '../../src/modules/nts/nts-gateway.ts';
import { startNtsSimulator, type NtsSimulator } from '../../src/simulators/nts/nts-simulator.ts';
import { issueTestCertificate } from '../../src/simulators/nts/test-pki.ts';
import type { TestSystem } from '../support/test-system.ts';
import { filingStates, issueDocuments, legacyRows, memberWithCertificate, reqnts, sampleDocument, startNtsTestSystem, todayKst, waitSettled } from './nts-support.ts';
import { waitFor } from '../support/wait-for.ts';

/** What a process dying at this point looks like to the pipeline: the job stops there, nothing after it happens. */
class Crash extends AppError {
  constructor(where: string) {
    super('internal', `simulated crash ${where}`);
  }
}

describe('crash points (pipeline driven step by step, restarted with fresh instances)', () => {
  let sim: NtsSimulator;
  let sys: TestSystem;
  const asp = issueTestCertificate({ commonName: 'ASP crash tests' });
  before(async () => {
    sim = await startNtsSimulator({ registrationIds: ['41000001'], resultDelayMs: 10, pushRetryMs: 30, pushAttempts: 4 });
    // api role only: the test owns the workers, so it decides when a "process" runs and when it dies
    sys = await startNtsTestSystem({ NTS_GATEWAY_URL: sim.url, HANBILL_ROLES: 'api' });
  });
  after(async () => {
    await sys.close();
    await sim.close();
  });

  /** A fresh "process": its own pipeline and worker on the same database. */
  function processWith(gateway: NtsGateway, replyTo = () => `${sys.url}/nts/results`): { filing: NtsFiling; worker: JobWorker } {
    const filing = createNtsFiling(sys.ctx, { gateway, replyTo, aspSigner: async () => ({ certDer: asp.certDer, privateKey: asp.privateKey }), aspParty: { partyId: '0000000000', partyName: 'test' } });
    return { filing, worker: new JobWorker(sys.ctx.db, { handlers: filing.handlers, concurrency: 1 }) };
  }

  /** Jobs a crashed process left behind become due now (instead of after their lease / backoff). */
  async function makeDue(): Promise<void> {
    await sql`UPDATE jobs SET run_at = now(), locked_until = NULL, state = 'pending' WHERE queue LIKE ${`${sys.ctx.config.nts.channel}.%`} AND state IN ('pending', 'running')`.execute(sys.ctx.db);
  }

  async function drainUntil(worker: JobWorker, what: string, done: () => Promise<boolean>): Promise<void> {
    await waitFor(
      async () => {
        await makeDue();
        await worker.drain();
        return done();
      },
      (ok) => ok,
      { what, timeoutMs: 20_000, intervalMs: 30 },
    );
  }

  const real = () => sys.nts.gateway;

  async function oneDocument() {
    const { member } = await memberWithCertificate(sys);
    const [doc] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, todayKst())]);
    assert.equal(legacyRows(await reqnts(sys, member, [doc!.dockey]))[0]!['code'], '0000');
    return doc!;
  }

  const state = async (dockey: string) => (await filingStates(sys, [dockey])).get(dockey)!;
  const submissionCount = () => sim.stats().submissions;

  test('crash while packing (before anything was signed or stored): the next process packs and files it', async () => {
    const doc = await oneDocument();
    const before = submissionCount();
    const crashing: NtsGateway = { ...bind(real()), encryptionCertificate: async () => { throw new Crash('while packing'); } };
    const p1 = processWith(crashing);
    await p1.worker.drain();
    assert.equal((await state(doc.dockey)).nts_state, '1', 'still queued: the packing never committed');
    const p2 = processWith(real());
    await drainUntil(p2.worker, 'settled', async () => (await state(doc.dockey)).nts_state === '3');
    assert.equal(sim.registered().get(doc.issueId)?.registrations, 1);
    assert.equal(submissionCount() - before, 1);
  });

  test('crash after packing, before transmitting: the stored package is sent once by the next process', async () => {
    const doc = await oneDocument();
    const before = sim.stats().submitCalls;
    const p1 = processWith({ ...bind(real()), submit: async () => { throw new Crash('before transmit'); } });
    await p1.worker.drain();
    const packed = await sys.ctx.db.selectFrom('nts_filings').select(['signed_xml', 'submission_id']).where('document_id', '=', doc.id).executeTakeFirstOrThrow();
    assert.ok(packed.signed_xml, 'signed and stored');
    assert.equal((await state(doc.dockey)).nts_state, '2');
    assert.equal(sim.stats().submitCalls, before, 'nothing reached the NTS');
    const p2 = processWith(real());
    await drainUntil(p2.worker, 'settled', async () => (await state(doc.dockey)).nts_state === '3');
    const after = await sys.ctx.db.selectFrom('nts_filings').select(['signed_xml', 'submission_id']).where('document_id', '=', doc.id).executeTakeFirstOrThrow();
    assert.equal(after.signed_xml, packed.signed_xml, 'the same signed invoice was sent (never re-signed)');
    assert.equal(sim.stats().submitCalls, before + 1);
    assert.equal(sim.registered().get(doc.issueId)?.registrations, 1);
  });

  test('crash after transmitting, before the ack was stored: retransmission of the same SubmitID files nothing twice', async () => {
    const doc = await oneDocument();
    const beforeSubmissions = submissionCount();
    const beforeCalls = sim.stats().submitCalls;
    const p1 = processWith({
      ...bind(real()),
      submit: async (req) => {
        await real().submit(req); // the NTS received and stored it …
        throw new Crash('after transmit, before the ack was stored'); // … and we died before storing its receipt
      },
    }, () => 'http://127.0.0.1:9/unreachable'); // and the first push cannot reach us either
    await p1.worker.drain();
    await waitFor(() => sim.registered().has(doc.issueId), (ok) => ok, { what: 'the simulator to validate', timeoutMs: 30_000 });
    assert.equal((await state(doc.dockey)).nts_state, '2');
    const p2 = processWith(real());
    await drainUntil(p2.worker, 'settled', async () => (await state(doc.dockey)).nts_state === '3');
    const s = await state(doc.dockey);
    assert.equal(s.nts_result_code, 'SUC001');
    assert.equal(sim.stats().submitCalls - beforeCalls, 2, 'transmitted twice …');
    assert.equal(submissionCount() - beforeSubmissions, 1, '… as one submission (same SubmitID)');
    assert.equal(sim.registered().get(doc.issueId)?.registrations, 1, '… and registered once');
    assert.equal(sim.stats().submissionsPerIssueId[doc.issueId], 1);
  });

  test('crash after the results arrived, before they were stored: the push is retried and stored once', async () => {
    const doc = await oneDocument();
    // our receiver "dies" on the first push (answers 500 before storing), then works again
    let failures = 1;
    let received = 0;
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        received++;
        if (failures > 0) {
          failures--;
          res.writeHead(500).end('crashed before storing');
          return;
        }
        const forwarded = await fetch(`${sys.url}/nts/results`, { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: Buffer.concat(chunks) });
        res.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'text/xml' }).end(Buffer.from(await forwarded.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const replyTo = () => `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/nts/results`;
      const p = processWith(real(), replyTo);
      await p.worker.drain(); // dispatch + transmit: acked
      assert.equal((await state(doc.dockey)).nts_state, '2');
      const s = await waitFor(() => state(doc.dockey), (x) => x.nts_state === '3', { what: 'the retried push to be stored', timeoutMs: 30_000 });
      assert.equal(s.nts_result_code, 'SUC001');
      assert.ok(received >= 2, 'the first push failed, a later one was stored');
      assert.equal(sim.registered().get(doc.issueId)?.registrations, 1);
      const filings = await sys.ctx.db.selectFrom('nts_filings').select(['state', 'settled_at']).where('document_id', '=', doc.id).execute();
      assert.equal(filings.length, 1);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  test('a lost job (crash before transmit, its retry job gone): the sweeper re-arms the overdue submission', async () => {
    const doc = await oneDocument();
    const p1 = processWith({ ...bind(real()), submit: async () => { throw new Crash('before transmit'); } });
    await p1.worker.drain();
    assert.equal((await state(doc.dockey)).nts_state, '2');
    // the job that would retry it is lost, and its deadline passed long ago
    await sql`DELETE FROM jobs WHERE queue LIKE ${`${sys.ctx.config.nts.channel}.%`} AND state IN ('pending', 'running')`.execute(sys.ctx.db);
    await sql`UPDATE nts_submissions SET next_attempt_at = now() - interval '1 hour' WHERE submit_id = (SELECT s.submit_id FROM nts_submissions s JOIN nts_filings f ON f.submission_id = s.id WHERE f.document_id = ${doc.id})`.execute(sys.ctx.db);
    const p2 = processWith(real());
    assert.equal(await p2.worker.drain(), 0, 'no job left');
    const { rescueStuckFilings } = await import('../../src/modules/nts/sweep-filings.ts');
    const rescued = await rescueStuckFilings(sys.ctx);
    assert.ok(rescued.transmit >= 1);
    await drainUntil(p2.worker, 'settled', async () => (await state(doc.dockey)).nts_state === '3');
    assert.equal(sim.registered().get(doc.issueId)?.registrations, 1);
  });

  test('the NTS has forgotten the SubmitID when polled: the same package is transmitted again, filed once', async () => {
    sim.setFaults({ dropNextResults: 1 });
    const doc = await oneDocument();
    let forgotten = 1;
    const p = processWith({
      ...bind(real()),
      requestResults: async (id) => {
        if (forgotten > 0) {
          forgotten--;
          return { kind: 'unknown' };
        }
        return real().requestResults(id);
      },
    });
    const calls = sim.stats().submitCalls;
    await drainUntil(p.worker, 'settled', async () => (await state(doc.dockey)).nts_state === '3');
    assert.equal(forgotten, 0);
    assert.equal(sim.stats().submitCalls - calls, 2, 'transmitted again after "unknown"');
    assert.equal(sim.registered().get(doc.issueId)?.registrations, 1);
    assert.equal(sim.stats().submissionsPerIssueId[doc.issueId], 1);
  });

  test('results never pushed (dropped): the poll fallback stores them', async () => {
    sim.setFaults({ dropNextResults: 1 });
    const doc = await oneDocument();
    const p = processWith(real());
    await drainUntil(p.worker, 'polled results', async () => (await state(doc.dockey)).nts_state === '3');
    assert.equal((await state(doc.dockey)).nts_result_code, 'SUC001');
    assert.ok(sim.stats().pollCalls > 0);
  });
});

/** A plain-object copy of a gateway's methods (so single methods can be overridden). */
function bind(g: NtsGateway): NtsGateway {
  return {
    encryptionCertificate: () => g.encryptionCertificate(),
    trustedSignerCertificates: () => g.trustedSignerCertificates(),
    submit: (r) => g.submit(r),
    requestResults: (id) => g.requestResults(id),
  };
}

describe('fault injection: 30 % of simulator calls fail or time out', () => {
  let sim: NtsSimulator;
  let sys: TestSystem;
  before(async () => {
    sim = await startNtsSimulator({
      registrationIds: ['41000001'],
      resultDelayMs: 30,
      pushRetryMs: 50,
      pushAttempts: 3,
      faults: {
        failRate: 0.1,
        timeoutRate: 0.1,
        failAfterRate: 0.05,
        timeoutAfterRate: 0.05,
        dropResultRate: 0.3,
        duplicateResultRate: 0.3,
        // and every kind at least once, whatever the dice say
        failNext: 1,
        timeoutNext: 1,
        failAfterNext: 1,
        timeoutAfterNext: 1,
        dropNextResults: 1,
        duplicateNextResults: 1,
        hangMs: 5_000,
      },
    });
    sys = await startNtsTestSystem({ NTS_GATEWAY_URL: sim.url, HANBILL_NTS_TIMEOUT_MS: '250', HANBILL_NTS_RETRY_MS: '30', HANBILL_NTS_POLL_MS: '250', HANBILL_NTS_SWEEP_MS: '2000' });
  });
  after(async () => {
    await sys.close();
    await sim.close();
  });

  test('500 documents all end succeeded, each approval number filed once', async () => {
    const started = Date.now();
    const { member } = await memberWithCertificate(sys);
    const today = todayKst();
    const docs = await issueDocuments(sys.ctx, member, Array.from({ length: 500 }, (_, i) => sampleDocument(i % 2 ? '0301' : '0101', member.bizno, today)));
    // 25 requests of 20: many submissions (≤ 100 each), so many calls meet the faults
    const issuedAt = Date.now();
    for (let i = 0; i < docs.length; i += 20) {
      const r = await reqnts(sys, member, docs.slice(i, i + 20).map((d) => d.dockey));
      assert.equal(r.code, '0000', r.msg);
    }
    // generous: the suite runs two files at once, and this one files 500 documents through 30 % faults (exactly once is
    // asserted, not speed — bench/nts-filing.bench.ts measures that)
    const states = await waitSettled(sys, docs.map((d) => d.dockey), 150_000);
    const byCode = new Map<string, number>();
    for (const s of states.values()) byCode.set(`${s.nts_state}:${s.nts_result_code}`, (byCode.get(`${s.nts_state}:${s.nts_result_code}`) ?? 0) + 1);
    assert.deepEqual([...byCode], [['3:SUC001', 500]]);

    const registry = sim.registered();
    const stats = sim.stats();
    assert.equal(registry.size, 500);
    for (const d of docs) {
      assert.equal(registry.get(d.issueId)?.registrations, 1, d.issueId);
      assert.equal(stats.submissionsPerIssueId[d.issueId], 1, `${d.issueId} travelled in one submission only`);
    }
    assert.equal(stats.resultsByCode['SUC001'], 500, 'every invoice validated exactly once');
    assert.equal(stats.resultsByCode['SYN003'] ?? 0, 0);
    const filings = await sys.ctx.db.selectFrom('nts_filings').select(['document_id', 'attempt', 'state']).where('subscription_id', '=', member.subscriptionId).execute();
    assert.equal(filings.length, 500);
    assert.ok(filings.every((f) => f.attempt === 1 && f.state === 'succeeded'));
    const injected = stats.injected;
    for (const kind of ['fail', 'timeout', 'failAfter', 'timeoutAfter', 'dropResults', 'duplicateResults'] as const) assert.ok(injected[kind] >= 1, `${kind} injected: ${JSON.stringify(injected)}`);
    const calls = stats.submitCalls + stats.pollCalls;
    console.log(`# 500 documents: issued in ${issuedAt - started} ms, filed and settled in ${Date.now() - issuedAt} ms; ${calls} NTS calls, ${stats.submissions} submissions, injected ${JSON.stringify(injected)}, pushes ${stats.pushes} (${stats.pushesAcknowledged} acknowledged)`);
  });
});
