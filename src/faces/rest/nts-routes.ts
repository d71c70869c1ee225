/**
 * NTS filing over HTTP:
 *   POST /v1/subscriptions/{subscriptionId}/nts-filings           file documents (≤ 100 dockeys) — same use case as REQNTS
 *   GET  /v1/subscriptions/{subscriptionId}/nts-filings/{dockey}  the document's filing state and attempts
 *   POST /nts/results                                             the NTS result push (kec:ReplyTo; SOAP, signed by the NTS)
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { composeMessage, toAppError } from '../../platform/errors.ts';
import { requestFiling, MAX_DOCKEYS_PER_REQUEST } from '../../modules/nts/request-filing.ts';
import { getFilingStatus } from '../../modules/nts/filing-status.ts';
import { receiveResultsPush, type ReceiverDeps } from '../../modules/nts/receive-results.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader } from './schemas.ts';
import { SUBSCRIPTION_SECURITY, tenantOf } from './certificate-routes.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';

const SvcKeyHeader = Type.Object({ 'x-svc-key': Type.Optional(Type.String({ description: "the subscription's svc_key" })) });

const FilingRequestResult = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        dockey: Type.String(),
        queued: Type.Boolean(),
        ntsState: Type.String({ description: 'NTS_return_state: 0 not filed, 1 queued, 2 sent, 3 succeeded, 4 failed' }),
        error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), legacyCode: Type.String() })),
      }),
    ),
  },
  { $id: 'NtsFilingRequestResult' },
);

const FilingStatus = Type.Object(
  {
    dockey: Type.String(),
    issueId: Type.Union([Type.String(), Type.Null()]),
    ntsState: Type.String({ description: '0 not filed, 1 queued, 2 sent, 3 succeeded, 4 failed' }),
    requestedAt: Type.Union([Type.String(), Type.Null()]),
    respondedAt: Type.Union([Type.String(), Type.Null()]),
    resultCode: Type.Union([Type.String(), Type.Null()]),
    resultMessage: Type.Union([Type.String(), Type.Null()]),
    submitId: Type.Union([Type.String(), Type.Null()]),
    attempts: Type.Array(
      Type.Object({
        attempt: Type.Integer(),
        trigger: Type.String({ description: 'request or auto (not filed by the day after issuance)' }),
        state: Type.String({ description: 'queued, packing, sent, succeeded, failed' }),
        submitId: Type.Union([Type.String(), Type.Null()]),
        receiptId: Type.Union([Type.String(), Type.Null()]),
        resultCode: Type.Union([Type.String(), Type.Null()]),
        resultMessage: Type.Union([Type.String(), Type.Null()]),
        requestedAt: Type.String(),
        sentAt: Type.Union([Type.String(), Type.Null()]),
        settledAt: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  },
  { $id: 'NtsFilingStatus' },
);

export interface NtsRoutesOptions {
  ctx: Ctx;
  /** Absent when this process has no filing pipeline wired (the push endpoint then answers 503). */
  receiver: ReceiverDeps | undefined;
  guard: ApiGuard;
}

export async function ntsRoutes(instance: FastifyInstance, opts: NtsRoutesOptions): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  app.addSchema(FilingRequestResult);
  app.addSchema(FilingStatus);

  app.post(
    '/v1/subscriptions/:subscriptionId/nts-filings',
    {
      schema: {
        tags: ['nts'],
        security: SUBSCRIPTION_SECURITY,
        summary: '국세청 전송 요청 (file issued documents with the NTS)',
        description:
          `Same as legacy \`taxinvoice.aspx cmd=REQNTS\`. At most ${MAX_DOCKEYS_PER_REQUEST} dockeys. Each issued document is queued (ntsState 1), signed ` +
          'with the member\'s certificate, sent (2) and ends succeeded (3) or failed (4) with the NTS result code. A failed filing may be requested again. ' +
          'Needs a valid uploaded certificate (409 certificate_missing). Supports `Idempotency-Key`.',
        params: Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }) }),
        headers: Type.Object({ ...SvcKeyHeader.properties, ...IdempotencyKeyHeader.properties }),
        body: Type.Object({ dockeys: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: MAX_DOCKEYS_PER_REQUEST }) }),
        response: { 202: Type.Ref('NtsFilingRequestResult'), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(ctx, req, opts.guard);
      const { dockeys } = req.body;
      const r = await runIdempotent(ctx, req, `sub:${tenant.subscriptionId}`, async (c) => {
        const answers = await requestFiling(c, tenant, dockeys);
        return {
          status: 202,
          body: {
            results: answers.map((a) => ({
              dockey: a.dockey,
              queued: a.error === undefined,
              ntsState: a.ntsState,
              ...(a.error ? { error: { code: a.error.code, message: composeMessage(a.error), legacyCode: a.error.legacyCode } } : {}),
            })),
          },
        };
      });
      return reply.code(r.status as 202).send(r.body);
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/nts-filings/:dockey',
    {
      schema: {
        tags: ['nts'],
        security: SUBSCRIPTION_SECURITY,
        summary: '국세청 전송 상태 (filing state of a document, with every attempt)',
        params: Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }), dockey: Type.String() }),
        headers: SvcKeyHeader,
        response: { 200: Type.Ref('NtsFilingStatus'), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const tenant = await tenantOf(ctx, req, opts.guard);
      return getFilingStatus(ctx, tenant, req.params.dockey);
    },
  );

  // The NTS result push: SOAP with attachments, so the body is read raw in this plugin's scope only.
  await app.register(async (scope) => {
    for (const type of ['multipart/related', 'text/xml', 'application/soap+xml']) {
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 32 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    }
    scope.post<{ Body: Buffer }>('/nts/results', { schema: { hide: true } as Record<string, unknown>, logLevel: 'warn' }, async (req, reply) => {
      if (!opts.receiver) return reply.code(503).header('content-type', 'text/plain').send('NTS filing is not configured in this process');
      try {
        const answer = await receiveResultsPush(ctx, opts.receiver, req.headers['content-type'], req.body, `${req.protocol}://${req.host}${req.url}`);
        return reply
          .code(answer.status)
          .header('content-type', answer.message.contentType)
          .header('soapaction', `"${answer.message.action}"`)
          .send(answer.message.body);
      } catch (err) {
        const e = toAppError(err);
        req.log.error({ err }, 'nts result push failed');
        return reply.code(500).header('content-type', 'text/plain').send(e.message);
      }
    });
  });
}
