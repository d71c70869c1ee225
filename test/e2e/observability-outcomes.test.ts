// Outcome metrics counted where the outcome is recorded (issue 15 item 3): a document issued and filed shows at
// GET /metrics as one more NTS filing succeeded, its mail as a mail sent and the mail job as finished in its queue;
// the counters are this process's (each test file runs in its own process, this one runs one system).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { issueDocuments, memberWithCertificate, reqnts, sampleDocument, startNtsTestSystem, todayKst, waitSettled } from './nts-support.ts';
import { mailQueue } from '../../src/modules/documents/issue-document.ts';

const TOKEN = crypto.randomBytes(24).toString('base64url');
let sys: TestSystem;
before(async () => {
  sys = await startNtsTestSystem({ HANBILL_METRICS_TOKEN: TOKEN });
});
after(async () => {
  await sys.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${sys.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of one sample line (0 when the series does not exist yet). */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test('a filed document counts one NTS filing succeeded; its mail one mail sent and one finished job of the mail queue', { timeout: 60_000 }, async () => {
  const filed = 'hanbill_nts_filings_total{outcome="succeeded"}';
  const sent = 'hanbill_mails_total{outcome="sent"}';
  const mailJobs = `hanbill_jobs_finished_total{queue="${mailQueue(sys.ctx.config)}"}`;
  const before = await scrape();
  const { member } = await memberWithCertificate(sys);
  const [doc] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, todayKst())]);
  const answer = await reqnts(sys, member, [doc!.dockey]);
  assert.equal(answer.code, '0000', String(answer.msg));
  await waitSettled(sys, [doc!.dockey]);
  const after = await waitFor(scrape, (t) => valueOf(t, sent) > valueOf(before, sent) && valueOf(t, mailJobs) > valueOf(before, mailJobs), { what: 'the mail sent and its job finished', timeoutMs: 20_000 });
  assert.equal(valueOf(after, filed) - valueOf(before, filed), 1);
  assert.equal(valueOf(after, 'hanbill_nts_filings_total{outcome="failed"}') - valueOf(before, 'hanbill_nts_filings_total{outcome="failed"}'), 0);
  assert.ok(valueOf(after, sent) - valueOf(before, sent) >= 1);
  assert.equal(valueOf(after, 'hanbill_mails_total{outcome="failed"}'), valueOf(before, 'hanbill_mails_total{outcome="failed"}'));
});
