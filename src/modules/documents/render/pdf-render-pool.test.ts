// The PDF worker thread really renders (the pool falls back to inline rendering when a worker cannot start,
// so only talking to the worker itself shows that its entry loads): from source under the test loader, and
// the compiled entry in dist/ that production runs (built by `npm install` / `npm run build`).
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PDF_WORKER_URL, closePdfRenderPool, renderInvoicePdfOffThread, startPdfWorker } from './pdf-render-pool.ts';
import type { WorkerReply } from '../../../platform/worker-threads.ts';
import { issuedMeta, richTaxInvoice } from './render-fixtures.ts';

async function renderOn(worker: Worker): Promise<Buffer> {
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before answering`)));
      worker.on('message', (m: WorkerReply<Uint8Array> | { ready: true }) => {
        if (!('id' in m)) return;
        if ('value' in m) resolve(Buffer.from(m.value));
        else reject(new Error(m.error));
      });
      worker.postMessage({ id: 1, request: { doc: richTaxInvoice(), meta: issuedMeta() } });
    });
  } finally {
    await worker.terminate();
  }
}

test('the pool starts its worker from the entry beside it, in the same form (.ts from source)', async () => {
  assert.equal(fileURLToPath(PDF_WORKER_URL), fileURLToPath(new URL('./pdf-worker.ts', import.meta.url)));
  const pdf = await renderOn(startPdfWorker());
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 10_000, 'a whole invoice with its embedded fonts');
});

test('the compiled worker in dist/ (what production runs) renders the same invoice', async () => {
  const built = new URL('../../../../dist/modules/documents/render/pdf-worker.js', import.meta.url);
  assert.ok(fs.existsSync(built), `${fileURLToPath(built)} is missing: run \`npm run build\` (npm install builds it)`);
  const pdf = await renderOn(new Worker(built));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 10_000);
});

test('renderInvoicePdfOffThread answers with a PDF', async () => {
  try {
    const pdf = await renderInvoicePdfOffThread(richTaxInvoice(), issuedMeta());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  } finally {
    await closePdfRenderPool();
  }
});
