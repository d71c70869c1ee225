/**
 * Worker-thread entry of the NTS sealing pool (seal-pool.ts): signing and encrypting a submission off the event
 * loop. Bundled as its own entry (dist/modules/nts/seal-worker.js, scripts/build.mjs).
 */
import { serveWorkerCalls } from '../../platform/worker-threads.ts';
import { sealSubmission, type SealAnswer, type SealRequest } from './seal-submission.ts';

serveWorkerCalls<SealRequest, SealAnswer>(
  'seal-worker (seal-pool.ts)',
  (request) => {
    const answer = sealSubmission(request);
    // the package in an ArrayBuffer of its own, so that it can be moved rather than copied
    return answer.cms ? { ...answer, cms: new Uint8Array(answer.cms) } : answer;
  },
  (answer) => (answer.cms ? [answer.cms.buffer as ArrayBuffer] : []),
);
