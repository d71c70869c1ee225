// kill -9 of an API process in the middle of a stream of document-batch requests (issue 15 item 4), with the roles
// in separate processes on one PostgreSQL: HANBILL_ROLES=api (killed, then a new one started) and HANBILL_ROLES=worker
// (runs on). Four clients post batches of 50, each with its own Idempotency-Key, and retry a request that got no
// answer (with the same key) against whichever API process is up. Afterwards every acknowledged batch exists once,
// every one completes, and its documents are issued once each (counted in the database): a request cut by the kill
// either committed (the retry gets the same batch) or did not (the retry creates it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onboard } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import { freshChannel, quietChildEnv, serveChild, workerChild, type ChildServer } from '../support/child-server.ts';
import { usePrivateDatabase } from '../support/private-database.ts';
import { batchBody, faultOf, privateDate, type BatchView } from './document-batches-support.ts';

const sharedUrl = process.env['TEST_DATABASE_URL'];
const ITEMS = 50;

test('kill -9 of the API process during a stream of document batches: each acknowledged batch exists once and completes, its documents issued once', { skip: sharedUrl ? false : 'an API and a worker process on one database: PostgreSQL only (TEST_DATABASE_URL)', timeout: 180_000 }, async () => {
  const priv = await usePrivateDatabase('faults_api');
  const dbUrl = process.env['TEST_DATABASE_URL']!;
  const dirs = [0, 1, 2].map((i) => fs.mkdtempSync(path.join(os.tmpdir(), `hanbill-kill-api-${i}-`)));
  const channel = freshChannel();
  const env: Record<string, string> = {
    ...quietChildEnv(channel, dbUrl),
  };
  let api: ChildServer | undefined;
  let worker: Awaited<ReturnType<typeof workerChild>> | undefined;
  try {
    api = await serveChild({ ...env, HANBILL_ROLES: 'api', HANBILL_DATA_DIR: dirs[0]! });
    worker = await workerChild({ ...env, HANBILL_DATA_DIR: dirs[1]! });
    let url: string | undefined = api.url;
    const s = await onboard(url);
    const auth = { 'content-type': 'application/json', 'x-svc-key': s.svcKey };
    const date = privateDate();

    const acknowledged = new Map<string, number>(); // Idempotency-Key → batch id
    const answers = new Map<string, number>();
    let stop = false;
    const post = async (key: string, body: string): Promise<number> => {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const target = url;
        const r = target
          ? await fetch(`${target}/v1/subscriptions/${s.sinchno}/document-batches`, { method: 'POST', headers: { ...auth, 'idempotency-key': key }, body, signal: AbortSignal.timeout(20_000) }).then(
              async (res) => ({ status: String(res.status), body: (await res.json().catch(() => ({}))) as Partial<BatchView> }),
              () => ({ status: 'no answer', body: {} as Partial<BatchView> }),
            )
          : { status: 'no server', body: {} as Partial<BatchView> };
        answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
        if (r.status === '202' && typeof r.body.id === 'number') return r.body.id;
        if (r.status.startsWith('4')) throw new Error(`refused: ${r.status} ${JSON.stringify(r.body)}`);
        if (Date.now() > deadline) throw new Error(`batch not accepted in 90 s (last: ${r.status})`);
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const client = async (c: number) => {
      for (let i = 0; !stop; i++) {
        const key = `c${c}-${i}-${crypto.randomBytes(4).toString('hex')}`;
        acknowledged.set(key, await post(key, JSON.stringify(batchBody(ITEMS, date, key))));
      }
    };
    const clients = [0, 1, 2, 3].map((c) => client(c));
    await waitFor(async () => acknowledged.size, (n) => n >= 4, { timeoutMs: 30_000, what: 'batches accepted before the kill' });
    api.child.kill('SIGKILL');
    await api.exited;
    const before = acknowledged.size;
    url = undefined;
    api = await serveChild({ ...env, HANBILL_ROLES: 'api', HANBILL_DATA_DIR: dirs[2]! });
    url = api.url;
    await waitFor(async () => acknowledged.size, (n) => n >= before + 4, { timeoutMs: 60_000, what: 'batches accepted after the restart' });
    stop = true;
    await Promise.all(clients);
    console.log(`# ${acknowledged.size} batches acknowledged (${before} before the kill); answers ${JSON.stringify(Object.fromEntries(answers))}`);

    const ids = [...acknowledged.values()];
    assert.equal(new Set(ids).size, ids.length, 'each Idempotency-Key has its own batch');
    const get = async (id: number) => (await (await fetch(`${url}/v1/subscriptions/${s.sinchno}/document-batches/${id}?limit=1`, { headers: auth })).json()) as BatchView;
    const invalid = Array.from({ length: ITEMS }, (_, i) => i).filter((i) => faultOf(i) !== undefined).length;
    for (const id of ids) {
      const b = await waitFor(() => get(id), (v) => v.state === 'completed', { timeoutMs: 90_000, intervalMs: 200, what: `batch ${id} to complete` });
      assert.deepEqual([b.issued, b.failed], [ITEMS - invalid, invalid], `batch ${id}`);
    }
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    try {
      const batches = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM document_batches');
      assert.equal(batches.rows[0]!.n, ids.length, 'no batch beyond the acknowledged ones (a retried request made none twice)');
      const docs = await check.query<{ n: number; keys: number }>('SELECT count(*)::int AS n, count(DISTINCT (subscription_id, subkey))::int AS keys FROM documents');
      assert.deepEqual(docs.rows[0], { n: ids.length * (ITEMS - invalid), keys: ids.length * (ITEMS - invalid) }, 'each item issued once');
    } finally {
      await check.end();
    }
  } finally {
    api?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await api?.exited;
    await worker?.exited;
    await priv.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});
