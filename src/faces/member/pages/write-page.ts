/**
 * 문서 작성 (/member/documents/new): a form laid out like the standard 세금계산서 — 공급자 from the member,
 * 공급받는자 with the counterparty book (pick, save, search), lines with live totals and 10 % VAT help, 영수/청구,
 * payment means — saved as a draft or issued and mailed through the same `insertDocument` as the API, with the
 * API's validation: inputs are named by the document paths so each error shows beside its field. A form token
 * (hidden, new per render) is the document's subkey: a double submit writes once. `?amend=<dockey>&reason=<code>`
 * prefills a 수정세금계산서 from an issued original; `?draft=<dockey>` opens a saved draft again, and saving or issuing
 * it changes that draft (write-draft.ts) (docs/member-web.md "Write, certificate, 대량발행").
 */
import type { FastifyInstance } from 'fastify';
import { randomToken } from '../../../platform/tokens.ts';
import { kstDate } from '../../../platform/clock.ts';
import { insertDocument } from '../../../modules/documents/insert-document.ts';
import { updateDocument } from '../../../modules/documents/update-document.ts';
import { memberProfile } from '../../../modules/documents/prepare-document.ts';
import { listCounterparties, saveCounterparty } from '../../../modules/documents/counterparties.ts';
import { AMENDMENT_REASON_LABELS, AMENDMENT_REASON_CODES, PAYMENT_MEANS, PAYMENT_MEAN_LABELS, DOCUMENT_LIMITS, type DocumentInput } from '../../../modules/documents/model.ts';
import { html, raw, won, type Raw, type T } from '../../html.ts';
import { csrfField, fieldError, str, type Form, type MemberPage, type MemberView } from '../member-kit.ts';
import { documentInputOfForm, screenField } from '../write-form.ts';
import { toAppError } from '../../../platform/errors.ts';
import { WRITE_JS } from '../write-assets.ts';
import { amendmentFormOf, AMENDMENT_PLAIN_WORDS } from '../write-amend.ts';
import { draftFormOf } from '../write-draft.ts';

const SHOWN_LINES = 4;

/** A compact input named by its document path, with its error under it. */
function cell(v: Pick<MemberView, 'form' | 'errors'>, name: string, label: string, opts: { value?: string; size?: number; readonly?: boolean; type?: string; inputmode?: string; cls?: string } = {}): Raw {
  const err = v.errors[name];
  const value = name in v.form ? str(v.form, name) : (opts.value ?? '');
  return html`<input id="${name}" name="${name}" type="${opts.type ?? 'text'}" value="${value}" aria-label="${label}"${opts.size ? raw(` size="${opts.size}"`) : ''}${opts.readonly ? raw(' readonly') : ''}${opts.inputmode ? raw(` inputmode="${opts.inputmode}"`) : ''}${opts.cls ? raw(` class="${opts.cls}"`) : ''}${err ? raw(` aria-invalid="true" aria-describedby="${name}-error"`) : ''}>${fieldError(v, name)}`;
}

function select(v: Pick<MemberView, 'form' | 'errors'>, name: string, label: string, options: [string, string][], def: string): Raw {
  const cur = name in v.form ? str(v.form, name) : def;
  return html`<select id="${name}" name="${name}" aria-label="${label}">${options.map(([val, text]) => html`<option value="${val}"${val === cur ? raw(' selected') : ''}>${text}</option>`)}</select>${fieldError(v, name)}`;
}

