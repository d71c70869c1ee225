/**
 * Render PDFs on a worker thread (one per spare core, at least one), so that mail and downloads do not
 * stall the HTTP event loop. If the worker cannot start, PDFs are rendered inline (same output).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DocumentInput } from '../model.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import type { RenderMeta } from './invoice-view.ts';

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
    this.worker = new Worker(new URL('./pdf-worker.mjs', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (m: { id?: number; pdf?: Uint8Array; error?: string; ready?: boolean }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.pdf) p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
      else p.reject(new Error(m.error ?? 'pdf worker failed'));
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
      this.worker.postMessage({ id, doc, meta });
    });
  }
}

let workers: PdfWorker[] | undefined;

function pool(): PdfWorker[] {
  workers ??= Array.from({ length: Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1) }, () => new PdfWorker());
  return workers;
}

export async function renderInvoicePdfOffThread(doc: DocumentInput, meta: RenderMeta): Promise<Buffer> {
  const live = pool().filter((w) => !w.failed);
  if (live.length === 0) return renderInvoicePdf(doc, meta);
  const w = live.reduce((a, b) => (b.load < a.load ? b : a));
  try {
    return await w.render(doc, meta);
  } catch {
    return renderInvoicePdf(doc, meta); // the worker died: still answer
  }
}

/** Stop the workers (process shutdown; they are unref'd, so this is only for tidy exits and tests). */
export async function closePdfRenderPool(): Promise<void> {
  const ws = workers ?? [];
  workers = undefined;
  await Promise.all(ws.map((w) => w.worker.terminate()));
}
