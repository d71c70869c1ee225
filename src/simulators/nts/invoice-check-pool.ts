/**
 * The NTS simulator's invoice checks, first stage (invoice-rules.ts precheckInvoice), on a worker thread: the
 * in-process simulator (embedded default) shares the event loop with HTTP and the filing pipeline, and verifying
 * every signature there (parse, C14N, RSA: ≈ 2 ms per invoice) took about a fifth of that loop while 1,000
 * invoices were filed (issue 13). One worker per simulator; if it cannot start or dies, the checks run inline
 * (same answers).
 */
import { runsFromSource, WorkerPool } from '../../platform/worker-threads.ts';
import { precheckInvoice, type InvoicePrecheck } from './invoice-rules.ts';
import type { CheckAnswer, CheckRequest } from './invoice-check-worker.ts';
import { openPackage, type OpenedPackage, type OpenRequest } from './open-package.ts';

/** The worker entry beside this module, in this module's own form (see pdf-render-pool.ts). */
const WORKER_URL = new URL(runsFromSource(import.meta.url) ? './invoice-check-worker.ts' : './invoice-check-worker.js', import.meta.url);

export type Item = { rValue: Buffer; signedXml: Buffer };

/** Runs precheckInvoice (and the opening of packages) on one worker thread, started on first use; inline when there is none. */
export class InvoiceCheckPool {
  private readonly pool: WorkerPool<CheckRequest, CheckAnswer>;
  /** After close() (the simulator stopped), a late call works inline rather than start a new thread. */
  private closed = false;

  constructor(private readonly useWorker: boolean) {
    this.pool = new WorkerPool(WORKER_URL, 'invoice check', { size: 1 });
  }

  private get onWorker(): boolean {
    return this.useWorker && !this.closed;
  }

  /** How many batches the worker thread answered (tests: the checks really ran off the event loop). */
  answeredOnWorker = 0;

  /** The first-stage answers of `items`, in order. */
  async precheck(items: Item[]): Promise<InvoicePrecheck[]> {
    // copies (the package's buffers may be views into one pooled buffer): structured clone, not transfer
    const done = this.onWorker && (await this.pool.tryOnWorker({ items: items.map((i) => ({ rValue: new Uint8Array(i.rValue), signedXml: new Uint8Array(i.signedXml) })) }));
    if (!done) return this.inline(items);
    this.answeredOnWorker++;
    return done.value as InvoicePrecheck[];
  }

  /** A submission's attachment decrypted and decoded (open-package.ts), on the worker thread when there is one. */
  async openPackage(request: OpenRequest): Promise<OpenedPackage> {
    if (!this.onWorker) return openPackage(request);
    return (await this.pool.run({ open: request }, () => openPackage(request))) as OpenedPackage;
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

  close(): Promise<void> {
    this.closed = true;
    return this.pool.close();
  }
}
