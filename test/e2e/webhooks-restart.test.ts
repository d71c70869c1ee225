// Deliveries survive a restart: what was pending when the process stopped resumes in the next one (same database,
// same job channel), with the same delivery ids; events recorded just before the stop are fanned out after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startSystem, type System } from '../../src/main.ts';
import { silentLogger } from '../../src/platform/context.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { deliveriesOf, emit, registerEndpoint, startReceiver, WEBHOOK_TEST_ENV, webhookPartner } from './webhooks-support.ts';

test('pending deliveries resume after a restart, with the same delivery ids', { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-webhooks-restart-'));
  const pgUrl = process.env['TEST_DATABASE_URL'];
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    HANBILL_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HANBILL_CHANNEL: `t${crypto.randomBytes(6).toString('hex')}`,
    HANBILL_MESSAGE_HISTORY_PURGE: 'off',
    HANBILL_BILLING_TICK_MS: '0',
    HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
    HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url'),
    ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    ...WEBHOOK_TEST_ENV,
  };
  let up = false;
  const rcv = await startReceiver(() => ({ status: up ? 200 : 500 }));
  let second: System | undefined;
  try {
    const first = await startSystem(loadConfig(env), { logger: silentLogger, clock: new ManualClock(new Date()) });
    let p: Awaited<ReturnType<typeof webhookPartner>> | undefined;
    let ep: { id: string } | undefined;
    try {
      p = await webhookPartner(first as TestSystem);
      ep = await registerEndpoint(p, rcv.url);
      await emit(first as TestSystem, p.partnerId, [{ type: 'document.issued', objectId: 'R1' }, { type: 'document.issued', objectId: 'R2' }]);
      await waitFor(() => deliveriesOf(p!, ep!.id), (ds) => ds.length === 2 && ds.every((d) => d.attempts === 1), { what: 'the failed first attempts' });
      await emit(first as TestSystem, p.partnerId, [{ type: 'document.mailed', objectId: 'R1' }]);
    } finally {
      await first.close();
    }
    const before = rcv.requests.length;
    const firstIds = new Set(rcv.requests.map((r) => r.headers['hanbill-delivery']));
    up = true;

    // the next process, 2 minutes later by its clock: the retries are due
    second = await startSystem(loadConfig(env), { logger: silentLogger, clock: new ManualClock(new Date(Date.now() + 120_000)) });
    await waitFor(
      () => rcv.requests.slice(before).map((r) => JSON.parse(r.body)).map((e) => `${e.type}:${e.object.id}`),
      (seen) => ['document.issued:R1', 'document.issued:R2', 'document.mailed:R1'].every((k) => seen.includes(k)),
      { what: 'the pending deliveries resumed and the last event fanned out', timeoutMs: 30_000 },
    );
    const after = rcv.requests.slice(before);
    const resumed = after.filter((r) => JSON.parse(r.body).type === 'document.issued').map((r) => r.headers['hanbill-delivery']);
    assert.equal(resumed.length, 2);
    for (const id of resumed) assert.ok(firstIds.has(id), 'the same delivery id as before the restart');
    const db = second.database.pool;
    const states = async () =>
      (await db.query<{ state: string; n: string }>(`SELECT d.state, count(*) AS n FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.public_id = $1 GROUP BY d.state`, [ep!.id])).rows.map((r) => `${r.state}:${r.n}`);
    await waitFor(states, (s) => s.join() === 'succeeded:3', { what: 'the three deliveries succeeded (the last answer is recorded after the receiver saw it)' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rcv.requests.length - before, 3, 'each once after the restart');
  } finally {
    await second?.close();
    await rcv.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
