/**
 * Counts every request from its start until its answer is sent or its connection closed (the response's `close`,
 * which comes either way), for the job worker's background loops to yield to (platform/foreground.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { WorkInFlight } from '../platform/foreground.ts';

export function countRequests(app: FastifyInstance, requests: WorkInFlight): void {
  app.addHook('onRequest', (_req, reply, done) => {
    reply.raw.once('close', requests.begin());
    done();
  });
}
