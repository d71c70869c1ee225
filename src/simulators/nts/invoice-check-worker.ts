/**
 * Worker-thread entry of the NTS simulator's invoice checks (invoice-check-pool.ts): the first, costly stage of
 * each check (syntax, structure, formats, signature: ≈ 2 ms per invoice) runs here, off the event loop that
 * serves HTTP and runs the filing pipeline in the same process. Bundled as its own entry
 * (dist/simulators/nts/invoice-check-worker.js, scripts/build.mjs).
 */
import { serveWorkerCalls } from '../../platform/worker-threads.ts';
import { precheckInvoice, type InvoicePrecheck } from './invoice-rules.ts';

export interface PrecheckRequest {
  items: { rValue: Uint8Array; signedXml: Uint8Array }[];
}

serveWorkerCalls<PrecheckRequest, InvoicePrecheck[]>('invoice-check-worker (invoice-check-pool.ts)', ({ items }) => items.map((item) => precheckInvoice(item)));
