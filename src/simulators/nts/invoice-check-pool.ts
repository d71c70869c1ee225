/**
 * The NTS simulator's invoice checks, first stage (invoice-rules.ts precheckInvoice), on a worker thread: the
 * in-process simulator (embedded default) shares the event loop with HTTP and the filing pipeline, and verifying
 * every signature there (parse, C14N, RSA: ≈ 2 ms per invoice) took about a fifth of that loop while 1,000
 * invoices were filed (issue 13). One worker per simulator; if it cannot start or dies, the checks run inline
 * (same answers).
 */
import { runsFromSource, WorkerThread } from '../../platform/worker-threads.ts';
import { precheckInvoice, type InvoicePrecheck } from './invoice-rules.ts';
import type { CheckAnswer, CheckRequest } from './invoice-check-worker.ts';
import { openPackage, type OpenedPackage, type OpenRequest } from './open-package.ts';

/** The worker entry beside this module, in this module's own form (see pdf-render-pool.ts). */
const WORKER_URL = new URL(runsFromSource(import.meta.url) ? './invoice-check-worker.ts' : './invoice-check-worker.js', import.meta.url);

export type Item = { rValue: Buffer; signedXml: Buffer };

/** Runs precheckInvoice on a worker thread (started on first use), inline when there is none. */
export class InvoiceCheckPool {
  private thread: WorkerThread<CheckRequest, CheckAnswer> | undefined;
  private startFailed = false;
  private closed = false;

  constructor(private readonly useWorker: boolean) {}

  /** How many batches the worker thread answered (tests: the checks really ran off the event loop). */
  answeredOnWorker = 0;

  private ensure(): WorkerThread<CheckRequest, CheckAnswer> | undefined {
    if (!this.useWorker || this.startFailed || this.closed) return undefined;
    if (this.thread && !this.thread.failed) return this.thread;
    if (this.thread) return undefined; // it died: inline from now on
    try {
      this.thread = new WorkerThread(WORKER_URL, 'invoice check');
    } catch {
      this.startFailed = true;
      return undefined;
    }
    return this.thread;
  }

  /** The first-stage answers of `items`, in order. */
  async precheck(items: Item[]): Promise<InvoicePrecheck[]> {
    const w = this.ensure();
    if (!w) return this.inline(items);
    try {
      // copies (the package's buffers may be views into one pooled buffer): structured clone, not transfer
      const results = await w.call({ items: items.map((i) => ({ rValue: new Uint8Array(i.rValue), signedXml: new Uint8Array(i.signedXml) })) });
      this.answeredOnWorker++;
      return results as InvoicePrecheck[];
    } catch {
      return this.inline(items); // the worker died: still answer
    }
  }

  /** A submission's attachment decrypted and decoded (open-package.ts), on the worker thread when there is one. */
  async openPackage(request: OpenRequest): Promise<OpenedPackage> {
    const w = this.ensure();
    if (!w) return openPackage(request);
    try {
      return (await w.call({ open: request })) as OpenedPackage;
    } catch (err) {
      if (!w.failed) throw err; // opening failed otherwise than a refusal: as it would inline
      return openPackage(request); // the worker died: still answer
    }
  }

  /** On this thread, yielding every 10 invoices so that other calls are answered meanwhile. */
  private async inline(items: Item[]): Promise<InvoicePrecheck[]> {
    const out: InvoicePrecheck[] = [];
    for (const [i, item] of items.entries()) {
      if (i > 0 && i % 10 === 0) await new Promise((r) => setImmediate(r));
      out.push(precheckInvoice(item));
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.thread;
    this.thread = undefined;
    if (w) await w.terminate();
  }
}
