/**
 * Worker-thread entry of the PDF pool: PDF rendering is CPU work (≈ 3 ms per invoice, bench/mail.bench.ts) that would
 * otherwise block the event loop serving HTTP. Bundled as its own entry (dist/…/pdf-worker.js, scripts/build.mjs), so a
 * production worker runs plain JavaScript; tests run this file through the tsx loader they inherit.
 */
import { parentPort } from 'node:worker_threads';
import type { DocumentInput } from '../model.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import type { RenderMeta } from './invoice-view.ts';

export interface RenderRequest {
  id: number;
  doc: DocumentInput;
  meta: RenderMeta;
}

export type RenderReply = { id: number; pdf: Uint8Array } | { id: number; error: string } | { ready: true };

const port = parentPort;
if (!port) throw new Error('pdf-worker runs only as a worker thread (pdf-render-pool.ts)');

port.on('message', async ({ id, doc, meta }: RenderRequest) => {
  try {
    const pdf = await renderInvoicePdf(doc, meta);
    // a copy into its own ArrayBuffer, so the transfer does not detach pdfkit's pooled buffer
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
    port.postMessage({ id, pdf: bytes } satisfies RenderReply, [bytes.buffer]);
  } catch (err) {
    port.postMessage({ id, error: String((err as Error)?.stack ?? err) } satisfies RenderReply);
  }
});
port.postMessage({ ready: true } satisfies RenderReply);
