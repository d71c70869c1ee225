/**
 * Worker-thread entry of the NTS simulator's invoice checks (invoice-check-pool.ts): the first, costly stage of
 * each check (syntax, structure, formats, signature: ≈ 2 ms per invoice) runs here, off the event loop that
 * serves HTTP and runs the filing pipeline in the same process. Bundled as its own entry
 * (dist/simulators/nts/invoice-check-worker.js, scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { precheckInvoice, type InvoicePrecheck } from './invoice-rules.ts';

export interface PrecheckRequest {
  id: number;
  items: { rValue: Uint8Array; signedXml: Uint8Array }[];
}

export type PrecheckReply = { id: number; results: InvoicePrecheck[] } | { id: number; error: string } | { ready: true };

const port = parentPort;
if (!port) throw new Error('invoice-check-worker runs only as a worker thread (invoice-check-pool.ts)');

port.on('message', ({ id, items }: PrecheckRequest) => {
  try {
    port.postMessage({ id, results: items.map((item) => precheckInvoice(item)) } satisfies PrecheckReply);
  } catch (err) {
    port.postMessage({ id, error: String((err as Error)?.stack ?? err) } satisfies PrecheckReply);
  }
});
port.postMessage({ ready: true } satisfies PrecheckReply);
