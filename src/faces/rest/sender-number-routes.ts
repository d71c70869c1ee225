/**
 * REST: sender numbers (발신번호 사전등록, docs/messaging.md "Senders").
 *   partner (Access Key):  POST /v1/sender-numbers · GET /v1/sender-numbers · DELETE /v1/sender-numbers/{id}
 *   operator (token):      GET /v1/operator/sender-numbers · GET …/{id}/proof · POST …/{id}/approve · POST …/{id}/reject
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { registerSenderNumber } from '../../modules/messaging/register-sender-number.ts';
import { listSenderNumbers } from '../../modules/messaging/list-sender-numbers.ts';
import { listSenderNumberReviews } from '../../modules/messaging/list-sender-number-reviews.ts';
import { deleteSenderNumber } from '../../modules/messaging/delete-sender-number.ts';
import { reviewSenderNumber } from '../../modules/messaging/review-sender-number.ts';
import { getSenderNumberProof } from '../../modules/messaging/get-sender-number-proof.ts';
import type { SenderNumber } from '../../modules/messaging/sender-number-view.ts';
import { operatorGuard } from './operator-auth.ts';
import { partnerCaller } from './partner-caller.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';

const STATES = ['pending', 'approved', 'rejected'] as const;

const SenderNumberSchema = Type.Object(
  {
    id: Type.Integer(),
    number: Type.String({ description: '발신번호, digits only' }),
    kind: StringEnum(['mobile', 'landline', 'internet', 'representative', 'toll_free'] as const),
    memo: Type.String(),
    state: StringEnum(STATES, { description: 'pending (심사 중) → approved (승인) | rejected (거절)' }),
    proof: Type.Object({ fileName: Type.String(), contentType: Type.String(), sizeBytes: Type.Integer() }),
    reviewComment: Type.String({ description: "the operator's comment (the reason of a rejection)" }),
    reviewedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SenderNumber' },
);
const OperatorSenderNumberSchema = Type.Object(
  { ...SenderNumberSchema.properties, partnerId: Type.Integer() },
  { $id: 'OperatorSenderNumber' },
);

const RegisterBody = Type.Object({
  number: Type.String({ description: '발신번호, digits only: 010…, 02…/031~064…, 070…, 15xx/16xx/18xx (8 digits), 080…', examples: ['0212345678'] }),
  memo: Type.Optional(Type.String({ description: 'a note of the partner, ≤ 100 characters' })),
  proof: Type.Object(
    {
      fileName: Type.String({ description: 'e.g. 통신서비스이용증명원.pdf' }),
      data: Type.String({ description: 'the file, base64: PDF, JPEG or PNG (recognised by its content), ≤ 5 MB' }),
    },
    { description: '증빙 서류 (proof that the number is the partner\'s: 통신서비스 이용증명원 …)' },
  ),
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const partnerSecurity = [{ partnerKey: [] }];
const operatorSecurity = [{ operatorToken: [] }];

function view(s: SenderNumber) {
  return {
    id: s.id,
    number: s.number,
    kind: s.kind,
    memo: s.memo,
    state: s.state,
    proof: s.proof,
    reviewComment: s.reviewComment,
    reviewedAt: s.reviewedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

export async function senderNumberRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(SenderNumberSchema);
  app.addSchema(OperatorSenderNumberSchema);
  const tags = ['messaging: senders'];

  app.post(
    '/v1/sender-numbers',
    {
      schema: {
        tags, security: partnerSecurity, summary: '발신번호 등록 (register a sender number with a proof document; pending until the operator approves)',
        headers: IdempotencyKeyHeader, body: RegisterBody, response: { 201: Type.Ref('SenderNumber'), ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 201, body: view(await registerSenderNumber(c, p.partnerId, req.body)) }));
      return reply.code(r.status as 201).send(r.body);
    },
  );
  app.get(
    '/v1/sender-numbers',
    {
      schema: {
        tags, security: partnerSecurity, summary: '발신번호 목록 (this partner\'s registrations, newest first; deleted ones are not listed)',
        querystring: Type.Object({ state: Type.Optional(StringEnum(STATES)) }), response: { 200: Type.Object({ data: Type.Array(Type.Ref('SenderNumber')) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return { data: (await listSenderNumbers(ctx, p.partnerId, { state: req.query.state })).map(view) };
    },
  );
  app.delete(
    '/v1/sender-numbers/:id',
    { schema: { tags, security: partnerSecurity, summary: '발신번호 삭제 (kept for the messages sent from it; the number can be registered again)', params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      await deleteSenderNumber(ctx, { partnerId: p.partnerId, id: req.params.id });
      return reply.code(204).send(null);
    },
  );

  // operator: the review
  const onRequest = operatorGuard(opts.operatorToken);
  const otags = ['messaging: senders (operator)'];
  app.get(
    '/v1/operator/sender-numbers',
    {
      onRequest,
      schema: {
        tags: otags, security: operatorSecurity, summary: '발신번호 심사 목록 (every partner\'s registrations, oldest first)',
        querystring: Type.Object({ state: Type.Optional(StringEnum(STATES)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('OperatorSenderNumber')) }), ...errors(400, 401) },
      },
    },
    async (req) => ({ data: (await listSenderNumberReviews(ctx, { state: req.query.state, limit: req.query.limit })).map((s) => ({ ...view(s), partnerId: s.partnerId })) }),
  );
  app.get(
    '/v1/operator/sender-numbers/:id/proof',
    { onRequest, schema: { tags: otags, security: operatorSecurity, summary: '증빙 서류 (the proof document as uploaded)', params: IdParams, response: { ...errors(401, 404) } } },
    async (req, reply) => {
      const proof = await getSenderNumberProof(ctx, req.params.id);
      const ascii = proof.fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
      return reply
        .type(proof.contentType)
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(proof.fileName)}`)
        .header('x-content-type-options', 'nosniff')
        .send(proof.content);
    },
  );
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/v1/operator/sender-numbers/:id/${decision}`,
      {
        onRequest,
        schema: {
          tags: otags, security: operatorSecurity,
          summary: decision === 'approve' ? '발신번호 승인 (approve: the number becomes usable for its partner)' : '발신번호 거절 (reject, with the reason in comment)',
          headers: IdempotencyKeyHeader, params: IdParams,
          body: Type.Optional(Type.Object({ comment: decision === 'reject' ? Type.String({ description: 'the reason, ≤ 500 characters' }) : Type.Optional(Type.String()) })),
          response: { 200: Type.Ref('OperatorSenderNumber'), ...errors(400, 401, 404, 409) },
        },
      },
      async (req) => {
        const r = await runIdempotent(ctx, req, 'operator', async (c) => {
          const s = await reviewSenderNumber(c, { id: req.params.id, decision, input: req.body ?? {} });
          return { status: 200, body: { ...view(s), partnerId: s.partnerId } };
        });
        return r.body;
      },
    );
  }
}
