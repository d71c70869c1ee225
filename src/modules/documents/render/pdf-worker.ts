/**
 * Worker-thread entry of the PDF pool: PDF rendering is CPU work (≈ 3 ms per invoice, bench/mail.bench.ts) that would
 * otherwise block the event loop serving HTTP. Bundled as its own entry (dist/…/pdf-worker.js, scripts/build.mjs), so a
 * production worker runs plain JavaScript; tests run this file through the tsx loader they inherit.
 */
import { serveWorkerCalls } from '../../../platform/worker-threads.ts';
import type { DocumentInput } from '../model.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import type { RenderMeta } from './invoice-view.ts';

export interface RenderRequest {
  doc: DocumentInput;
  meta: RenderMeta;
}

serveWorkerCalls<RenderRequest, Uint8Array>(
  'pdf-worker (pdf-render-pool.ts)',
  // a copy into its own ArrayBuffer, so the transfer does not detach pdfkit's pooled buffer
  async ({ doc, meta }) => {
    const pdf = await renderInvoicePdf(doc, meta);
    return new Uint8Array(pdf);
  },
  (bytes) => [bytes.buffer as ArrayBuffer],
);
