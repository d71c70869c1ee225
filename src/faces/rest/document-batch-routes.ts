/**
 * REST: document batches of a subscription (issue 14 item 3) — up to 10,000 documents stored at once and issued in
 * the background, each item answered as `POST …/documents/bulk` would answer it. A thin face over
 * src/modules/document-batches; the same authentication as the documents routes (X-Svc-Key, partner key).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { acceptDocumentBatch, MAX_BATCH_DOCUMENTS } from '../../modules/document-batches/accept-document-batch.ts';
import { DEFAULT_BATCH_PAGE, DEFAULT_ITEM_PAGE, getDocumentBatch, listDocumentBatches, MAX_BATCH_PAGE, MAX_ITEM_PAGE } from '../../modules/document-batches/read-document-batches.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';
import { WriteBody } from './document-schemas.ts';
import { restTenant } from './tenant-auth.ts';

/**
 * Room for 10,000 documents of up to ~4.8 KB of JSON each: a realistic two-line invoice with every contact filled
 * is 1.1 KB (10.9 MB for 10,000, bench/document-batch.bench.ts prints it), one with 16 lines 3.3 KB (33 MB).
 * Only this route: every other keeps HANBILL_BODY_LIMIT.
 */
export const BATCH_BODY_LIMIT = 48 * 1024 * 1024;

const SubParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }) });
const BatchParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }), batchId: Type.Integer({ minimum: 1, description: '대량 발행 요청 id (batch id)' }) });
const security: Record<string, string[]>[] = [{ svcKey: [] }, { svcKey: [], partnerKey: [] }];
const tags = ['document-batches'];

const summaryProperties = {
  id: Type.Integer({ description: '대량 발행 요청 id (batch id)' }),
  state: StringEnum(['accepted', 'processing', 'completed'], { description: 'accepted 접수, processing 처리 중, completed 완료 (every item issued or failed)' }),
  total: Type.Integer({ description: '항목 수 (items)' }),
  issued: Type.Integer({ description: '발행(작성)된 항목: 새 문서, 또는 subkey가 가리키는 기존 문서 (items answered with a document: new, or the one their subkey names)' }),
  failed: Type.Integer({ description: '오류 항목 (items refused with an error)' }),
  pending: Type.Integer({ description: '대기 항목 (items not handled yet)' }),
  createdAt: Type.String({ description: '접수 시각, KST ISO 8601 (accepted at)' }),
  completedAt: Type.Union([Type.String(), Type.Null()], { description: '완료 시각, KST ISO 8601 (completed at)' }),
};
const Item = Type.Object({
  index: Type.Integer({ description: '요청 내 순번, 0부터 (position in the request, from 0)' }),
  subkey: Type.String({ description: '항목의 subkey: 호출자의 것, 없으면 batch:<id>:<index> (the item\'s subkey: yours, or batch:<id>:<index>)' }),
  state: StringEnum(['pending', 'issued', 'failed']),
  dockey: Type.Union([Type.String(), Type.Null()], { description: '문서키 (document key)' }),
  issueId: Type.Union([Type.String(), Type.Null()], { description: '국세청 승인번호; 임시저장(issue false)은 null (NTS approval number; null for a draft)' }),
  created: Type.Union([Type.Boolean(), Type.Null()], { description: 'issued: 새 문서(true) 또는 subkey의 기존 문서(false) (a new document, or the existing one of the subkey)' }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), field: Type.Union([Type.String(), Type.Null()]) }), Type.Null()], {
    description: '오류: POST …/documents/bulk가 이 항목에 답할 코드, 메시지, 필드 (the code, message and field the bulk route answers for the item)',
  }),
});
const Batch = Type.Object({
  ...summaryProperties,
  items: Type.Array(Item, { description: '항목, 순번 순서 (items in index order, paged)' }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  hasMore: Type.Boolean(),
});
const BatchList = Type.Object({ data: Type.Array(Type.Object(summaryProperties)), nextCursor: Type.Union([Type.String(), Type.Null()]), hasMore: Type.Boolean() });

export async function documentBatchRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  const tenantOf = (req: FastifyRequest & { params: { subscriptionId: number } }) => restTenant(ctx, req, req.params.subscriptionId, guard);

  app.post(
    '/v1/subscriptions/:subscriptionId/document-batches',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags, security,
        summary: '대량 발행 요청 (a batch of 1–10,000 documents: stored at once, answered 202, issued in the background)',
        description:
          'The batch and its items are stored durably in one transaction and answered `202` at once; each item is then validated and written in the background, ≤ 100 per transaction, exactly as `POST …/documents/bulk` would answer it (same code and field for an invalid one; usage limits and mail as there). Every item is idempotent by its `subkey` (one is derived, `batch:<id>:<index>`, when absent): an item whose subkey names a document answers that document and issues nothing. `Idempotency-Key` answers a repeated post with the same batch. Progress: `GET …/document-batches/{batchId}` and the `document_batch.*` events.',
        params: SubParams,
        headers: IdempotencyKeyHeader,
        body: Type.Object({ documents: Type.Array(WriteBody, { minItems: 1, maxItems: MAX_BATCH_DOCUMENTS }) }),
        response: { 202: Batch, ...errors(400, 401, 403, 404, 409, 413) },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const r = await runIdempotent(ctx, req, `sub:${tenant.subscriptionId}`, async (c) => {
        // the answer read in the storing transaction: before the worker, woken by its commit, takes the database
        const body = await inTransaction(c.db, async (tx) => {
          const t = withDb(c, tx);
          return getDocumentBatch(t, tenant, await acceptDocumentBatch(t, tenant, req.body.documents));
        });
        return { status: 202, body };
      });
      return reply.code(202).send(r.body);
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/document-batches/:batchId',
    {
      schema: {
        tags, security, summary: '대량 발행 진행 상황과 항목별 결과 (progress and per-item results, items paged in index order)',
        params: BatchParams,
        querystring: Type.Object({ cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ITEM_PAGE, default: DEFAULT_ITEM_PAGE })) }),
        response: { 200: Batch, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => getDocumentBatch(ctx, await tenantOf(req), req.params.batchId, { cursor: req.query.cursor, limit: req.query.limit }),
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/document-batches',
    {
      schema: {
        tags, security, summary: '대량 발행 요청 목록 (the subscription\'s batches, newest first, without items)',
        params: SubParams,
        querystring: Type.Object({ cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BATCH_PAGE, default: DEFAULT_BATCH_PAGE })) }),
        response: { 200: BatchList, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => listDocumentBatches(ctx, await tenantOf(req), { cursor: req.query.cursor, limit: req.query.limit }),
  );
}
