// Filing does not wait behind mail (issue 13 item 1): the composed system runs the NTS filing queues in a lane of
// their own, so documents are filed and settled while every general worker loop is stuck on mail that cannot be
// delivered (an SMTP server that accepts connections and never greets) and more mail jobs are pending behind it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mailQueue } from '../../src/modules/documents/issue-document.ts';
import type { TestSystem } from '../support/test-system.ts';
import { issueDocuments, memberWithCertificate, reqnts, sampleDocument, startNtsTestSystem, todayKst, waitSettled } from './nts-support.ts';

let smtp: net.Server;
const sockets = new Set<net.Socket>();
let sys: TestSystem;

before(async () => {
  // accepts, never answers: a mail job waits for the greeting time-out (10 s) while holding its worker loop
  smtp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.address() as net.AddressInfo;
  sys = await startNtsTestSystem({ SMTP_URL: `smtp://127.0.0.1:${port}`, NTS_SIM_RESULT_DELAY_MS: '0' });
});

after(async () => {
  // let the stuck mail jobs fail now, so the worker stops without waiting for their time-outs
  for (const s of sockets) s.destroy();
  smtp.close();
  await sys.close();
});

test('filings are claimed, sent and settled while the general loops are stuck on mail and mail jobs are pending', async () => {
  const { member } = await memberWithCertificate(sys);
  const today = todayKst();
  // 16 documents: 16 mail jobs, enqueued (and due) before any filing job
  const docs = await issueDocuments(sys.ctx, member, Array.from({ length: 16 }, (_, i) => sampleDocument(i % 2 ? '0301' : '0101', member.bizno, today)));
  const mailJobs = () =>
    sys.ctx.db.selectFrom('jobs').select(['state']).where('queue', '=', mailQueue(sys.ctx.config)).where('state', 'in', ['pending', 'running']).execute();
  // the general loops hold mail jobs (the SMTP server never greets)
  const deadline = Date.now() + 5_000;
  while ((await mailJobs()).filter((j) => j.state === 'running').length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  const started = Date.now();
  const r = await reqnts(sys, member, docs.map((d) => d.dockey));
  assert.equal(r.code, '0000', String(r.msg));
  // without a lane of their own the filing jobs queue behind the 16 mail jobs, each holding a general loop for a
  // 10 s greeting time-out: ≥ 80 s on PGlite (2 loops), ≥ 40 s on PostgreSQL (4 loops); with it, a few seconds
  const states = await waitSettled(sys, docs.map((d) => d.dockey), 20_000);
  const elapsed = Date.now() - started;
  assert.ok([...states.values()].every((s) => s.nts_state === '3'), 'every filing succeeded');
  const open = await mailJobs();
  assert.equal(open.length, 16, `all 16 mails are still undelivered while the filings settled (${elapsed} ms)`);
  const mailed = await sys.ctx.db.selectFrom('documents').select('dockey').where('dockey', 'in', docs.map((d) => d.dockey)).where('send_at', 'is not', null).execute();
  assert.equal(mailed.length, 0, 'no document was mailed: filing did not wait for mail');
});
