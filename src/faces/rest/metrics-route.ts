/**
 * GET /metrics — Prometheus text format 0.0.4: this process's counters and histograms (platform/metrics.ts), the
 * job queue read from the database at the scrape (platform/job-queue-health.ts, one query), and process gauges.
 *
 * Access: with HANBILL_METRICS_TOKEN set, `Authorization: Bearer <token>` (401 without it, from anywhere); unset,
 * only callers on this machine (loopback socket address, never a forwarding header) — everyone else gets the
 * same 404 as an unknown path.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { queueHealth } from '../../platform/job-queue-health.ts';
import { metrics, type Sample } from '../../platform/metrics.ts';
import { processSamples, startProcessSampling } from '../../platform/process-metrics.ts';
import { safeEqual, sha256 } from '../../platform/tokens.ts';
import { bearerOf } from '../bearer.ts';
import { isLoopback } from '../loopback.ts';
import { routeNotFound } from './rest-errors.ts';

function checkAccess(ctx: Ctx, req: FastifyRequest): void {
  const token = ctx.config.metricsToken;
  if (token === undefined) {
    if (!isLoopback(req.socket.remoteAddress)) throw routeNotFound(req);
    return;
  }
  const given = bearerOf(req.headers.authorization) ?? '';
  if (!given || !safeEqual(sha256(given), sha256(token))) {
    throw new AppError('unauthenticated', '메트릭 토큰이 필요합니다 (metrics bearer token required)', { field: 'Authorization' });
  }
}

async function queueSamples(ctx: Ctx): Promise<Sample[]> {
  const queues = await queueHealth(ctx.db);
  const per = (pick: (q: (typeof queues)[number]) => number) => queues.map((q) => ({ labels: { queue: q.queue }, value: pick(q) }));
  return [
    { name: 'hanbill_job_queue_depth', type: 'gauge', help: 'jobs due and waiting for a worker (not leased), by queue', values: per((q) => q.due) },
    { name: 'hanbill_job_queue_scheduled', type: 'gauge', help: 'pending jobs due later (retries in backoff, scheduled work), by queue', values: per((q) => q.scheduled) },
    { name: 'hanbill_job_queue_running', type: 'gauge', help: 'jobs claimed by a worker under a live lease, by queue', values: per((q) => q.running) },
    { name: 'hanbill_job_queue_oldest_due_age_seconds', type: 'gauge', help: 'how long the oldest due, unleased job has waited past its run time, by queue', values: per((q) => q.oldestDueAgeSeconds) },
  ];
}

export function metricsRoute(app: FastifyInstance, ctx: Ctx): void {
  startProcessSampling();
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    checkAccess(ctx, req);
    let queue: Sample[] = [];
    let up = 1;
    try {
      queue = await queueSamples(ctx);
    } catch (err) {
      // the process's own metrics are still worth a scrape when the database is down; the reason goes to the log
      up = 0;
      req.log.error({ err }, 'metrics: job queue unreadable');
    }
    const database: Sample = { name: 'hanbill_database_up', type: 'gauge', help: '1 when the job queue could be read at this scrape, else 0', values: [{ value: up }] };
    return reply
      .header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(metrics.render([...queue, database, ...processSamples()]));
  });
}
