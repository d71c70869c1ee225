// Document batches (issue 14 item 3): the server that issues a batch is killed (SIGKILL) midway, a new one is started on
// the same database, and the batch completes with every item issued exactly once: the chunk that was running when the
// process died rolled back whole (its documents, results, counters and events are one transaction) and ran again.
//
// Real processes (`hanbill serve` from the sources), a real kill. The one shortcut: the killed worker's job lease
// (60 s) is made to run out at once instead of waited for, as another worker would find it a minute later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { documentBatchQueue } from '../../src/modules/document-batches/document-batch-queue.ts';
import { rest } from '../support/http.ts';
import { onboard } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import { freshChannel, quietChildEnv, serveChild, type ChildServer } from '../support/child-server.ts';
import { batchBody, faultOf, privateDate, type BatchView } from './document-batches-support.ts';

const ITEMS = 2_000;

test(`a batch of ${ITEMS}: the server is killed (SIGKILL) midway and started again; every item is issued exactly once`, { timeout: 220_000 }, async () => {
  const pgUrl = process.env['TEST_DATABASE_URL'];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-batch-crash-'));
  const channel = freshChannel();
  const env: Record<string, string> = {
    ...quietChildEnv(channel, pgUrl),
    HANBILL_DATA_DIR: dataDir,
  };
  /** The database the servers use, opened here only while no server runs (PGlite: one process owns the folder). */
  const open = (): Promise<Database> => openDatabase(pgUrl ? { kind: 'postgres', url: pgUrl, max: 2 } : { kind: 'pglite', dataDir: path.join(dataDir, 'pgdata') });
  let server: ChildServer | undefined;
  try {
    server = await serveChild(env);
    const s = await onboard(server.url);
    const auth = { 'x-svc-key': s.svcKey };
    const date = privateDate();
    const posted = await rest(server.url, 'POST', `/v1/subscriptions/${s.sinchno}/document-batches`, batchBody(ITEMS, date, crypto.randomBytes(4).toString('hex')), auth);
    assert.equal(posted.status, 202, JSON.stringify(posted.body).slice(0, 300));
    const id = (posted.body as BatchView).id;
    const progress = (url: string) => async () => (await rest(url, 'GET', `/v1/subscriptions/${s.sinchno}/document-batches/${id}?limit=1`, undefined, auth)).body as BatchView;

    // midway: some chunks done, more to come
    const before = await waitFor(progress(server.url), (b) => b.issued + b.failed >= 300, { timeoutMs: 60_000, intervalMs: 20, what: 'the batch to be under way' });
    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;
    assert.ok(before.pending > 0, `killed before the batch completed (${JSON.stringify({ issued: before.issued, failed: before.failed })})`);

    // the lease of the killed worker's job runs out (instead of in 60 s)
    const db = await open();
    try {
      const running = await sql<{ n: string }>`
        WITH x AS (UPDATE jobs SET locked_until = now() - interval '1 second' WHERE queue = ${documentBatchQueue({ channel })} AND state = 'running' RETURNING 1)
        SELECT count(*) AS n FROM x`.execute(db.db);
      console.log(`# killed at ${before.issued + before.failed} of ${ITEMS} items; ${running.rows[0]!.n} running batch job(s) left behind (${pgUrl ? 'postgres' : 'pglite'})`);
    } finally {
      await db.close();
    }

    server = await serveChild(env);
    const done = await waitFor(progress(server.url), (b) => b.state === 'completed', { timeoutMs: 120_000, intervalMs: 200, what: 'the batch to complete after the restart', show: (b) => ({ state: b.state, issued: b.issued, failed: b.failed }) });
    const invalid = Array.from({ length: ITEMS }, (_, i) => i).filter((i) => faultOf(i) !== undefined).length;
    assert.deepEqual([done.issued, done.failed, done.pending], [ITEMS - invalid, invalid, 0]);
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    const check = await open();
    try {
      const docs = await sql<{ documents: string; subkeys: string; serials: string; lo: string; hi: string }>`
        SELECT count(*) AS documents, count(DISTINCT subkey) AS subkeys, count(DISTINCT nts_issue_id) AS serials,
               min(right(nts_issue_id, 8)::int) AS lo, max(right(nts_issue_id, 8)::int) AS hi
          FROM documents WHERE subscription_id = ${s.sinchno}`.execute(check.db);
      const d = docs.rows[0]!;
      assert.equal(Number(d.documents), ITEMS - invalid, 'one document per valid item');
      assert.equal(Number(d.subkeys), ITEMS - invalid, 'no subkey written twice');
      assert.equal(Number(d.serials), ITEMS - invalid);
      assert.equal(Number(d.hi) - Number(d.lo) + 1, ITEMS - invalid, 'approval numbers gap-free (the rolled-back chunk took none)');
      const items = await sql<{ state: string; n: string; docs: string }>`
        SELECT state, count(*) AS n, count(DISTINCT document_id) AS docs FROM document_batch_items WHERE batch_id = ${id} GROUP BY state ORDER BY state`.execute(check.db);
      assert.deepEqual(items.rows.map((r) => [r.state, Number(r.n), Number(r.docs)]), [['failed', invalid, 0], ['issued', ITEMS - invalid, ITEMS - invalid]]);
      const events = await sql<{ type: string; n: string }>`SELECT type, count(*) AS n FROM events WHERE object_type = 'document_batch' AND object_id = ${String(id)} GROUP BY type ORDER BY type`.execute(check.db);
      assert.deepEqual(Object.fromEntries(events.rows.map((r) => [r.type, Number(r.n)])), {
        'document_batch.accepted': 1,
        'document_batch.completed': 1,
        'document_batch.item_failed': invalid,
        'document_batch.item_issued': ITEMS - invalid,
      }, 'one event per item: none from the chunk that died');
    } finally {
      await check.close();
    }
  } finally {
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