function lineRows(v: MemberView, t: T, count: number): Raw {
  return html`${Array.from({ length: count }, (_, i) => {
    const n = (f: string) => `lines[${i}].${f}`;
    return html`<tr class="line"><td class="line-no">${i + 1}</td>
<td>${cell(v, n('day'), t(`품목${i + 1} 일`, `line ${i + 1} day`), { size: 2, inputmode: 'numeric' })}</td>
<td>${cell(v, n('name'), t(`품목${i + 1} 품목`, `line ${i + 1} item`), { size: 18 })}</td>
<td>${cell(v, n('spec'), t(`품목${i + 1} 규격`, `line ${i + 1} spec`), { size: 6 })}</td>
<td>${cell(v, n('quantity'), t(`품목${i + 1} 수량`, `line ${i + 1} quantity`), { size: 5, inputmode: 'decimal', cls: 'num' })}</td>
<td>${cell(v, n('unitPrice'), t(`품목${i + 1} 단가`, `line ${i + 1} unit price`), { size: 9, inputmode: 'decimal', cls: 'num' })}</td>
<td>${cell(v, n('supply'), t(`품목${i + 1} 공급가액`, `line ${i + 1} supply`), { size: 11, inputmode: 'numeric', cls: 'num' })}</td>
<td>${cell(v, n('tax'), t(`품목${i + 1} 세액`, `line ${i + 1} VAT`), { size: 9, inputmode: 'numeric', cls: 'num' })}</td>
<td>${cell(v, n('remark'), t(`품목${i + 1} 비고`, `line ${i + 1} remark`), { size: 8 })}</td></tr>`;
  })}`;
}

