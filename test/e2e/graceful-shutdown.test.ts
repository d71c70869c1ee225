// Graceful shutdown (issue 15 item 2): a `hanbill serve` (api + worker) gets SIGTERM while a request is still being
// uploaded and a mail job hangs waiting for its SMTP server's answer to the message. The listener closes (a new connection is refused), the
// request completes and is answered 201, no new job is claimed, and at HANBILL_SHUTDOWN_TIMEOUT_MS the hung job is
// handed back (its lease released, the attempt not counted): a second worker process sends it a moment later, not
// after the 60 s lease. The process exits 0 within the deadline; each mail is delivered once.
//
// Two processes on one database: PostgreSQL only (the embedded database belongs to one process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.ts';
import { rest } from '../support/http.ts';
import { sampleDocumentMailedTo } from './nts-support.ts';
import { onboard } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import { freshChannel, quietChildEnv, serveChild, workerChild, type ChildServer } from '../support/child-server.ts';
import { fakeSmtp } from '../support/fake-smtp.ts';

const pgUrl = process.env['TEST_DATABASE_URL'];
const SHUTDOWN_TIMEOUT_MS = 2_500;

/** A raw HTTP/1.1 request whose body is sent in two parts, the second when `rest()` is called; resolves with the status. */
function slowRequest(url: string, pathname: string, headers: Record<string, string>, body: string): { sendRest: () => void; answer: Promise<{ status: number; text: string }> } {
  const u = new URL(url);
  const bytes = Buffer.from(body, 'utf8');
  const half = Math.floor(bytes.length / 2);
  const socket = net.connect(Number(u.port), u.hostname);
  const head = [`POST ${pathname} HTTP/1.1`, `Host: ${u.host}`, 'Content-Type: application/json', `Content-Length: ${bytes.length}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.write(`${head}\r\n\r\n`);
  socket.write(bytes.subarray(0, half));
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
  return { sendRest: () => socket.write(bytes.subarray(half)), answer };
}

test('SIGTERM: the request in flight completes, the hung job is handed back to another worker at the deadline, exit 0', { skip: pgUrl ? false : 'two processes on one database: PostgreSQL only (TEST_DATABASE_URL)', timeout: 120_000 }, async () => {
  const smtp = await fakeSmtp({ stallFirst: true });
  const channel = freshChannel();
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-shutdown-a-')), fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-shutdown-w-'))];
  const env: Record<string, string> = {
    ...quietChildEnv(channel, pgUrl!),
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    HANBILL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  };
  let server: ChildServer | undefined;
  let worker: Awaited<ReturnType<typeof workerChild>> | undefined;
  try {
    server = await serveChild({ ...env, HANBILL_DATA_DIR: dirs[0]! });
    const s = await onboard(server.url);
    const auth = { 'x-svc-key': s.svcKey };
    const base = `/v1/subscriptions/${s.sinchno}/documents`;
    const first = await rest(server.url, 'POST', base, { issue: true, document: sampleDocumentMailedTo(s.bizno, 'first@example.kr') }, auth);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    // its mail job is running in the server: the message sent, waiting for an answer that never comes
    await waitFor(async () => smtp.stalled(), (n) => n >= 1, { timeoutMs: 20_000, what: 'the first mail job to send its message' });

    const mailJobs = async () => {
      const db = await openDatabase({ kind: 'postgres', url: pgUrl!, max: 1 });
      try {
        return (await sql<{ state: string; attempts: number; last_error: string | null }>`SELECT state, attempts, last_error FROM jobs WHERE queue = ${`${channel}.mail`} ORDER BY id`.execute(db.db)).rows;
      } finally {
        await db.close();
      }
    };
    const running = await mailJobs();
    assert.deepEqual(running.map((j) => j.state), ['running'], JSON.stringify(running));

    worker = await workerChild({ ...env, HANBILL_DATA_DIR: dirs[1]! });
    const slow = slowRequest(server.url, base, auth, JSON.stringify({ issue: true, document: sampleDocumentMailedTo(s.bizno, 'second@example.kr') }));
    await new Promise((r) => setTimeout(r, 300)); // the request's head and half its body have arrived

    const t0 = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    const readyz = await fetch(`${server.url}/readyz`).then((r) => r.status, () => 'refused' as const);
    assert.notEqual(readyz, 200, 'a draining server is not ready: a new connection is refused (or answered 503)');
    slow.sendRest();
    const answered = await slow.answer;
    assert.equal(answered.status, 201, `the request in flight at SIGTERM completes: ${answered.text.slice(0, 300)}`);

    const code = await server.exited;
    const stoppedAfter = Date.now() - t0;
    server = undefined;
    assert.equal(code, 0, 'exit 0');
    assert.ok(stoppedAfter < SHUTDOWN_TIMEOUT_MS + 3_000, `stopped ${stoppedAfter} ms after SIGTERM (deadline ${SHUTDOWN_TIMEOUT_MS} ms)`);

    // the other worker sends both mails: the handed-back one and the one the completed request queued
    await waitFor(async () => smtp.recipients().sort(), (r) => r.length >= 2, { timeoutMs: 15_000, what: 'both mails delivered by the other worker' });
    const deliveredAfter = Date.now() - t0;
    console.log(`# exit 0 after ${stoppedAfter} ms; both mails delivered ${deliveredAfter} ms after SIGTERM (a lease is 60 s)`);
    assert.ok(deliveredAfter < 20_000, 'the handed-back job ran at once, not after its 60 s lease');
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more arrives
    assert.deepEqual(smtp.recipients().sort(), ['first@example.kr', 'second@example.kr'], 'each mail delivered once');

    const jobs = await mailJobs();
    // handing back does not count the attempt: the other worker's run is the same attempt number as the one cut short
    assert.deepEqual(jobs.map((j) => [j.state, j.attempts]), [['done', running[0]!.attempts], ['done', 1]], `both mail jobs done once more each: ${JSON.stringify({ running, jobs })}`);

    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0, 'an idle worker stops at once with exit 0');
    worker = undefined;
  } finally {
    server?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await server?.exited;
    await worker?.exited;
    await smtp.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});
