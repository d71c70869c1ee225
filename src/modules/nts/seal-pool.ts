/**
 * Seal submissions (seal-submission.ts: build, sign, package, encrypt) on worker threads, one per spare core, so
 * that filing's CPU work does not hold the event loop that serves HTTP and runs the other lanes. If no worker can
 * run, a submission is sealed inline (the same answer); a sealing that fails (e.g. an unusable NTS certificate)
 * throws, as it would inline.
 */
import { runsFromSource, WorkerPool } from '../../platform/worker-threads.ts';
import { sealSubmission, type SealAnswer, type SealRequest } from './seal-submission.ts';

/** The worker entry beside this module, in this module's own form (see pdf-render-pool.ts). */
export const SEAL_WORKER_URL = new URL(runsFromSource(import.meta.url) ? './seal-worker.ts' : './seal-worker.js', import.meta.url);

/** The pool (tests read `sealPool.answered`: the work really left the event loop). */
export const sealPool = new WorkerPool<SealRequest, SealAnswer>(SEAL_WORKER_URL, 'seal');

export function sealSubmissionOffThread(request: SealRequest): Promise<SealAnswer> {
  return sealPool.run(request, sealSubmission);
}

/** Stop the workers (process shutdown; they are unref'd, so this is only for tidy exits and tests). */
export function closeSealPool(): Promise<void> {
  return sealPool.close();
}