function filledLines(form: Form): number {
  let max = -1;
  for (const k of Object.keys(form)) {
    const m = /^lines\[(\d+)\]\./.exec(k);
    if (m && str(form, k).trim() !== '') max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

const WRITE_CSS = `
#write-form table.std{border:2px solid #c33;margin:.4em 0}
#write-form table.std th{background:#fdf1f1;color:#8a1c11}
#write-form table.std.buyer{border-color:#1249b5}
#write-form table.std.buyer th{background:#eef3fd;color:#0d3a8f}
#write-form .parties{display:grid;grid-template-columns:1fr 1fr;gap:.8em}
#write-form input.num{text-align:right}
#write-form .totals td{font-weight:700;text-align:right}
@media (max-width:900px){#write-form .parties{grid-template-columns:1fr}}
`;

export const writePage: MemberPage = {
  path: '/member/documents/new',
  title: (t, v) => (v.query['amend'] ? t('수정세금계산서 작성', 'Write an amended invoice') : v.query['draft'] ? t('임시저장 문서 수정', 'Edit a draft') : t('문서 작성', 'Write a document')),
  menu: { order: 30, label: (t) => t('문서 작성', 'Write') },
  done: {
    drafted: (t) => t('임시저장했습니다.', 'Saved as a draft.'),
    issued: (t) => t('발행했습니다. 공급받는자에게 메일을 보냅니다.', 'Issued: the buyer is being mailed.'),
  },
  async render(ctx, v) {
    const { t, call } = v;
    const profile = await memberProfile(ctx, call.tenant.memberId);
    const q = (k: string) => (typeof v.query[k] === 'string' ? (v.query[k] as string) : '');
    // an amended invoice: the original's fields, once (a refused submit keeps what was sent)
    let prefill: Form = {};
    let amendNote: Raw = raw('');
    if (q('draft') && Object.keys(v.form).length === 0) {
      prefill = await draftFormOf(ctx, call.tenant, q('draft'));
      amendNote = html`<p class="ok" role="status">${t('임시저장한 문서를 이어서 씁니다. 저장하면 이 문서가 바뀝니다.', 'Editing a saved draft: saving changes this document.')}</p>`;
    } else if (q('amend') && Object.keys(v.form).length === 0) {
      const a = await amendmentFormOf(ctx, call.tenant, q('amend'), q('reason'));
      prefill = a.form;
      amendNote = html`<p class="ok" role="status">${t(`당초 승인번호 ${a.originalIssueId}의 수정세금계산서입니다. 수정사유: ${a.reasonLabel}.`, `Amending approval number ${a.originalIssueId}. Reason: ${a.reasonLabel}.`)}</p>`;
    }
    const fv: MemberView = { ...v, form: { ...prefill, ...v.form } };
    const cpQuery = q('cpq');
    const book = await listCounterparties(ctx, call.tenant, cpQuery, 'cpq');
    const count = Math.min(DOCUMENT_LIMITS.maxLines, Math.max(SHOWN_LINES, filledLines(fv.form), Number(q('lines')) || 0));
    const today = kstDate(ctx.clock.now());
    const isoToday = `${today.slice(0, 4)}-${today.slice(4, 6)}-${today.slice(6, 8)}`;
    const formToken = str(fv.form, 'formToken') || randomToken(18);
    const amending = str(fv.form, 'amendment.originalIssueId') !== '';
    const draft = str(fv.form, 'draft');
    const lineSum = (k: 'supply' | 'tax') => Array.from({ length: count }, (_, i) => Number(str(fv.form, `lines[${i}].${k}`).replace(/,/g, '')) || 0).reduce((a, b) => a + b, 0);
    const supply = lineSum('supply');
    const tax = lineSum('tax');
    return html`<style>${raw(WRITE_CSS)}</style>
<h1>${amending ? t('수정세금계산서 작성', 'Write an amended invoice') : draft ? t('임시저장 문서 수정', 'Edit a draft') : t('문서 작성', 'Write a document')}</h1>
${amendNote}
<form id="write-form" method="post" action="/member/documents/new">${csrfField(call.csrfToken)}
<input type="hidden" name="formToken" value="${formToken}">
${draft ? html`<input type="hidden" name="draft" value="${draft}">${fieldError(fv, 'draft')}` : ''}
${amending
  ? html`<input type="hidden" name="amendment.originalIssueId" value="${str(fv.form, 'amendment.originalIssueId')}">
<div class="row"><label for="amendment.reasonCode">${t('수정사유', 'Reason')}</label>${select(fv, 'amendment.reasonCode', t('수정사유', 'Reason'), AMENDMENT_REASON_CODES.map((c) => [c, `${AMENDMENT_PLAIN_WORDS[c](t)} (${AMENDMENT_REASON_LABELS[c]})`]), '01')}</div>`
  : ''}
<div class="row">
<label>${t('종류', 'Kind')} ${select(fv, 'kind', t('종류', 'Kind'), [['tax_invoice', t('세금계산서', 'Tax invoice')], ['invoice', t('계산서 (면세)', 'Invoice (VAT-exempt)')]], 'tax_invoice')}</label>
<label>${t('과세형태', 'Tax type')} ${select(fv, 'taxType', t('과세형태', 'Tax type'), [['regular', t('일반 (10%)', 'Regular (10 %)')], ['zero_rated', t('영세율 (0%)', 'Zero-rated')]], 'regular')}</label>
<label>${t('작성일자', 'Write date')} ${cell(fv, 'writeDate', t('작성일자', 'Write date'), { type: 'date', value: isoToday })}</label>
<span>${t('이 금액을', 'This amount is')}
<label><input type="radio" name="purpose" value="receipt"${str(fv.form, 'purpose') === 'receipt' ? raw(' checked') : ''}> ${t('영수', 'received (영수)')}</label>
<label><input type="radio" name="purpose" value="claim"${str(fv.form, 'purpose') !== 'receipt' ? raw(' checked') : ''}> ${t('청구', 'claimed (청구)')}</label>
${t('함', '')}${fieldError(fv, 'purpose')}</span>
</div>
<div class="parties">
<table class="std supplier"><caption>${t('공급자', 'Supplier')}</caption><tbody>
<tr><th>${t('등록번호', 'Business no.')}</th><td>${cell(fv, 'supplier.bizno', t('공급자 등록번호', 'Supplier business no.'), { value: profile.bizno, readonly: true, size: 12 })}</td>
<th>${t('종사업장', 'Branch')}</th><td>${cell(fv, 'supplier.subBizno', t('공급자 종사업장번호', 'Supplier branch'), { value: profile.subBizno ?? '', size: 4 })}</td></tr>
<tr><th>${t('상호', 'Name')}</th><td>${cell(fv, 'supplier.name', t('공급자 상호', 'Supplier name'), { value: profile.name })}</td>
<th>${t('성명', 'CEO')}</th><td>${cell(fv, 'supplier.ceoName', t('공급자 대표자', 'Supplier CEO'), { value: profile.ceoName, size: 8 })}</td></tr>
<tr><th>${t('주소', 'Address')}</th><td colspan="3">${cell(fv, 'supplier.address', t('공급자 주소', 'Supplier address'), { value: profile.address ?? '', size: 40 })}</td></tr>
<tr><th>${t('업태', 'Type')}</th><td>${cell(fv, 'supplier.businessType', t('공급자 업태', 'Supplier business type'), { value: profile.businessType ?? '' })}</td>
<th>${t('종목', 'Item')}</th><td>${cell(fv, 'supplier.businessItem', t('공급자 종목', 'Supplier business item'), { value: profile.businessItem ?? '', size: 10 })}</td></tr>
<tr><th>${t('이메일', 'E-mail')}</th><td colspan="3">${cell(fv, 'supplier.contact.email', t('공급자 이메일', 'Supplier e-mail'), { value: profile.contact?.email ?? '', size: 30 })}</td></tr>
</tbody></table>
<table class="std buyer"><caption>${t('공급받는자', 'Buyer')}</caption><tbody>
<tr><td colspan="4"><label for="cp-pick">${t('거래처에서 선택', 'Pick from the counterparty book')}</label>
<input id="cp-filter" type="search" size="10" placeholder="${t('검색', 'search')}" aria-label="${t('거래처 검색', 'Search counterparties')}">
<select id="cp-pick"><option value="">${t(`— ${book.length}곳 —`, `— ${book.length} saved —`)}</option>${book.map((c) => html`<option value="${c.counterpartyId}" data-buyer="${JSON.stringify(c.buyer)}">${c.buyer.name} (${c.buyer.id})</option>`)}</select>
<a href="/member/counterparties">${t('거래처 관리', 'Manage')}</a></td></tr>
<tr><th>${t('등록번호', 'Business no.')}</th><td>${cell(fv, 'buyer.id', t('공급받는자 등록번호', 'Buyer business no.'), { size: 14, inputmode: 'numeric' })}</td>
<th>${t('종사업장', 'Branch')}</th><td>${cell(fv, 'buyer.subBizno', t('공급받는자 종사업장번호', 'Buyer branch'), { size: 4 })}</td></tr>
<tr><th>${t('상호', 'Name')}</th><td>${cell(fv, 'buyer.name', t('공급받는자 상호', 'Buyer name'))}</td>
<th>${t('성명', 'CEO')}</th><td>${cell(fv, 'buyer.ceoName', t('공급받는자 대표자', 'Buyer CEO'), { size: 8 })}</td></tr>
<tr><th>${t('주소', 'Address')}</th><td colspan="3">${cell(fv, 'buyer.address', t('공급받는자 주소', 'Buyer address'), { size: 40 })}</td></tr>
<tr><th>${t('업태', 'Type')}</th><td>${cell(fv, 'buyer.businessType', t('공급받는자 업태', 'Buyer business type'))}</td>
<th>${t('종목', 'Item')}</th><td>${cell(fv, 'buyer.businessItem', t('공급받는자 종목', 'Buyer business item'), { size: 10 })}</td></tr>
<tr><th>${t('담당자', 'Contact')}</th><td>${cell(fv, 'buyer.contacts[0].name', t('공급받는자 담당자', 'Buyer contact'), { size: 10 })}</td>
<th>${t('이메일', 'E-mail')}</th><td>${cell(fv, 'buyer.contacts[0].email', t('공급받는자 이메일', 'Buyer e-mail'), { type: 'email', size: 22 })}</td></tr>
<tr><td colspan="4"><label><input type="checkbox" name="saveCounterparty" value="1"${str(fv.form, 'saveCounterparty') ? raw(' checked') : ''}> ${t('이 공급받는자를 거래처로 저장', 'Save this buyer to the counterparty book')}</label></td></tr>
</tbody></table>
</div>
<table class="lines"><thead><tr><th>#</th><th>${t('일', 'Day')}</th><th>${t('품목', 'Item')}</th><th>${t('규격', 'Spec')}</th><th class="num">${t('수량', 'Qty')}</th><th class="num">${t('단가', 'Unit price')}</th><th class="num">${t('공급가액', 'Supply')}</th><th class="num">${t('세액', 'VAT')}</th><th>${t('비고', 'Remark')}</th></tr></thead>
<tbody id="line-body">${lineRows(fv, t, count)}</tbody>
<tfoot><tr class="totals"><td colspan="6">${t('합계', 'Totals')}</td><td id="tot-supply">${won(supply)}</td><td id="tot-tax">${won(tax)}</td><td><span class="muted">${t('합계금액', 'Total')}</span> <span id="tot-total">${won(supply + tax)}</span></td></tr></tfoot></table>
${fieldError(fv, 'lines')}${fieldError(fv, 'amounts.supply')}${fieldError(fv, 'amounts.tax')}${fieldError(fv, 'amounts.total')}
<p><button type="button" id="add-line" class="secondary">${t('품목 추가', 'Add a line')}</button>
<a href="/member/documents/new?lines=${Math.min(DOCUMENT_LIMITS.maxLines, count + 4)}" class="muted">${t('(스크립트 없이 4줄 더)', '(4 more without script)')}</a>
<span class="muted">${t('세액은 공급가액의 10%로 채워집니다(원 미만 절사). 직접 고칠 수 있습니다.', 'VAT fills in as 10 % of the supply (truncated); you can overwrite it.')}</span></p>
<div class="row">${PAYMENT_MEANS.map((m) => html`<label>${t(PAYMENT_MEAN_LABELS[m], m)} ${cell(fv, `payments.${m}`, t(PAYMENT_MEAN_LABELS[m], m), { size: 10, inputmode: 'numeric', cls: 'num' })}</label>`)}</div>
<div class="row"><label>${t('비고', 'Remark')} ${cell(fv, 'remarks[0]', t('비고', 'Remark'), { size: 50 })}</label></div>
<div class="actions">
<button type="submit" name="do" value="issue">${t('발행하고 메일 보내기', 'Issue and mail')}</button>
<button type="submit" name="do" value="draft" class="secondary">${t('임시저장', 'Save draft')}</button>
</div>
</form>
<script src="/member/assets/write.js" defer></script>`;
  },
  actions: [
    {
      path: '/member/documents/new',
      run: async (ctx, call, form) => {
        const input = documentInputOfForm(form) as Partial<DocumentInput> & Record<string, unknown>;
        const issue = str(form, 'do') !== 'draft';
        const token = str(form, 'formToken');
        const subkey = /^[A-Za-z0-9_-]{8,40}$/.test(token) ? `web:${token}` : undefined;
        if (str(form, 'saveCounterparty') && input['buyer']) await saveCounterparty(ctx, call.tenant, input['buyer']);
        const draft = str(form, 'draft');
        let r;
        try {
          r = draft
            ? await updateDocument(ctx, call.tenant, draft, { input, issue, subkey }, { draftOnly: true })
            : await insertDocument(ctx, call.tenant, { input, issue, subkey });
        } catch (err) {
          const e = toAppError(err);
          // the same draft form sent twice: the first issued it (with this form's subkey) — answer that document
          if (draft && subkey && e.field === 'draft') {
            const same = await ctx.db.selectFrom('documents').select('dockey').where('subscription_id', '=', call.tenant.subscriptionId).where('dockey', '=', draft).where('subkey', '=', subkey).executeTakeFirst();
            if (same) return `/member/documents/${encodeURIComponent(same.dockey)}?done=${issue ? 'issued' : 'drafted'}`;
          }
          const onScreen = screenField(input, e.field);
          throw onScreen === e.field || onScreen === undefined ? err : e.withField(onScreen);
        }
        return `/member/documents/${encodeURIComponent(r.document.dockey)}?done=${issue ? 'issued' : 'drafted'}`;
      },
    },
  ],
  routes(app: FastifyInstance) {
    // the link other screens use (docs/member-web.md "Links between screens"): /member/write?amend=<dockey>&reason=<1..6>
    app.get('/member/write', { schema: { hide: true } }, (req, reply) => {
      const i = req.url.indexOf('?');
      return reply.code(303).header('location', `/member/documents/new${i >= 0 ? req.url.slice(i) : ''}`).send();
    });
    app.get('/member/assets/write.js', { schema: { hide: true } }, (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(WRITE_JS),
    );
  },
};
