/**
 * Worker-thread entry of the NTS simulator's invoice checks (invoice-check-pool.ts): the first, costly stage of
 * each check (syntax, structure, formats, signature: ≈ 1 ms per invoice) and the decryption of each package run here, off the event loop that
 * serves HTTP and runs the filing pipeline in the same process. Bundled as its own entry
 * (dist/simulators/nts/invoice-check-worker.js, scripts/build.mjs).
 */
import { serveWorkerCalls } from '../../platform/worker-threads.ts';
import { precheckInvoice, type InvoicePrecheck } from './invoice-rules.ts';
import { openPackage, type OpenedPackage, type OpenRequest } from './open-package.ts';

/** Either the first-stage checks of a package's invoices, or the opening of a package (decrypt and decode). */
export type CheckRequest = { items: { rValue: Uint8Array; signedXml: Uint8Array }[] } | { open: OpenRequest };
export type CheckAnswer = InvoicePrecheck[] | OpenedPackage;

serveWorkerCalls<CheckRequest, CheckAnswer>('invoice-check-worker (invoice-check-pool.ts)', (request) =>
  'open' in request ? openPackage(request.open) : request.items.map((item) => precheckInvoice(item)),
);
