/**
 * GET /metrics of a process without the api role (HANBILL_ROLES=worker with HANBILL_METRICS_PORT): a server with this
 * one route on HOST:HANBILL_METRICS_PORT, the same access rule (HANBILL_METRICS_TOKEN, else loopback callers only)
 * and the same exposition as the api's (metrics-route.ts) — the worker's job, NTS, mail, message, webhook and
 * billing counters live in its own memory, so Prometheus must scrape it too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { ErrorBody, restErrorHandler, routeNotFound, sendError } from './rest-errors.ts';
import { metricsRoute } from './metrics-route.ts';
import { requestContext, requestIdOf } from '../request-context.ts';

export async function startMetricsServer(ctx: Ctx, port: number, host: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false, genReqId: requestIdOf });
  requestContext(app);
  app.setErrorHandler(restErrorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, routeNotFound(req)));
  app.addSchema(ErrorBody);
  metricsRoute(app, ctx);
  const url = await app.listen({ port, host });
  return { app, url };
}
