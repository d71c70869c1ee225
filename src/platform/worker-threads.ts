/**
 * CPU work off the event loop: worker threads answering numbered calls (WorkerPool), for the pools that keep HTTP
 * and the job lanes responsive (PDF rendering, NTS sealing, the in-process NTS simulator's checks). Each pool keeps
 * its own worker entry file and falls back to doing the work inline when its threads cannot start or die (the same
 * answers, only on this thread).
 *
 * The entry's URL is computed by the caller next to its own module (`new URL('./x-worker.ts' | './x-worker.js',
 * import.meta.url)`): the build bundles each entry by path (scripts/build.mjs), so only the caller knows where its
 * worker lies.
 */
import os from 'node:os';
import { Worker, parentPort, type TransferListItem } from 'node:worker_threads';

/** Whether `moduleUrl` (a caller's import.meta.url) runs from the TypeScript sources (tests) rather than dist/. */
export const runsFromSource = (moduleUrl: string): boolean => moduleUrl.endsWith('.ts');

/** `bytes` as a Buffer without a copy: what a Buffer becomes across threads (structured clone) is a plain Uint8Array. */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Worker threads a pool may use: one per core but the event loop's own, at least one. */
export function spareCores(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

/** A worker thread running `entry`; from source, it registers tsx's loader first (Node 20 does not run `--import tsx` in workers). */
export function startWorkerThread(entry: URL): Worker {
  if (!runsFromSource(entry.pathname)) return new Worker(entry);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true });
}

/** A call's answer on the wire: its value, or the error's text. */
export type WorkerReply<Res> = { id: number; value: Res } | { id: number; error: string };

interface Pending<Res> {
  resolve(value: Res): void;
  reject(err: Error): void;
}

/** One worker thread answering `call`s in any order; unref'd, so it never keeps the process alive. */
export class WorkerThread<Req, Res> {
  private readonly pending = new Map<number, Pending<Res>>();
  private nextId = 1;
  readonly worker: Worker;
  /** Set once the thread failed to start or died: callers then work inline. */
  failed = false;

  constructor(entry: URL, name: string) {
    this.worker = startWorkerThread(entry);
    this.worker.unref();
    this.worker.on('message', (m: WorkerReply<Res> | { ready: true }) => {
      if (!('id' in m)) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if ('value' in m) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const fail = (err: Error) => {
      this.failed = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`${name} worker exited (${code})`)));
  }

  /** Calls waiting for an answer. */
  get load(): number {
    return this.pending.size;
  }

  call(request: Req, transfer: TransferListItem[] = []): Promise<Res> {
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, request }, transfer);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * Worker threads running one entry, started on first use (`size` of them, default one per spare core), each call
 * going to the least loaded live one. Where no thread runs — none could start, the chosen one died
 * — the caller works inline; a failure of the work itself is thrown, as it would be inline. `close()` stops the
 * threads (they are unref'd: tidy exits and tests); a later call starts new ones.
 */
export class WorkerPool<Req, Res> {
  private threads: WorkerThread<Req, Res>[] | undefined;
  private startFailed = false;
  /** Calls a worker thread answered (tests: the work really left the event loop). */
  answered = 0;

  constructor(
    private readonly entry: URL,
    private readonly name: string,
    private readonly opts: { size?: number } = {},
  ) {}

  /** The answer from a worker thread, or undefined when none ran the call (then the caller works inline). */
  async tryOnWorker(request: Req, transfer: TransferListItem[] = []): Promise<{ value: Res } | undefined> {
    if (this.startFailed) return undefined;
    try {
      this.threads ??= Array.from({ length: this.opts.size ?? spareCores() }, () => new WorkerThread<Req, Res>(this.entry, this.name));
    } catch {
      this.startFailed = true;
      return undefined;
    }
    let best: WorkerThread<Req, Res> | undefined;
    for (const t of this.threads) if (!t.failed && (!best || t.load < best.load)) best = t;
    if (!best) return undefined;
    try {
      const value = await best.call(request, transfer);
      this.answered++;
      return { value };
    } catch (err) {
      if (!best.failed) throw err; // the work failed, not the thread
      return undefined; // the thread died: the caller still answers
    }
  }

  /** `request` on a worker thread, else `inline(request)` on this one. */
  async run(request: Req, inline: (request: Req) => Res | Promise<Res>, transfer: TransferListItem[] = []): Promise<Res> {
    const done = await this.tryOnWorker(request, transfer);
    return done ? done.value : inline(request);
  }

  async close(): Promise<void> {
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

/**
 * The worker side: answer each call with `handle(request)`; `transferOf` names buffers of the answer to move
 * rather than copy. Call once, at the top of a worker entry.
 */
export function serveWorkerCalls<Req, Res>(who: string, handle: (request: Req) => Res | Promise<Res>, transferOf: (value: Res) => TransferListItem[] = () => []): void {
  const port = parentPort;
  if (!port) throw new Error(`${who} runs only as a worker thread`);
  port.on('message', async ({ id, request }: { id: number; request: Req }) => {
    try {
      const value = await handle(request);
      port.postMessage({ id, value } satisfies WorkerReply<Res>, transferOf(value));
    } catch (err) {
      port.postMessage({ id, error: String((err as Error)?.stack ?? err) } satisfies WorkerReply<Res>);
    }
  });
  port.postMessage({ ready: true });
}
