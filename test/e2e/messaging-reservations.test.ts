// Reservations (issue 10 item 2): a reserved batch is listed, cancelled until 10 minutes before its time (409
// after, 404 for another partner), and released at its time by the release job (reserved → queued, a dispatch
// job); the release is idempotent and a cancelled batch is not released. Unit limits refuse with 429 and store
// nothing (own database: the limit is on a shared service unit).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startSystem } from '../../src/main.ts';
import { silentLogger } from '../../src/platform/context.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { messageQueuesOf } from '../../src/modules/messaging/sending/message-queues.ts';
import { releaseDueReservations, releaseReservation } from '../../src/modules/messaging/sending/release-reservation.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { sender } from './messaging-send-support.ts';

// after the real date: a release job (due by the database clock) must not fall due before the test moves it
const DAY = new Date(Math.max(Date.now() + 30 * 86_400_000, Date.parse('2027-03-02T01:00:00Z')));
const clock = new ManualClock(DAY);
let sys: TestSystem;
let privateDb: PrivateDatabase;
before(async () => {
  privateDb = await usePrivateDatabase('msgresv');
  sys = await startTestSystem({ HANBILL_CARRIER_SWEEP_MS: '200', HANBILL_CARRIER_SIM_DELAY_MS: '0' }, { clock });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

const inMinutes = (m: number) => new Date(clock.now().getTime() + m * 60_000).toISOString();

test('reserve → listed → cancelled; within 10 minutes refused; another partner 404', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const r = await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '예약 안내', reserveAt: inMinutes(60), recipients: [{ to: '01012345678' }, { to: '01012345679' }] });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.state, 'reserved');
  const late = await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '예약 안내', reserveAt: inMinutes(15), recipients: [{ to: '01012345678' }] });
  const list = await s.call('GET', '/v1/reservations');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body.data.map((b: { id: number }) => b.id), [late.body.id, r.body.id]);
  assert.equal(list.body.total, 2);

  const other = await sender(sys);
  assert.equal((await other.call('DELETE', `/v1/reservations/${r.body.id}`)).status, 404);
  const cancelled = await s.call('DELETE', `/v1/reservations/${r.body.id}`);
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.state, 'cancelled');
  assert.deepEqual([cancelled.body.total, cancelled.body.pending, cancelled.body.cancelled], [2, 0, 2]);
  const states = await sys.database.pool.query<{ state: string }>('SELECT DISTINCT state FROM message_recipients WHERE batch_id = $1', [r.body.id]);
  assert.deepEqual(states.rows.map((x) => x.state), ['cancelled']);
  assert.equal((await s.call('DELETE', `/v1/reservations/${r.body.id}`)).status, 409);
  // the release job of a cancelled batch does nothing
  assert.equal(await releaseReservation(sys.ctx, r.body.id, new Date(r.body.acceptedAt)), false);

  clock.advance(6 * 60_000);
  const tooLate = await s.call('DELETE', `/v1/reservations/${late.body.id}`);
  assert.equal(tooLate.status, 409, tooLate.text);
  assert.equal(tooLate.body.error.code, 'reservation_not_cancellable');
  assert.equal((await s.call('GET', '/v1/reservations')).body.total, 1);
});

test('the release job moves a reserved batch to queued and enqueues its dispatch; the sweeper net releases due ones', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const r = await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '예약 안내', reserveAt: inMinutes(30), recipients: [{ to: '01012345678' }] });
  assert.equal(r.status, 202, r.text);
  const queues = messageQueuesOf(sys.ctx);
  // a release job run before its time (by the injected clock) releases nothing
  assert.equal(await releaseReservation(sys.ctx, r.body.id, new Date(r.body.acceptedAt)), false);
  // time passes: the clock, and the job falls due (the worker compares run_at with the database clock)
  clock.advance(31 * 60_000);
  await sys.database.pool.query(`UPDATE jobs SET run_at = now() WHERE queue = $1 AND dedupe_key = $2`, [queues.release, `batch:${r.body.id}`]);
  await waitFor(async () => (await s.call('GET', `/v1/messages/${r.body.id}`)).body.state as string, (state) => state !== 'reserved', { timeoutMs: 20_000, what: 'the release' });
  const job = await sys.database.pool.query(`SELECT 1 FROM jobs WHERE queue = $1 AND dedupe_key = $2`, [queues.dispatch, `batch:${r.body.id}`]);
  assert.equal(job.rows.length, 1);
  assert.equal(await releaseReservation(sys.ctx, r.body.id, new Date(r.body.acceptedAt)), false);

  const r2 = await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '예약 안내', reserveAt: inMinutes(30), recipients: [{ to: '01012345678' }] });
  assert.equal(r2.status, 202, r2.text);
  clock.advance(31 * 60_000);
  assert.ok((await releaseDueReservations(sys.ctx)) >= 1);
  assert.notEqual((await s.call('GET', `/v1/messages/${r2.body.id}`)).body.state, 'reserved');
});

