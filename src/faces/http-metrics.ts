/**
 * Request counts and durations for GET /metrics, by the route's pattern (`/v1/documents/:id`, never the URL a
 * caller sent: the label set stays small and carries no ids); a request no route matched counts as "unmatched".
 */
import type { FastifyInstance } from 'fastify';
import { metrics } from '../platform/metrics.ts';

export function httpMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const method = req.method;
    metrics.inc('hanbill_http_requests_total', { method, route, status: String(reply.statusCode) });
    metrics.observe('hanbill_http_request_duration_seconds', { method, route }, reply.elapsedTime / 1000);
    done();
  });
}
