// Worker-thread entry of the PDF pool: PDF rendering is CPU work (tens of ms per invoice) that would
// otherwise block the event loop serving HTTP. Plain .mjs so a worker can start it; it loads the
// TypeScript renderer through tsx's loader, as bin/hanbill.js does for the main thread.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { renderInvoicePdf } = await import('./invoice-pdf.ts');

parentPort.on('message', async ({ id, doc, meta }) => {
  try {
    const pdf = await renderInvoicePdf(doc, meta);
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
    parentPort.postMessage({ id, pdf: bytes }, [bytes.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.stack ?? err) });
  }
});
parentPort.postMessage({ ready: true });
