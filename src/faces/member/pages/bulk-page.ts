/**
 * 대량발행 (/member/bulk): download the .xlsx template, upload a filled one, see the preview with every row's
 * errors ("3행 공급가액: …"), then issue the valid rows — a background job per upload; the preview page polls
 * /member/bulk/:uploadId/progress (JSON) and shows the progress. Row keys make a re-upload issue nothing twice.
 * The decisions are the bulk-issue module's (preview-bulk-upload.ts, start-bulk-issue.ts, bulk-issue-job.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, toAppError } from '../../../platform/errors.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { buildBulkTemplate, TEMPLATE_FILE_NAME } from '../../../modules/bulk-issue/xlsx-template.ts';
import { previewBulkUpload } from '../../../modules/bulk-issue/preview-bulk-upload.ts';
import { startBulkIssue } from '../../../modules/bulk-issue/start-bulk-issue.ts';
import { getBulkUpload, listBulkUploads, rowErrorText, type BulkUploadView } from '../../../modules/bulk-issue/bulk-upload-view.ts';
import { LINES_PER_ROW, MAX_BULK_ROWS } from '../../../modules/bulk-issue/xlsx-columns.ts';
import { html, raw, won, type T } from '../../html.ts';
import { csrfField, fieldError, type MemberPage } from '../member-kit.ts';
import { requireMember } from '../member-http.ts';
import { uploadRoute } from '../bulk-multipart.ts';
import { BULK_JS } from '../bulk-assets.ts';

const ROW_STATE: Record<string, (t: T) => string> = {
  invalid: (t) => t('오류', 'error'),
  valid: (t) => t('발행 대기', 'to issue'),
  issued: (t) => t('발행됨', 'issued'),
  existing: (t) => t('이미 발행됨', 'already issued'),
  failed: (t) => t('발행 실패', 'failed'),
};

const UPLOAD_STATE: Record<string, (t: T) => string> = {
  previewed: (t) => t('미리보기', 'preview'),
  issuing: (t) => t('발행 중', 'issuing'),
  done: (t) => t('완료', 'done'),
};

function uploadIdOf(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('bulk_upload_not_found', '대량발행 업로드가 없습니다 (no such bulk upload)', { field: 'uploadId' });
  return id;
}

function progressBlock(t: T, u: BulkUploadView) {
  return html`<div id="bulk-progress" data-upload="${u.uploadId}" data-state="${u.state}">
<progress id="bulk-progress-bar" max="100" value="${u.percent}">${u.percent}%</progress> <span id="bulk-percent">${u.percent}</span>%
<span id="bulk-state" class="badge">${UPLOAD_STATE[u.state]!(t)}</span>
<span class="muted">${t('발행', 'issued')} <b id="bulk-issued">${u.rows.issued}</b> · ${t('이미 발행', 'already issued')} <b id="bulk-existing">${u.rows.existing}</b> · ${t('실패', 'failed')} <b id="bulk-failed">${u.rows.failed}</b> · ${t('대기', 'pending')} <b id="bulk-pending">${u.rows.pending}</b></span>
</div>`;
}

export const bulkPage: MemberPage = {
  path: '/member/bulk',
  title: (t) => t('대량발행', 'Bulk issue'),
  menu: { order: 40, label: (t) => t('대량발행', 'Bulk issue') },
  async render(ctx, v) {
    const { t, call } = v;
    const uploads = await listBulkUploads(ctx, call.tenant);
    return html`<h1>${t('대량발행 (엑셀)', 'Bulk issue (Excel)')}</h1>
<ol>
<li>${t('양식을 내려받아 한 행에 문서 하나씩 적습니다', 'Download the template; one document per row')}
 (${t(`품목은 행마다 ${LINES_PER_ROW}개까지, 한 번에 ${MAX_BULK_ROWS}행까지`, `up to ${LINES_PER_ROW} lines per row, ${MAX_BULK_ROWS} rows per upload`)}):
 <a id="bulk-template" class="button secondary" href="/member/bulk/template.xlsx">${t('양식 내려받기 (.xlsx)', 'Download the template (.xlsx)')}</a></li>
<li>${t('채운 파일을 올리면 행마다 검사한 결과를 보여 줍니다. 아직 발행하지 않습니다.', 'Upload it: every row is checked and shown. Nothing is issued yet.')}</li>
<li>${t('미리보기에서 [발행]을 누르면 오류 없는 행만 발행하고 메일을 보냅니다. 같은 행키는 두 번 발행되지 않습니다.', 'In the preview, Issue issues and mails the rows without errors. A row key is never issued twice.')}</li>
</ol>
<form class="stack" method="post" action="/member/bulk" enctype="multipart/form-data">${csrfField(call.csrfToken)}
<div class="field"><label for="file" class="req">${t('엑셀 파일 (.xlsx)', 'Excel file (.xlsx)')}</label><input id="file" name="file" type="file" accept=".xlsx" required>${fieldError(v, 'file')}</div>
<p><button type="submit">${t('올리고 미리보기', 'Upload and preview')}</button></p></form>
<h2>${t('최근 업로드', 'Recent uploads')}</h2>
<table id="bulk-uploads"><thead><tr><th>#</th><th>${t('파일', 'File')}</th><th>${t('올린 시각', 'Uploaded')}</th><th>${t('상태', 'State')}</th><th class="num">${t('행', 'Rows')}</th><th class="num">${t('오류', 'Errors')}</th><th class="num">${t('발행', 'Issued')}</th></tr></thead><tbody>
${uploads.length === 0 ? html`<tr><td colspan="7" class="muted">${t('아직 없습니다.', 'None yet.')}</td></tr>` : ''}
${uploads.map((u) => html`<tr><td><a href="/member/bulk/${u.uploadId}">${u.uploadId}</a></td><td>${u.fileName}</td><td>${kstDateTime(new Date(u.createdAt))}</td><td>${UPLOAD_STATE[u.state]!(t)}</td><td class="num">${u.rows.total}</td><td class="num">${u.rows.invalid}</td><td class="num">${u.rows.issued}</td></tr>`)}
</tbody></table>`;
  },
  routes(app: FastifyInstance, ctx: Ctx) {
    // the preview polls its progress JSON with fetch: the member web's CSP (default-src 'none') gets connect-src 'self' there
    app.addHook('onSend', async (req, reply, payload) => {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string' && /^\/member\/bulk\/\d+(\?|$)/.test(req.url) && !csp.includes('connect-src')) {
        reply.header('content-security-policy', `${csp}; connect-src 'self'`);
      }
      return payload;
    });
    app.get('/member/assets/bulk.js', { schema: { hide: true } }, (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(BULK_JS),
    );
    app.get('/member/bulk/template.xlsx', { schema: { hide: true } }, async (req, reply) => {
      try {
        await requireMember(ctx, req);
      } catch {
        return reply.code(303).header('location', '/member').send();
      }
      const data = await buildBulkTemplate(ctx);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${TEMPLATE_FILE_NAME}"`)
        .header('cache-control', 'no-store')
        .send(data);
    });
    app.get('/member/bulk/:uploadId/progress', { schema: { hide: true } }, async (req, reply) => {
      try {
        const call = await requireMember(ctx, req);
        const u = await getBulkUpload(ctx, call.tenant, uploadIdOf((req.params as { uploadId?: string }).uploadId));
        return reply.header('cache-control', 'no-store').send(u);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        return reply.code(e.status).send({ error: { code: e.code, message: e.message, field: e.field } });
      }
    });
    uploadRoute(app, ctx, '/member/bulk', bulkPage, async (call, form) => {
      const file = form.files['file'];
      if (!file) throw new AppError('field_required', '엑셀 파일을 고르세요 (choose the .xlsx file)', { field: 'file' });
      const u = await previewBulkUpload(ctx, call.tenant, file);
      return `/member/bulk/${u.uploadId}`;
    });
  },
};

/** /member/bulk/:uploadId — the preview, the 발행 button, the progress. */
export const bulkUploadPage: MemberPage = {
  path: '/member/bulk/:uploadId',
  title: (t) => t('대량발행 미리보기', 'Bulk issue preview'),
  done: {
    bulk_started: (t) => t('발행을 시작했습니다. 이 페이지에서 진행 상황을 볼 수 있습니다.', 'Issuing started: the progress shows here.'),
  },
  async render(ctx, v) {
    const { t, call } = v;
    const u = await getBulkUpload(ctx, call.tenant, uploadIdOf(v.params['uploadId']), { rows: true });
    const rows = u.rowList ?? [];
    const workable = u.rows.valid - u.rows.existing;
    return html`<h1>${t('대량발행 미리보기', 'Bulk issue preview')} · ${u.fileName}</h1>
<p id="bulk-summary">${t(`${u.rows.total}행 중 ${u.rows.valid}행 정상, ${u.rows.invalid}행 오류`, `${u.rows.total} rows: ${u.rows.valid} valid, ${u.rows.invalid} with errors`)}${u.rows.existing ? t(` (이미 발행된 ${u.rows.existing}행은 다시 발행하지 않습니다)`, ` (${u.rows.existing} already issued: not issued again)`) : ''}</p>
${u.rows.invalid
  ? html`<div class="alert" role="alert" id="bulk-errors"><p>${t('오류가 있는 행은 발행하지 않습니다. 고쳐서 다시 올리세요.', 'Rows with errors are not issued: fix them and upload again.')}</p><ul>
${rows.filter((r) => r.state === 'invalid').flatMap((r) => r.errors.map((e) => html`<li>${rowErrorText(r.rowNo, e)}</li>`))}</ul></div>`
  : ''}
${u.state === 'previewed'
  ? html`<form method="post" action="/member/bulk/${u.uploadId}/issue">${csrfField(call.csrfToken)}
<button type="submit" id="bulk-issue"${workable > 0 ? raw('') : raw(' disabled')}>${t(`정상 ${workable}행 발행하기`, `Issue the ${workable} valid rows`)}</button>
<a href="/member/bulk" class="button secondary">${t('다시 올리기', 'Upload again')}</a></form>`
  : progressBlock(t, u)}
<table id="bulk-rows"><thead><tr><th>${t('행', 'Row')}</th><th>${t('상태', 'State')}</th><th>${t('공급받는자', 'Buyer')}</th><th class="num">${t('합계금액', 'Total')}</th><th>${t('오류 / 문서', 'Errors / document')}</th></tr></thead><tbody>
${rows.map((r) => html`<tr data-row="${r.rowNo}" class="state-${r.state}"><td>${r.rowNo}</td><td><span class="badge">${ROW_STATE[r.state]!(t)}</span></td><td>${r.buyerName}</td><td class="num">${r.total === null ? '' : won(r.total)}</td>
<td>${r.errors.map((e) => html`<div class="field-error">${rowErrorText(r.rowNo, e)}</div>`)}${r.dockey ? html`<a href="/member/documents/${r.dockey}">${r.dockey}</a>` : ''}</td></tr>`)}
</tbody></table>
<script src="/member/assets/bulk.js" defer></script>`;
  },
  actions: [
    {
      path: '/member/bulk/:uploadId/issue',
      run: async (ctx, call, _form, _req, _reply, params) => {
        const u = await startBulkIssue(ctx, call.tenant, uploadIdOf(params['uploadId']));
        return `/member/bulk/${u.uploadId}?done=bulk_started`;
      },
    },
  ],
};
