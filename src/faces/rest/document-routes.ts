/** REST: documents of a subscription — the same use cases as `document.aspx`. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { insertDocument } from '../../modules/documents/insert-document.ts';
import { insertDocumentsBulk, MAX_BULK_DOCUMENTS } from '../../modules/documents/insert-documents-bulk.ts';
import { updateDocument } from '../../modules/documents/update-document.ts';
import { prepareIssue } from '../../modules/documents/document-notice.ts';
import { resendDocument } from '../../modules/documents/resend-document.ts';
import { deleteDraft } from '../../modules/documents/delete-draft.ts';
import { checkFilter, listDocumentsAfter, type DocumentFilter } from '../../modules/documents/list-documents.ts';
import { findVisibleDocument } from '../../modules/documents/document-repo.ts';
import { documentView } from '../../modules/documents/document-views.ts';
import { documentFileName, pdfOf, standardXmlOf } from '../../modules/documents/document-files.ts';
import { AppError } from '../../platform/errors.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';
import { DocumentOut, WriteBody } from './document-schemas.ts';
import { ErrorBody, restErrorObject } from './rest-errors.ts';
import { restTenant } from './tenant-auth.ts';

const SubParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }) });
const DocParams = Type.Object({ subscriptionId: Type.Integer({ minimum: 1 }), dockey: Type.String({ pattern: '^[A-Z0-9]{10,40}$' }) });
const security: Record<string, string[]>[] = [{ svcKey: [] }, { svcKey: [], partnerKey: [] }];
const tags = ['documents'];

export async function documentRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(DocumentOut);
  const tenantOf = (req: FastifyRequest & { params: { subscriptionId: number } }) => restTenant(ctx, req, req.params.subscriptionId, guard);

  app.post(
    '/v1/subscriptions/:subscriptionId/documents',
    {
      schema: {
        tags, security, summary: '문서 작성 / 발행 (write a draft, or issue and mail)', description: 'Same as `document.aspx cmd=INSERT`. `Idempotency-Key` and `subkey` make retries safe.',
        params: SubParams, headers: IdempotencyKeyHeader, body: WriteBody, response: { 201: Type.Ref('Document'), 200: Type.Ref('Document'), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const body = req.body;
      await prepareIssue(ctx, body.issue ?? false); // the notice's message partitions, outside the Idempotency-Key transaction
      const r = await runIdempotent(ctx, req, `sub:${tenant.subscriptionId}`, async (c) => {
        const w = await insertDocument(c, tenant, { input: body.document, issue: body.issue ?? false, subkey: body.subkey });
        return { status: w.created ? 201 : 200, body: documentView(w.document) };
      });
      return reply.code(r.status as 201).send(r.body);
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/documents/bulk',
    {
      schema: {
        tags, security, summary: '대량 작성 / 발행 (up to 100 documents, one answer each)',
        description: 'Every item is validated first; the valid ones are written together in one transaction (multi-row inserts, approval serials reserved for the batch, gap-free). A bad item does not stop the others and gets the same answer, code and field it would get alone (when the batch cannot be written together — a usage limit reached midway, say — its items are written one by one, each with its own answer). Give every item a `subkey` to make retries safe (an item whose subkey exists, or repeats an earlier item of the batch, answers with that document).',
        params: SubParams,
        body: Type.Object({ documents: Type.Array(WriteBody, { minItems: 1, maxItems: MAX_BULK_DOCUMENTS }) }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ index: Type.Integer(), ok: Type.Boolean(), created: Type.Optional(Type.Boolean()), document: Type.Optional(Type.Ref('Document')), error: Type.Optional(ErrorBody.properties.error) })),
            succeeded: Type.Integer(),
            failed: Type.Integer(),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      const items = req.body.documents;
      const results = await insertDocumentsBulk(ctx, tenant, items.map((b) => ({ input: b.document, issue: b.issue ?? false, subkey: b.subkey })));
      const data = results.map((r, index) =>
        r.ok
          ? { index, ok: true, created: r.result.created, document: documentView(r.result.document) }
          : { index, ok: false, error: restErrorObject(r.error, req.id) },
      );
      const succeeded = data.filter((d) => d.ok).length;
      return { data, succeeded, failed: data.length - succeeded };
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/documents',
    {
      schema: {
        tags, security, summary: '문서 목록 (list, newest first, cursor pagination)', description: 'Same filters as `cmd=MULTILIST`.',
        params: SubParams,
        querystring: Type.Object({
          ledger: Type.Optional(StringEnum(['sales', 'purchase'], { default: 'sales' })),
          dateType: Type.Optional(StringEnum(['W', 'S', 'L'])),
          from: Type.Optional(Type.String()), to: Type.Optional(Type.String()),
          subkey: Type.Optional(Type.String()), procState: Type.Optional(Type.String()), readState: Type.Optional(Type.String()), ntsState: Type.Optional(Type.String()),
          dockeys: Type.Optional(Type.String({ description: 'comma-separated' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          startingAfter: Type.Optional(Type.String({ description: 'dockey of the last document of the previous page' })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Document')), hasMore: Type.Boolean() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      const q = req.query;
      const f: DocumentFilter = { ledger: q.ledger === 'purchase' ? 'purchase' : 'sales' };
      if (q.dateType) f.dateType = q.dateType;
      for (const key of ['from', 'to', 'subkey', 'procState', 'readState', 'ntsState'] as const) {
        const value = q[key];
        if (value !== undefined && value !== '') f[key] = value;
      }
      if (q.dockeys) f.dockeys = q.dockeys.split(',').map((s) => s.trim()).filter(Boolean);
      checkFilter(f, { from: 'from', to: 'to', procState: 'procState', readState: 'readState', ntsState: 'ntsState', dockeys: 'dockeys' });
      const r = await listDocumentsAfter(ctx, tenant, f, { limit: q.limit ?? 50, ...(q.startingAfter ? { startingAfter: q.startingAfter } : {}) });
      return { data: r.rows.map((row) => documentView(row)), hasMore: r.hasMore };
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/documents/:dockey',
    { schema: { tags, security, summary: '문서 조회 (one document, with its content)', params: DocParams, response: { 200: Type.Ref('Document'), ...errors(401, 403, 404) } } },
    async (req) => {
      const tenant = await tenantOf(req);
      return documentView(await findVisibleDocument(ctx.db, tenant.subscriptionId, req.params.dockey), true);
    },
  );

  app.put(
    '/v1/subscriptions/:subscriptionId/documents/:dockey',
    {
      schema: {
        tags, security, summary: '문서 수정 (replace: a draft in place; an issued one gets a new dockey)', description: 'Same as `cmd=UPDATE`. Refused (409) once filed with the NTS: issue an amended invoice.',
        params: DocParams, headers: IdempotencyKeyHeader, body: WriteBody, response: { 200: Type.Object({ document: Type.Ref('Document'), replacedDockey: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const body = req.body;
      await prepareIssue(ctx, body.issue ?? false); // the notice's message partitions, outside the Idempotency-Key transaction
      const r = await runIdempotent(ctx, req, `sub:${tenant.subscriptionId}`, async (c) => {
        const w = await updateDocument(c, tenant, req.params.dockey, { input: body.document, issue: body.issue ?? false, subkey: body.subkey });
        return { status: 200, body: { document: documentView(w.document), replacedDockey: w.replaced?.dockey ?? null } };
      });
      return reply.code(r.status as 200).send(r.body);
    },
  );

  app.delete(
    '/v1/subscriptions/:subscriptionId/documents/:dockey',
    { schema: { tags, security, summary: '임시저장 문서 삭제 (delete a draft)', params: DocParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 409) } } },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      await deleteDraft(ctx, tenant, req.params.dockey);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/documents/:dockey/send',
    { schema: { tags, security, summary: '재발송 (re-send the mail unchanged)', description: 'Same as `cmd=SEND`.', params: DocParams, response: { 202: Type.Object({ dockey: Type.String(), queuedAt: Type.String() }), ...errors(401, 403, 404, 409) } } },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const dockey = req.params.dockey;
      const at = await resendDocument(ctx, tenant, dockey);
      return reply.code(202).send({ dockey, queuedAt: at.toISOString() });
    },
  );

  for (const ext of ['pdf', 'xml'] as const) {
    app.get(
      `/v1/subscriptions/:subscriptionId/documents/:dockey/${ext}`,
      { schema: { tags, security, summary: ext === 'pdf' ? 'PDF (전자세금계산서 서식)' : '국세청 표준 XML (unsigned)', params: DocParams, response: { ...errors(401, 403, 404, 409) } } },
      async (req, reply) => {
        const tenant = await tenantOf(req);
        const row = await findVisibleDocument(ctx.db, tenant.subscriptionId, req.params.dockey);
        if (ext === 'xml' && !row.nts_issue_id) throw new AppError('document_state_conflict', '발행 전 문서에는 승인번호가 없어 표준 XML이 없습니다 (issue the document first)', { field: 'dockey' });
        const body = ext === 'pdf' ? await pdfOf(row) : Buffer.from(standardXmlOf(row), 'utf8');
        return reply
          .header('content-type', ext === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${row.dockey}.${ext}"; filename*=UTF-8''${encodeURIComponent(documentFileName(row, ext))}`)
          .send(body);
      },
    );
  }
}
