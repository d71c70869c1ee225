/**
 * "문서보기": the recipient's page behind the link in the mail (`/view/{dockey}?t=…`), with PDF and XML
 * downloads and approve / reject. The token in the link is the capability; forms carry it back.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { composeMessage, invalidError, toAppError } from '../../platform/errors.ts';
import { findByViewLink, openDocumentView, respondToDocument } from '../../modules/documents/recipient-view.ts';
import { documentFileName, documentOf, pdfOf, renderMetaOf, standardXmlOf } from '../../modules/documents/document-files.ts';
import { renderInvoiceHtml } from '../../modules/documents/render/index.ts';
import { escapeHtml } from '../../modules/documents/render/html.ts';
import type { DocumentRow } from '../../modules/documents/document-views.ts';

type Fields = Record<string, unknown>;

/**
 * One text value of a query or form: absent → undefined; a repeated field (an array) or a JSON object or number
 * is the sender's mistake → 400 naming the field, before anything is looked up or changed.
 */
function text(fields: unknown, name: string): string | undefined {
  const v = fields && typeof fields === 'object' ? (fields as Fields)[name] : undefined;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidError(name, '한 번만, 글자로 보내야 합니다 (expected one text value)');
  return v;
}

const PROC_LABEL: Record<string, string> = { S: '발행 (승인 대기)', A: '승인', R: '반려', T: '임시저장', C: '발행취소' };

function page(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width,initial-scale=1"></head><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`);
}

function renderPage(ctx: Ctx, row: DocumentRow, token: string, lang: 'ko' | 'en'): string {
  const base = `/view/${row.dockey}`;
  const t = `t=${encodeURIComponent(token)}`;
  const meta = { ...renderMetaOf(row, lang), states: { proc: PROC_LABEL[row.proc_state] ?? row.proc_state } };
  const readOnlyReason =
    row.doc_state === 'D' ? '이 문서는 공급자가 수정하여 폐기되었습니다 (replaced by the supplier)' :
    row.proc_state === 'C' ? `공급자가 발행취소한 문서입니다: ${row.cancel_reason ?? ''} (cancelled by the supplier before filing)` :
    row.proc_state === 'A' ? `승인한 문서입니다 (approved)` :
    row.proc_state === 'R' ? `반려한 문서입니다: ${row.reject_reason ?? ''} (rejected)` : undefined;
  const links = { approveUrl: `${base}/approve?${t}`, rejectUrl: `${base}/reject?${t}`, pdfUrl: `${base}/pdf?${t}`, xmlUrl: `${base}/xml?${t}` };
  return renderInvoiceHtml(documentOf(row), { ...meta, actions: { ...links, csrfToken: token }, ...(readOnlyReason ? { readOnlyReason } : {}) });
}

/**
 * Only the path is typed: the query and the form are read by `text`, which answers this page's own 400
 * naming the field (a schema would answer with the REST error shape instead of a page).
 */
const DockeyParams = Type.Object({ dockey: Type.String() });

export async function viewRoutes(instance: FastifyInstance, opts: { ctx: Ctx }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  await app.register(import('@fastify/formbody'));
  const fail = (reply: FastifyReply, err: unknown) => {
    const e = toAppError(err);
    if (e.code === 'internal') ctx.log.error({ err }, 'view page failed');
    return page(headers(reply), e.status, e.status === 404 ? '문서를 찾을 수 없습니다' : '처리할 수 없습니다', composeMessage(e));
  };
  const headers = (reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer') // the token is in this page's URL
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");

  app.get('/view/:dockey', { schema: { hide: true, params: DockeyParams } }, async (req, reply) => {
    const { dockey } = req.params;
    try {
      const token = text(req.query, 't') ?? '';
      const row = await openDocumentView(ctx, dockey, token);
      return headers(reply).type('text/html; charset=utf-8').send(renderPage(ctx, row, token, text(req.query, 'lang') === 'en' ? 'en' : 'ko'));
    } catch (err) {
      return fail(reply, err);
    }
  });

  for (const ext of ['pdf', 'xml'] as const) {
    app.get(`/view/:dockey/${ext}`, { schema: { hide: true, params: DockeyParams } }, async (req, reply) => {
      const { dockey } = req.params;
      try {
        const row = await findByViewLink(ctx, dockey, text(req.query, 't') ?? '');
        const body = ext === 'pdf' ? await pdfOf(row) : Buffer.from(standardXmlOf(row), 'utf8');
        return headers(reply)
          .header('content-type', ext === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${row.dockey}.${ext}"; filename*=UTF-8''${encodeURIComponent(documentFileName(row, ext))}`)
          .send(body);
      } catch (err) {
        return fail(reply, err);
      }
    });
  }

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/view/:dockey/${decision}`, { schema: { hide: true, params: DockeyParams } }, async (req, reply) => {
      const { dockey } = req.params;
      let token = '';
      try {
        // every field is read (and refused when not one text) before the decision is taken
        const fromQuery = text(req.query, 't');
        const fromBody = text(req.body, 't');
        const csrf = text(req.body, '_csrf');
        const reason = text(req.body, 'reason');
        token = fromQuery ?? fromBody ?? csrf ?? '';
        await respondToDocument(ctx, dockey, token, decision, reason);
        return reply.code(303).header('location', `/view/${dockey}?t=${encodeURIComponent(token)}`).send();
      } catch (err) {
        return fail(reply, err);
      }
    });
  }
}
