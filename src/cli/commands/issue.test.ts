// `hanbill issue` with many documents against a server without document batches (an older Hanbill answers
// route_not_found): it falls back to the bulk route, 100 documents per request, keeps each item's subkey and index,
// shows the progress on stderr and exits 1 when one was refused. (Against a current server the batch path runs in
// test/e2e/cli-api.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { localServer } from '../../../clients/typescript/test/local-server.ts';
import { runIssue } from './issue.ts';

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

test('many documents on a server without batches: the bulk route in chunks of 100, results in order, exit 1 on a refused one', async () => {
  const bulkSizes: number[] = [];
  const server = await localServer((req) => {
    if (req.url.endsWith('/document-batches')) return { status: 404, body: { error: { code: 'route_not_found', message: 'POST …: 없는 경로입니다 (no such route)', status: 404, legacyCode: '9999', requestId: 'r1' } } };
    const docs = (JSON.parse(req.body) as { documents: { subkey: string }[] }).documents;
    bulkSizes.push(docs.length);
    const data = docs.map((d, index) =>
      d.subkey === 's-150'
        ? { index, ok: false, error: { code: 'field_invalid', message: 'document.buyer.id: 잘못된 등록번호 (invalid)', field: 'document.buyer.id', status: 400, legacyCode: '1001', requestId: 'r2' } }
        : { index, ok: true, created: true, document: { dockey: `D-${d.subkey}`, issueId: '2026120641000000'.padEnd(24, '0'), procState: 'S' } },
    );
    return { status: 200, body: { data, succeeded: data.filter((x) => x.ok).length, failed: data.filter((x) => !x.ok).length } };
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-issue-'));
  try {
    const file = path.join(dir, 'many.json');
    fs.writeFileSync(file, JSON.stringify(Array.from({ length: 250 }, (_, i) => ({ subkey: `s-${i}`, document: { kind: 'tax_invoice' } }))));
    const stdout = sink();
    const stderr = sink();
    const code = await runIssue([file, '--json'], { stdin: new PassThrough(), stdout: stdout.stream, stderr: stderr.stream, env: { HANBILL_URL: server.url, HANBILL_SUBSCRIPTION_ID: '9', HANBILL_SVC_KEY: 'k', HOME: dir } });
    assert.equal(code, 1);
    assert.deepEqual(bulkSizes, [100, 100, 50]);
    const out = JSON.parse(stdout.text()) as { batchId: null; total: number; issued: number; failed: number; items: { index: number; subkey: string; state: string; dockey: string | null; error: { field: string | null } | null }[] };
    assert.deepEqual([out.batchId, out.total, out.issued, out.failed], [null, 250, 249, 1]);
    assert.deepEqual(out.items.map((i) => i.index), Array.from({ length: 250 }, (_, i) => i));
    assert.deepEqual(out.items[150], { index: 150, subkey: 's-150', state: 'failed', dockey: null, issueId: null, error: { code: 'field_invalid', message: 'document.buyer.id: 잘못된 등록번호 (invalid)', field: 'document.buyer.id' } });
    assert.equal(out.items[249]!.dockey, 'D-s-249');
    const progress = stderr.text().trim().split('\n');
    assert.deepEqual(progress.map((l) => /(\d+)\/250/.exec(l)?.[1]), ['100', '200', '250']);
    const sent = server.seen.filter((s) => s.url.endsWith('/bulk'));
    assert.ok(sent.every((s) => JSON.parse(s.body).documents.every((d: { issue: boolean }) => d.issue === true)), 'documents are issued, not saved as drafts');
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
