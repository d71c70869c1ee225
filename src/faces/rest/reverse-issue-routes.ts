/**
 * REST: 발행취소 (cancel an issued document before filing) and 역발행 (reverse issuance) — the same use cases as
 * `document.aspx cmd=CANCEL` and `reverse.aspx` (docs/documents.md "발행취소, 역발행, 승인/거부 알림").
 *
 *   POST /v1/subscriptions/{id}/documents/{dockey}/cancel                 supplier: 발행취소 { reason }
 *   POST /v1/subscriptions/{id}/documents/{dockey}/respond                buyer: approve / reject from the purchase ledger
 *   POST /v1/subscriptions/{id}/reverse-requests                          buyer: request (Idempotency-Key, subkey)
 *   GET  /v1/subscriptions/{id}/reverse-requests[/{reqkey}]               buyer: sent requests
 *   POST /v1/subscriptions/{id}/reverse-requests/{reqkey}/withdraw        buyer: withdraw
 *   GET  /v1/subscriptions/{id}/reverse-requests/received[/{reqkey}]      supplier: received requests
 *   POST /v1/subscriptions/{id}/reverse-requests/received/{reqkey}/issue  supplier: issue (an ordinary issued document)
 *   POST /v1/subscriptions/{id}/reverse-requests/received/{reqkey}/refuse supplier: refuse { reason }
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { cancelDocument } from '../../modules/documents/cancel-document.ts';
import { respondAsBuyer } from '../../modules/documents/respond-as-buyer.ts';
import { documentView } from '../../modules/documents/document-views.ts';
import { createReverseRequest } from '../../modules/documents/reverse-create.ts';
import { getReverseRequest, listReverseRequests } from '../../modules/documents/reverse-list.ts';
import { withdrawReverseRequest } from '../../modules/documents/reverse-withdraw.ts';
import { refuseReverseRequest } from '../../modules/documents/reverse-refuse.ts';
import { issueReverseRequest } from '../../modules/documents/reverse-issue.ts';
import { reverseViews } from '../../modules/documents/reverse-requests.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';
import { DocumentIn, DocumentOut, StoredDocument } from './document-schemas.ts';
import { restTenant } from './tenant-auth.ts';

const SubParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }) });
const DocParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }), dockey: Type.String({ pattern: '^[A-Z0-9]{10,40}$' }) });
const ReqParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }), reqkey: Type.String({ pattern: '^RQ[A-Z0-9]{18}$' }) });
const security: Record<string, string[]>[] = [{ svcKey: [] }, { svcKey: [], partnerKey: [] }];
const Reason = Type.String({ minLength: 1, maxLength: 2000, description: '사유, 최대 500자 (the reason, at most 500 characters)' });
const nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

const ReverseRequest = Type.Object(
  {
    reqkey: Type.String({ description: '요청키 (the request\'s public id)' }),
    subkey: nullable('호출자의 키 (your own key)'),
    state: StringEnum(['requested', 'issued', 'refused', 'withdrawn'], { description: 'requested → issued | refused | withdrawn' }),
    supplier: Type.Object({ bizno: Type.String(), name: Type.String(), email: nullable('요청 메일을 받는 주소 (where the request was mailed)') }),
    buyer: Type.Object({ bizno: Type.String(), name: Type.String() }),
    writeDate: Type.String({ description: '작성일자 YYYYMMDD' }),
    amounts: Type.Object({ supply: Type.Integer(), tax: Type.Integer(), total: Type.Integer() }),
    itemSummary: Type.String(),
    reason: nullable('거부 사유 (the supplier\'s reason when refused)'),
    dockey: nullable('발행된 문서의 dockey (the issued document)'),
    issueId: nullable('발행된 문서의 승인번호 (its approval number)'),
    createdAt: Type.String(),
    respondedAt: nullable('발행, 거부 또는 철회 시각 (when it was issued, refused or withdrawn)'),
    document: Type.Optional(StoredDocument),
  },
  { $id: 'ReverseRequest' },
);

const CancelOut = Type.Object({
  document: Type.Ref('Document'),
  cancelledAt: Type.String(),
  cancelReason: Type.String(),
});

export async function reverseIssueRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(DocumentOut); // this plugin's own scope: the documents plugin's copy is not visible here
  app.addSchema(ReverseRequest);
  const tenantOf = (req: FastifyRequest & { params: { subscriptionId: number } }) => restTenant(ctx, req, req.params.subscriptionId, guard);
  const one = async (rows: Parameters<typeof reverseViews>[1]) => (await reverseViews(ctx.db, rows))[0]!;

  app.post(
    '/v1/subscriptions/:subscriptionId/documents/:dockey/cancel',
    {
      schema: {
        tags: ['documents'], security, summary: '발행취소 (cancel an issued document before it is sent to the NTS)',
        description: 'Same as `document.aspx cmd=CANCEL`. The document keeps its approval number, gets `procState` C and is never filed; the buyer is mailed. Sent to the NTS already: 409 `document_already_filed` (issue an amended invoice). Cancelling again answers the same.',
        params: DocParams, body: Type.Object({ reason: Reason }), response: { 200: CancelOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      const row = await cancelDocument(ctx, tenant, req.params.dockey, req.body.reason);
      return { document: documentView(row), cancelledAt: row.cancelled_at!.toISOString(), cancelReason: row.cancel_reason ?? '' };
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/documents/:dockey/respond',
    {
      schema: {
        tags: ['documents'], security, summary: '받은 문서 승인 / 반려 (the buyer approves or rejects a document of its purchase ledger)',
        description: 'The same as "문서보기" approve / reject: once, the supplier is mailed and the event kept.',
        params: DocParams, body: Type.Object({ decision: StringEnum(['approve', 'reject']), reason: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { 200: Type.Ref('Document'), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      return documentView(await respondAsBuyer(ctx, tenant, req.params.dockey, req.body.decision, req.body.reason));
    },
  );

  const tags = ['reverse-issuance'];
  app.post(
    '/v1/subscriptions/:subscriptionId/reverse-requests',
    {
      schema: {
        tags, security, summary: '역발행 요청 (ask a supplier to issue: the buyer writes the document)',
        description: 'Same as `reverse.aspx cmd=REQUEST`. The buyer is you (blank buyer fields come from your profile); the supplier by `document.supplier.bizno` (a member: filled from its profile; else give its name, ceoName and `supplierEmail`). `Idempotency-Key` and `subkey` make retries safe.',
        params: SubParams, headers: IdempotencyKeyHeader,
        body: Type.Object({
          document: DocumentIn,
          supplierEmail: Type.Optional(Type.String({ maxLength: 200, description: '요청 메일을 받을 공급자 주소 (where the request is mailed; default: the supplier contact\'s or member\'s e-mail)' })),
          subkey: Type.Optional(Type.String({ maxLength: 50, description: '호출자의 키: 같은 subkey로 다시 요청하면 처음 요청을 돌려줌 (your own key)' })),
        }),
        response: { 201: Type.Ref('ReverseRequest'), 200: Type.Ref('ReverseRequest'), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const r = await runIdempotent(ctx, req, `sub:${tenant.subscriptionId}`, async (c) => {
        const w = await createReverseRequest(c, tenant, { input: req.body.document, supplierEmail: req.body.supplierEmail, subkey: req.body.subkey });
        return { status: w.created ? 201 : 200, body: (await reverseViews(c.db, [w.request]))[0]! };
      });
      return reply.code(r.status as 201).send(r.body);
    },
  );

  for (const box of ['sent', 'received'] as const) {
    const base = box === 'sent' ? '/v1/subscriptions/:subscriptionId/reverse-requests' : '/v1/subscriptions/:subscriptionId/reverse-requests/received';
    app.get(
      base,
      {
        schema: {
          tags, security, summary: box === 'sent' ? '보낸 역발행 요청 (requests you sent, newest first)' : '받은 역발행 요청 (requests to your business number, newest first)',
          params: SubParams,
          querystring: Type.Object({
            state: Type.Optional(StringEnum(['requested', 'issued', 'refused', 'withdrawn'])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            after: Type.Optional(Type.String({ description: 'reqkey of the last request of the previous page' })),
          }),
          response: { 200: Type.Object({ data: Type.Array(Type.Ref('ReverseRequest')), next: nullable('다음 페이지의 after (after for the next page)') }), ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => {
        const tenant = await tenantOf(req);
        const page = await listReverseRequests(ctx, tenant, box, req.query);
        return { data: page.items, next: page.next };
      },
    );
    app.get(
      `${base}/:reqkey`,
      { schema: { tags, security, summary: box === 'sent' ? '보낸 역발행 요청 하나 (one sent request, with its document)' : '받은 역발행 요청 하나 (one received request, with its document)', params: ReqParams, response: { 200: Type.Ref('ReverseRequest'), ...errors(401, 403, 404) } } },
      async (req) => getReverseRequest(ctx, await tenantOf(req), box, req.params.reqkey),
    );
  }

  app.post(
    '/v1/subscriptions/:subscriptionId/reverse-requests/:reqkey/withdraw',
    { schema: { tags, security, summary: '역발행 요청 철회 (the buyer withdraws a request not answered yet)', params: ReqParams, response: { 200: Type.Ref('ReverseRequest'), ...errors(401, 403, 404, 409) } } },
    async (req) => one([await withdrawReverseRequest(ctx, await tenantOf(req), req.params.reqkey)]),
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/reverse-requests/received/:reqkey/issue',
    {
      schema: {
        tags, security, summary: '역발행 요청 발행 (the supplier issues it: an ordinary issued document of this subscription)',
        description: 'Same as `reverse.aspx cmd=ISSUE`: validated and numbered like any issue, mailed to the buyer. Once: issuing again answers the same document.',
        params: ReqParams, response: { 200: Type.Object({ request: Type.Ref('ReverseRequest'), document: Type.Ref('Document') }), ...errors(401, 403, 404, 409, 429) },
      },
    },
    async (req) => {
      const r = await issueReverseRequest(ctx, await tenantOf(req), req.params.reqkey);
      return { request: await one([r.request]), document: documentView(r.document) };
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/reverse-requests/received/:reqkey/refuse',
    { schema: { tags, security, summary: '역발행 요청 거부 (the supplier refuses it with a reason)', params: ReqParams, body: Type.Object({ reason: Reason }), response: { 200: Type.Ref('ReverseRequest'), ...errors(400, 401, 403, 404, 409) } } },
    async (req) => one([await refuseReverseRequest(ctx, await tenantOf(req), req.params.reqkey, req.body.reason)]),
  );
}
