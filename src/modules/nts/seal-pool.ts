/**
 * Seal submissions (seal-submission.ts: build, sign, package, encrypt) on worker threads, one per spare core, so
 * that filing's CPU work does not hold the event loop that serves HTTP and runs the other lanes. If no worker can
 * run, a submission is sealed inline (the same answer).
 */
import { leastLoaded, runsFromSource, spareCores, WorkerThread } from '../../platform/worker-threads.ts';
import { sealSubmission, type SealAnswer, type SealRequest } from './seal-submission.ts';

/** The worker entry beside this module, in this module's own form (see pdf-render-pool.ts). */
export const SEAL_WORKER_URL = new URL(runsFromSource(import.meta.url) ? './seal-worker.ts' : './seal-worker.js', import.meta.url);

let workers: WorkerThread<SealRequest, SealAnswer>[] | undefined;

/** How many submissions a worker thread sealed (tests: the work really left the event loop). */
export let sealedOnWorker = 0;

export async function sealSubmissionOffThread(request: SealRequest): Promise<SealAnswer> {
  workers ??= Array.from({ length: spareCores() }, () => new WorkerThread<SealRequest, SealAnswer>(SEAL_WORKER_URL, 'seal'));
  const w = leastLoaded(workers);
  if (!w) return sealSubmission(request);
  try {
    const answer = await w.call(request);
    sealedOnWorker++;
    return answer;
  } catch (err) {
    if (!w.failed) throw err; // the sealing itself failed (e.g. an unusable NTS certificate): as it would inline
    return sealSubmission(request); // the worker died: still answer
  }
}

/** Stop the workers (process shutdown; they are unref'd, so this is only for tidy exits and tests). */
export async function closeSealPool(): Promise<void> {
  const ws = workers ?? [];
  workers = undefined;
  await Promise.all(ws.map((w) => w.terminate()));
}
