// Scheduled work with several worker processes (issue 15 item 2): every start arms the periodic chains (the billing
// tick that bills on the 5th, the NTS filing sweeper, the message delivery sweeper with the 48-hour rule and the
// reservations' release, the webhook sweeper, the event retention). Four workers starting at once, and each run
// arming its successor from every worker, leave one job per chain and period: each runs once per period whatever
// the number of workers (a dedupe key per period and slot; the claim itself is FOR UPDATE SKIP LOCKED).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { silentLogger, type Ctx } from '../../src/platform/context.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { armBillingTick } from '../../src/modules/settlement/billing/billing-tick.ts';
import { armSweeper } from '../../src/modules/nts/sweep-filings.ts';
import { armDeliverySweeper } from '../../src/modules/messaging/delivery/sweep-deliveries.ts';
import { armWebhookSweeper } from '../../src/modules/webhooks/sweep-webhooks.ts';
import { armEventRetention } from '../../src/modules/events/event-retention.ts';
import { openTestDatabase } from '../support/test-database.ts';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

const ARMERS: [string, (ctx: Ctx, offset: number) => Promise<void>][] = [
  ['billing tick', armBillingTick],
  ['NTS filing sweeper', armSweeper],
  ['message delivery sweeper (48-hour rule, reservations)', armDeliverySweeper],
  ['webhook sweeper', armWebhookSweeper],
  ['event retention', (ctx, offset) => armEventRetention(ctx, offset)],
];

test('four workers arming every periodic chain at once, twice over: one job per chain and period', async () => {
  const channel = `s${crypto.randomBytes(5).toString('hex')}`;
  // hour-long periods: the arming below never straddles a period's boundary (other than by a 1-in-3,600,000 chance)
  const config = loadConfig({ HANBILL_CHANNEL: channel, HANBILL_NTS_CHANNEL: `${channel}n`, HANBILL_BILLING_TICK_MS: '3600000', HANBILL_NTS_SWEEP_MS: '3600000', HANBILL_CARRIER_SWEEP_MS: '3600000', HANBILL_EVENT_RETENTION_SWEEP_MS: '3600000' });
  const workers: Ctx[] = Array.from({ length: 4 }, () => ({ db: database.db, clock: systemClock, config, masterKey: Buffer.alloc(32), log: silentLogger }));
  const counts = async () =>
    (await sql<{ queue: string; n: number }>`SELECT queue, count(*)::int AS n FROM jobs WHERE queue LIKE ${`${channel}%`} GROUP BY queue ORDER BY queue`.execute(database.db)).rows;

  for (const [what, arm] of ARMERS) {
    const before = (await counts()).reduce((s, r) => s + r.n, 0);
    // the start of each worker (the slot after this one, or this one) and each run arming its next (offset 1)
    await Promise.all(workers.flatMap((ctx) => [arm(ctx, 1), arm(ctx, 1), arm(ctx, 0)]));
    const after = (await counts()).reduce((s, r) => s + r.n, 0);
    assert.ok(after - before <= 2, `${what}: ${after - before} jobs for 2 periods armed by 4 workers`);
    assert.ok(after - before >= 1, `${what}: armed`);
  }
  const rows = await counts();
  assert.equal(rows.length, ARMERS.length, JSON.stringify(rows));
  // per queue, one job per (period, slot): the dedupe keys are all different
  const keys = await sql<{ queue: string; dedupe_key: string }>`SELECT queue, dedupe_key FROM jobs WHERE queue LIKE ${`${channel}%`}`.execute(database.db);
  assert.equal(new Set(keys.rows.map((k) => `${k.queue} ${k.dedupe_key}`)).size, keys.rows.length);
  assert.ok(keys.rows.every((k) => k.dedupe_key !== null), 'every periodic job has a dedupe key');
});
