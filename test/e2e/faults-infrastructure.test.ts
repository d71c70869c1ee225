// Faults of what Hanbill depends on (issue 15 item 4), against a real `hanbill serve` child process:
// - PostgreSQL restarted under load, twice over: on a server of the test's own (initdb in a temporary folder), really
//   stopped and started while clients issue documents; and on the shared cluster, every backend of the server's
//   database terminated (pg_terminate_backend) every 150 ms for 4 s. Clients retry a failed request with the same
//   Idempotency-Key (as a client must). Afterwards the same process serves again without a hand, every refusal was a
//   503 database_unavailable with Retry-After, every acknowledged document exists once, and each document's mail is
//   delivered (at least once, one Message-ID per outbox row).
// - The SMTP server down for a while: mail issued meanwhile is retried and delivered once it is back, once each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sampleDocumentMailedTo } from './nts-support.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import { freshChannel, quietChildEnv, serveChild, type ChildServer } from '../support/child-server.ts';
import { fakeSmtp } from '../support/fake-smtp.ts';
import { usePrivateDatabase } from '../support/private-database.ts';
import { scratchClusterUnavailable, startScratchCluster } from '../support/scratch-cluster.ts';

const sharedUrl = process.env['TEST_DATABASE_URL'];

function baseEnv(smtpPort: number, dataDir: string): Record<string, string> {
  const channel = freshChannel();
  return {
    ...quietChildEnv(channel),
    LOG_LEVEL: 'fatal',
    HANBILL_DATA_DIR: dataDir,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  };
}

