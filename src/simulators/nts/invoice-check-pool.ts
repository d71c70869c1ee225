/**
 * The NTS simulator's invoice checks, first stage (invoice-rules.ts precheckInvoice), on a worker thread: the
 * in-process simulator (embedded default) shares the event loop with HTTP and the filing pipeline, and verifying
 * every signature there (parse, C14N, RSA: ≈ 2 ms per invoice) took about a fifth of that loop while 1,000
 * invoices were filed (issue 13). One worker per simulator; if it cannot start or dies, the checks run inline
 * (same answers).
 */
import { Worker } from 'node:worker_threads';
import { precheckInvoice, type InvoicePrecheck } from './invoice-rules.ts';
import type { PrecheckReply, PrecheckRequest } from './invoice-check-worker.ts';

/** The worker entry beside this module, in this module's own form (see pdf-render-pool.ts). */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './invoice-check-worker.ts' : './invoice-check-worker.js', import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  // from source (tests): Node 20 does not run `--import tsx` in worker threads, so the worker registers tsx itself
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`, { eval: true });
}

interface Pending {
  resolve(results: InvoicePrecheck[]): void;
  reject(err: Error): void;
}

export type Item = { rValue: Buffer; signedXml: Buffer };

/** Runs precheckInvoice on a worker thread (started on first use), inline when there is none. */
export class InvoiceCheckPool {
  private worker: Worker | undefined;
  private failed = false;
  private closed = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly useWorker: boolean) {}

  /** How many batches the worker thread answered (tests: the checks really ran off the event loop). */
  answeredOnWorker = 0;

  private ensure(): Worker | undefined {
    if (!this.useWorker || this.failed || this.closed) return undefined;
    if (this.worker) return this.worker;
    let w: Worker;
    try {
      w = startWorker();
    } catch {
      this.failed = true;
      return undefined;
    }
    w.unref();
    w.on('message', (m: PrecheckReply) => {
      if (!('id' in m)) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if ('results' in m) {
        this.answeredOnWorker++;
        p.resolve(m.results);
      }
      else p.reject(new Error(m.error));
    });
    const fail = (err: Error) => {
      this.failed = true;
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`invoice check worker exited (${code})`)));
    this.worker = w;
    return w;
  }

  /** The first-stage answers of `items`, in order. */
  async precheck(items: Item[]): Promise<InvoicePrecheck[]> {
    const w = this.ensure();
    if (!w) return this.inline(items);
    const id = this.nextId++;
    try {
      return await new Promise<InvoicePrecheck[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        // copies (the package's buffers may be views into one pooled buffer): structured clone, not transfer
        w.postMessage({ id, items: items.map((i) => ({ rValue: new Uint8Array(i.rValue), signedXml: new Uint8Array(i.signedXml) })) } satisfies PrecheckRequest);
      });
    } catch {
      return this.inline(items); // the worker died: still answer
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
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
