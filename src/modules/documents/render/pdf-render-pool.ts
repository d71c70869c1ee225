/**
 * Render PDFs on worker threads (one per spare core, at least one), so that mail and downloads do not
 * stall the HTTP event loop. If no worker can run, PDFs are rendered inline (same output).
 */
import type { Worker } from 'node:worker_threads';
import { bufferView, runsFromSource, startWorkerThread, WorkerPool } from '../../../platform/worker-threads.ts';
import type { DocumentInput } from '../model.ts';
import type { RenderMeta } from './invoice-view.ts';
import type { RenderRequest } from './pdf-worker.ts';

/**
 * The worker entry beside this module, in this module's own form: dist/…/pdf-worker.js when running the
 * build (production), src/…/pdf-worker.ts under the tsx loader (tests). The bundle keeps this module's
 * dist/ location in import.meta.url (scripts/build.mjs).
 */
export const PDF_WORKER_URL = new URL(runsFromSource(import.meta.url) ? './pdf-worker.ts' : './pdf-worker.js', import.meta.url);

/** A worker thread running pdf-worker. */
export function startPdfWorker(): Worker {
  return startWorkerThread(PDF_WORKER_URL);
}

const pool = new WorkerPool<RenderRequest, Uint8Array>(PDF_WORKER_URL, 'pdf');

/** The renderer on this thread, loaded on first use: pdfkit and its font tables cost start-up time. */
async function renderInline({ doc, meta }: RenderRequest): Promise<Uint8Array> {
  const { renderInvoicePdf } = await import('./invoice-pdf.ts');
  return renderInvoicePdf(doc, meta);
}

export async function renderInvoicePdfOffThread(doc: DocumentInput, meta: RenderMeta): Promise<Buffer> {
  return bufferView(await pool.run({ doc, meta }, renderInline));
}

/** Stop the workers (process shutdown; they are unref'd, so this is only for tidy exits and tests). */
export function closePdfRenderPool(): Promise<void> {
  return pool.close();
}
