/**
 * Render PDFs on a worker thread (one per spare core, at least one), so that mail and downloads do not
 * stall the HTTP event loop. If the worker cannot start, PDFs are rendered inline (same output).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DocumentInput } from '../model.ts';
import type { RenderMeta } from './invoice-view.ts';
import type { RenderReply, RenderRequest } from './pdf-worker.ts';

/**
 * The worker entry beside this module, in this module's own form: dist/…/pdf-worker.js when running the
 * build (production), src/…/pdf-worker.ts under the tsx loader (tests). The bundle keeps this module's
 * dist/ location in import.meta.url (scripts/build.mjs).
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
export const PDF_WORKER_URL = new URL(FROM_SOURCE ? './pdf-worker.ts' : './pdf-worker.js', import.meta.url);

/** A worker thread running pdf-worker. */
export function startPdfWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(PDF_WORKER_URL);
  // From source (tests, benchmarks): Node 20 does not run `--import tsx` in worker threads, so the worker
  // registers tsx's loader itself before loading the TypeScript entry. The build never takes this branch.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(PDF_WORKER_URL.href)}); })`, { eval: true });
}

interface Pending {
  resolve(pdf: Buffer): void;
  reject(err: Error): void;
}

class PdfWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  readonly worker: Worker;
  failed = false;

  constructor() {
    this.worker = startPdfWorker();
    this.worker.unref();
    this.worker.on('message', (m: RenderReply) => {
      if (!('id' in m)) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if ('pdf' in m) p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
      else p.reject(new Error(m.error));
    });
    const fail = (err: Error) => {
      this.failed = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`pdf worker exited (${code})`)));
  }

  get load(): number {
    return this.pending.size;
  }

  render(doc: DocumentInput, meta: RenderMeta): Promise<Buffer> {
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, doc, meta } satisfies RenderRequest);
    });
  }
}

let workers: PdfWorker[] | undefined;

function pool(): PdfWorker[] {
  workers ??= Array.from({ length: Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1) }, () => new PdfWorker());
  return workers;
}

/** The renderer on this thread, loaded on first use: pdfkit and its font tables cost start-up time. */
async function renderInline(doc: DocumentInput, meta: RenderMeta): Promise<Buffer> {
  const { renderInvoicePdf } = await import('./invoice-pdf.ts');
  return renderInvoicePdf(doc, meta);
}

export async function renderInvoicePdfOffThread(doc: DocumentInput, meta: RenderMeta): Promise<Buffer> {
  const live = pool().filter((w) => !w.failed);
  if (live.length === 0) return renderInline(doc, meta);
  const w = live.reduce((a, b) => (b.load < a.load ? b : a));
  try {
    return await w.render(doc, meta);
  } catch {
    return renderInline(doc, meta); // the worker died: still answer
  }
}

/** Stop the workers (process shutdown; they are unref'd, so this is only for tidy exits and tests). */
export async function closePdfRenderPool(): Promise<void> {
  const ws = workers ?? [];
  workers = undefined;
  await Promise.all(ws.map((w) => w.worker.terminate()));
}