/** Issue one document with its own Idempotency-Key, retrying until 201 (network errors and 5xx alike). */
async function issueUntilAccepted(url: string, s: Onboarded, email: string, statuses: Map<string, number>): Promise<string> {
  const key = crypto.randomUUID();
  const deadline = Date.now() + 45_000;
  for (;;) {
    const r = await fetch(`${url}/v1/subscriptions/${s.sinchno}/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-svc-key': s.svcKey, 'idempotency-key': key },
      body: JSON.stringify({ issue: true, document: sampleDocumentMailedTo(s.bizno, email) }),
      signal: AbortSignal.timeout(15_000),
    }).then(
      async (res) => {
        const body = (await res.json().catch(() => ({}))) as { dockey?: string; error?: { code?: string; message?: string } };
        // a refusal is counted with its code and whether it says when to retry, e.g. "503 database_unavailable retry-after 2"
        const status = res.status === 201 ? '201' : `${res.status} ${body.error?.code ?? '-'}${res.headers.get('retry-after') ? ` retry-after ${res.headers.get('retry-after')}` : ''}`;
        return { status, body };
      },
      (err: unknown) => ({ status: `network:${(err as Error).name}`, body: {} as { dockey?: string; error?: { code?: string; message?: string } } }),
    );
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status === '201' && r.body.dockey) return r.body.dockey;
    if (r.status.startsWith('4')) throw new Error(`refused: ${r.status} ${JSON.stringify(r.body)}`);
    if (Date.now() > deadline) throw new Error(`not accepted in 45 s (last ${r.status})`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

/**
 * Four clients issue documents (each retried with its own Idempotency-Key until 201) against a `hanbill serve` child on
 * `dbUrl`; after 1 s of load `fault()` runs (it says what it did), then 1.5 s more load. Afterwards: the same process,
 * ready without a hand; every refusal a 503 database_unavailable with Retry-After; exactly the acknowledged documents,
 * once each; each one's mail delivered.
 */
async function issueThroughDatabaseFault(dbUrl: string, fault: () => Promise<string>): Promise<void> {
  const smtp = await fakeSmtp();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-faults-pg-'));
  let server: ChildServer | undefined;
  try {
    server = await serveChild({ ...baseEnv(smtp.port, dataDir), DATABASE_URL: dbUrl, HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url') });
    const url = server.url;
    const pid = server.child.pid;
    const s = await onboard(url);

    const statuses = new Map<string, number>();
    const dockeys: string[] = [];
    const emails: string[] = [];
    let stop = false;
    let n = 0;
    const client = async () => {
      while (!stop) {
        const email = `pg${n++}@example.kr`;
        emails.push(email);
        dockeys.push(await issueUntilAccepted(url, s, email, statuses));
      }
    };
    const clients = Array.from({ length: 4 }, () => client());
    await new Promise((r) => setTimeout(r, 1_000)); // load before the fault
    const what = await fault();
    await new Promise((r) => setTimeout(r, 1_500)); // load after the fault
    stop = true;
    await Promise.all(clients);

    assert.equal(server.child.exitCode, null, 'the server process did not end');
    assert.equal(server.child.pid, pid);
    assert.equal((await fetch(`${url}/readyz`)).status, 200, 'ready again without a restart');
    const failed = [...statuses].filter(([st]) => st !== '201').reduce((a, [, c]) => a + c, 0);
    console.log(`# ${what}; ${dockeys.length} documents acknowledged; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok(failed > 0, 'the fault hit requests (else the test proves nothing)');
    assert.ok(![...statuses.keys()].some((st) => st.startsWith('4')), 'no 4xx from a database fault');
    // the database out of reach is a 503 that says when to retry, never a 500 internal
    assert.deepEqual([...statuses.keys()].filter((st) => st !== '201' && !st.startsWith('network:')), ['503 database_unavailable retry-after 2'], 'every refusal while the database was out of reach');

    assert.equal(new Set(dockeys).size, dockeys.length, 'each acknowledged document has its own dockey');
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    try {
      const docs = await check.query<{ n: number; keys: number }>('SELECT count(*)::int AS n, count(DISTINCT dockey)::int AS keys FROM documents');
      assert.deepEqual(docs.rows[0], { n: dockeys.length, keys: dockeys.length }, 'exactly the acknowledged documents exist, once each (a retried request did not issue twice)');
      const listed = await check.query<{ dockey: string }>('SELECT dockey FROM documents');
      assert.deepEqual(listed.rows.map((r) => r.dockey).sort(), [...dockeys].sort());
    } finally {
      await check.end();
    }
    // every document's mail, one Message-ID per outbox row (at-least-once SMTP: a resend keeps its Message-ID)
    const loadEnded = performance.now();
    await waitFor(async () => new Set(smtp.recipients()).size, (k) => k >= dockeys.length, { timeoutMs: 60_000, what: 'every document mailed' });
    const mailMs = performance.now() - loadEnded;
    // a job whose outcome write the fault cut is written again once the database is back (JobWorker.recordOutcome),
    // not left leased for 60 s: its mail would then arrive ≈ 55 s after the load
    assert.ok(mailMs < 40_000, `every mail delivered ${mailMs.toFixed(0)} ms after the load ended: not held by a job lease`);
    const ids = new Set(smtp.mails.map((m) => m.messageId));
    assert.equal(ids.size, dockeys.length, 'one Message-ID per document');
    assert.equal(emails.length, dockeys.length);
    assert.deepEqual([...new Set(smtp.recipients())].sort(), [...emails].sort(), 'every acknowledged document\'s buyer got its mail');
    console.log(`# mails: ${smtp.mails.length} sent for ${dockeys.length} documents (${smtp.mails.length - ids.size} resent with the same Message-ID), the last ${mailMs.toFixed(0)} ms after the load ended`);
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await smtp.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

test('PostgreSQL sessions cut under load (every backend terminated for 4 s): the same process recovers; every acknowledged document exists once, its mail delivered', { skip: sharedUrl ? false : 'terminates backends of a PostgreSQL database: PostgreSQL only (TEST_DATABASE_URL)', timeout: 150_000 }, async () => {
  const priv = await usePrivateDatabase('faults_pg');
  const dbUrl = process.env['TEST_DATABASE_URL']!;
  const dbName = new URL(dbUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  try {
    await issueThroughDatabaseFault(dbUrl, async () => {
      let terminated = 0;
      const faultUntil = Date.now() + 4_000;
      while (Date.now() < faultUntil) {
        const r = await admin.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
        terminated += (r.rows[0] as { n: number }).n;
        await new Promise((res) => setTimeout(res, 150));
      }
      assert.ok(terminated > 0, 'backends were terminated');
      return `${terminated} backends terminated in 4 s`;
    });
  } finally {
    await admin.end().catch(() => {});
    await priv.drop();
  }
});

test('PostgreSQL really restarted under load (a server of the test\'s own: stopped -m fast, down 3 s, started): the same process recovers; every acknowledged document exists once, its mail delivered', { skip: !sharedUrl ? 'PostgreSQL mode: runs with TEST_DATABASE_URL' : scratchClusterUnavailable(), timeout: 150_000 }, async () => {
  const cluster = await startScratchCluster();
  try {
    await issueThroughDatabaseFault(cluster.url, async () => {
      const t = performance.now();
      await cluster.restart(3_000);
      return `PostgreSQL stopped (fast), down 3 s and started again: ${((performance.now() - t) / 1000).toFixed(1)} s without a server`;
    });
  } finally {
    cluster.destroy();
  }
});

test('the SMTP server down for a while: mail issued meanwhile is delivered once it is back, once each', { timeout: 150_000 }, async () => {
  const smtp = await fakeSmtp();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-faults-smtp-'));
  let server: ChildServer | undefined;
  try {
    server = await serveChild({
      ...baseEnv(smtp.port, dataDir),
      ...(sharedUrl ? { DATABASE_URL: sharedUrl, HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url') } : {}),
    });
    const s = await onboard(server.url);
    await smtp.stop(); // down: connections refused
    const statuses = new Map<string, number>();
    const emails = Array.from({ length: 10 }, (_, i) => `smtp${i}-${s.sinchno}@example.kr`);
    for (const e of emails) await issueUntilAccepted(server.url, s, e, statuses);
    assert.deepEqual(Object.fromEntries(statuses), { '201': 10 }, 'issuing does not wait for mail');
    await new Promise((r) => setTimeout(r, 4_000)); // the mail jobs fail and back off meanwhile
    assert.equal(smtp.mails.length, 0);
    const back = Date.now();
    await smtp.start();
    await waitFor(async () => smtp.recipients().length, (k) => k >= 10, { timeoutMs: 60_000, what: 'every mail delivered after the SMTP server is back' });
    console.log(`# all 10 mails delivered ${Date.now() - back} ms after the SMTP server came back`);
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more arrives
    assert.deepEqual(smtp.recipients().sort(), [...emails].sort(), 'each mail delivered once');
    assert.equal(new Set(smtp.mails.map((m) => m.messageId)).size, 10);
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await smtp.stop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
