/**
 * POST /carrier/reports — delivery reports pushed by the carrier gateway (our carrier relay protocol; not under
 * /v1, not for partners). The body is read raw in this plugin's scope to verify its HMAC signature.
 * 200 once stored (idempotent), 401 for a bad signature, 400 for a malformed body, 503 while storing fails.
 */
import type { FastifyInstance } from 'fastify';
import type { PushAnswer } from '../../modules/messaging/delivery/receive-reports.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../modules/messaging/delivery/carrier-report-signature.ts';

export interface CarrierReportRoutesOptions {
  receivePush(body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<PushAnswer>;
}

export async function carrierReportRoutes(instance: FastifyInstance, opts: CarrierReportRoutesOptions): Promise<void> {
  await instance.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 32 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post<{ Body: Buffer }>('/carrier/reports', { schema: { hide: true } as Record<string, unknown>, logLevel: 'warn' }, async (req, reply) => {
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      try {
        const answer = await opts.receivePush(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER));
        if (answer.status === 200) return reply.code(200).send({ stored: answer.outcome.applied, ignored: answer.outcome.ignored });
        return reply.code(answer.status).send({ error: answer.error });
      } catch (err) {
        req.log.error({ err: String(err) }, 'carrier report push could not be stored');
        return reply.code(503).send({ error: 'reports could not be stored; push again' });
      }
    });
  });
}