test('unit limit per KST month: over it → 429 naming the type, nothing stored', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  await sys.database.pool.query(`UPDATE service_units SET limit_per_period = 3 WHERE metered_item = 'message_lms'`);
  try {
    const ok = await s.call('POST', '/v1/messages', { type: 'lms', from: s.from, text: '안내', recipients: [{ to: '01012345678' }, { to: '01012345679' }] });
    assert.equal(ok.status, 202, ok.text);
    const over = await s.call('POST', '/v1/messages', { type: 'lms', from: s.from, text: '안내', recipients: [{ to: '01012345678', clientRef: 'lim-1' }, { to: '01012345679' }] });
    assert.equal(over.status, 429, over.text);
    assert.equal(over.body.error.code, 'message_unit_limit');
    assert.equal(over.body.error.field, 'type');
    const refs = await sys.database.pool.query(`SELECT 1 FROM message_client_refs WHERE partner_id = $1 AND client_ref = 'lim-1'`, [s.partnerId]);
    assert.equal(refs.rows.length, 0);
    const n = await sys.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM message_recipients WHERE partner_id = $1`, [s.partnerId]);
    assert.equal(Number(n.rows[0]!.n), 2);
    // SMS has no limit
    assert.equal((await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '안내', recipients: [{ to: '01012345678' }, { to: '01012345679' }] })).status, 202);
  } finally {
    await sys.database.pool.query(`UPDATE service_units SET limit_per_period = 0 WHERE metered_item = 'message_lms'`);
  }
});

test('a reserved batch is sent at its time (by the injected clock), delivered by the carrier', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const r = await s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '예약 발송 확인', reserveAt: inMinutes(11), recipients: [{ to: '01012345678' }, { to: '01012345679' }] });
  assert.equal(r.status, 202, r.text);
  // not before its time: the sweeper runs every 200 ms and leaves it alone
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal((await s.call('GET', `/v1/messages/${r.body.id}`)).body.state, 'reserved');
  clock.advance(11 * 60_000);
  const done = await waitFor(async () => (await s.call('GET', `/v1/messages/${r.body.id}`)).body, (b) => b.state === 'done', { timeoutMs: 30_000, what: 'the reserved batch sent and reported' });
  assert.equal(done.success, 2);
  const recipients = await s.call('GET', `/v1/messages/${r.body.id}/recipients`);
  for (const rc of recipients.body.data) assert.ok(Date.parse(rc.sentAt) >= Date.parse(r.body.reserveAt), 'sent at or after its reserved time');
});

test('a reservation survives a restart of the embedded server and is sent at its time', { skip: process.env['TEST_DATABASE_URL'] ? 'embedded-only test (runs in the PGlite pass)' : false }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-resv-restart-'));
  const restartClock = new ManualClock(DAY);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', HANBILL_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HANBILL_CARRIER_SWEEP_MS: '200', HANBILL_CARRIER_SIM_DELAY_MS: '0' });
  try {
    const first = (await startSystem(config, { logger: silentLogger, clock: restartClock })) as unknown as TestSystem;
    let s: Awaited<ReturnType<typeof sender>>;
    let id: number;
    try {
      s = await sender(first);
      const r = await s.call('POST', '/v1/messages', { type: 'lms', from: s.from, subject: '재시작', text: '재시작 후에도 예약은 발송됩니다', reserveAt: new Date(DAY.getTime() + 20 * 60_000).toISOString(), recipients: [{ to: '01012345678' }] });
      assert.equal(r.status, 202, r.text);
      id = r.body.id;
    } finally {
      await first.close();
    }
    restartClock.advance(21 * 60_000);
    const second = await startSystem(config, { logger: silentLogger, clock: restartClock });
    try {
      const call = (p: string) => fetch(`${second.url}${p}`, { headers: { authorization: `Bearer ${s.accessKey}` } }).then((res) => res.json() as Promise<any>);
      const done = await waitFor(() => call(`/v1/messages/${id}`), (b) => b.state === 'done', { timeoutMs: 30_000, what: 'the reservation sent after the restart' });
      assert.equal(done.success, 1);
    } finally {
      await second.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
