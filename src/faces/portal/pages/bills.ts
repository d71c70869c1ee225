/**
 * 연동 API 관리 > 정산 > 결제완료/미납내역 (partners only, docs/portal.md): filters (결제상태, 결제수단, 청구 월 from/to)
 * in a GET form, the sums, the table — 주문번호, 발송기간, 결제금액 (VAT 포함), 청구일, 결제기간, 결제일, 결제상태,
 * 결제수단 — with per-bill actions 결제하기, 안내 (미납), 상세내역, 영수증 (결제완료), checkboxes, paging, and 엑셀
 * 다운로드 of the selection or of the whole query (POST with the session's CSRF token).
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError } from '../../../platform/errors.ts';
import { html, raw, translator, won, type Raw, type T } from '../../html.ts';
import { csrfField, kst, page } from '../layout.ts';
import { formOf, str, type Form, type UserPage } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';
import { langOf, partnerOf, requireUser } from '../portal-http.ts';
import { BILL_STATES, billStateName, listBills, paymentMethodName, PAYMENT_METHODS, type Bill, type BillsPage } from '../../../modules/settlement/billing/list-bills.ts';
import { exportBills } from '../../../modules/settlement/billing/export-bills.ts';

export const BILLS_PATH = '/portal/api/billing/bills';
export const BILL_PATH = '/portal/api/billing/bill';
export const PAY_PATH = '/portal/api/billing/pay';
export const GUIDE_PATH = '/portal/api/billing/guide';
export const RECEIPT_PATH = '/portal/api/billing/receipt';
const QUERY_KEYS = ['state', 'method', 'from', 'to', 'page'] as const;

export function billFilters(f: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of QUERY_KEYS) if (str(f, k) !== '') out[k] = str(f, k);
  return out;
}
const qs = (f: Record<string, string>, extra: Record<string, string> = {}) => {
  const s = new URLSearchParams({ ...f, ...extra }).toString();
  return s ? `?${s}` : '';
};
const hiddenFilters = (f: Record<string, string>): Raw[] => Object.entries(f).filter(([k]) => k !== 'page').map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
const langOfT = (t: T) => t('ko', 'en') as 'ko' | 'en';

function filterForm(t: T, f: Record<string, string>): Raw {
  const lang = langOfT(t);
  return html`<form method="get" action="${BILLS_PATH}" class="filters" aria-label="${t('결제완료/미납내역 조회 조건', 'Bill filters')}">
<div class="row"><label for="state">${t('결제상태', 'Status')}</label><select id="state" name="state" style="max-width:10em"><option value="">${t('전체', 'All')}</option>${BILL_STATES.map((v) => html`<option value="${v}"${f['state'] === v ? raw(' selected') : ''}>${billStateName(v, lang)}</option>`)}</select>
<label for="method">${t('결제수단', 'Method')}</label><select id="method" name="method" style="max-width:10em"><option value="">${t('전체', 'All')}</option>${PAYMENT_METHODS.map((v) => html`<option value="${v}"${f['method'] === v ? raw(' selected') : ''}>${paymentMethodName(v, lang)}</option>`)}</select>
<label for="from">${t('청구 월', 'From month')}</label><input id="from" name="from" type="month" value="${f['from'] ?? ''}" style="max-width:10em">
<label for="to">~</label><input id="to" name="to" type="month" value="${f['to'] ?? ''}" style="max-width:10em" aria-label="${t('청구 월 (까지)', 'To month')}">
<button type="submit">${t('조회', 'Search')}</button> <a href="${BILLS_PATH}">${t('필터초기화', 'Reset filters')}</a></div>
</form>`;
}

const stateBadge = (t: T, b: Bill) => html`<span class="badge state-${b.state}">${billStateName(b.state, langOfT(t))}</span>`;

function actions(t: T, b: Bill): Raw {
  const q = `?orderNo=${b.orderNo}`;
  return html`<span class="row-actions">${b.state !== 'paid' ? html`<a href="${PAY_PATH}${q}" data-action="pay">${t('결제하기', 'Pay')}</a> ` : ''}${b.state === 'overdue' ? html`<a href="${GUIDE_PATH}${q}" data-action="guide">${t('안내', 'Guide')}</a> ` : ''}<a href="${BILL_PATH}${q}" data-action="detail">${t('상세내역', 'Details')}</a>${b.state === 'paid' ? html` <a href="${RECEIPT_PATH}${q}" data-action="receipt" target="_blank" rel="noopener">${t('영수증', 'Receipt')}</a>` : ''}</span>`;
}

function table(t: T, h: BillsPage): Raw {
  if (!h.rows.length) return html`<p class="muted">${t('조회된 청구 내역이 없습니다.', 'No bills match.')}</p>`;
  const lang = langOfT(t);
  return html`<table class="bills"><thead><tr><th scope="col" aria-label="${t('선택', 'Select')}"></th><th scope="col">${t('주문번호', 'Order no.')}</th><th scope="col">${t('발송기간', 'Usage period')}</th><th scope="col">${t('결제금액 (VAT 포함)', 'Amount (VAT incl.)')}</th>
<th scope="col">${t('청구일', 'Billed')}</th><th scope="col">${t('결제기간', 'Payment period')}</th><th scope="col">${t('결제일', 'Paid')}</th><th scope="col">${t('결제상태', 'Status')}</th><th scope="col">${t('결제수단', 'Method')}</th><th scope="col">${t('관리', 'Actions')}</th></tr></thead>
<tbody>${h.rows.map((b) => html`<tr data-order-no="${b.orderNo}"><td><input type="checkbox" name="orderNos" value="${b.orderNo}" form="bills-actions" aria-label="${t(`${b.orderNo} 선택`, `Select ${b.orderNo}`)}"></td>
<td>${b.orderNo}</td><td class="nowrap">${b.usageFromDate} ~<br>${b.usageToDate}</td><td class="num">${won(b.totalKrw)}${t('원', ' KRW')}${b.state !== 'paid' && b.paidKrw > 0 ? html`<div class="muted">${t('남은 금액', 'Left')} ${won(b.remainingKrw)}${t('원', ' KRW')}</div>` : ''}</td>
<td class="nowrap">${b.billedDate}</td><td class="nowrap">${b.billedDate} ~<br>${b.dueDate}</td><td class="nowrap">${b.paidAt ? kst(b.paidAt) : '-'}</td><td class="nowrap">${stateBadge(t, b)}</td><td class="nowrap">${paymentMethodName(b.method, lang)}</td><td class="nowrap">${actions(t, b)}</td></tr>`)}</tbody></table>
<style>table.bills td.nowrap{white-space:nowrap}table.bills .row-actions a{margin-right:.4em}</style>`;
}

function pager(t: T, f: Record<string, string>, h: BillsPage): Raw {
  const prev = h.query.page > 1 ? html`<a href="${BILLS_PATH}${qs(f, { page: String(h.query.page - 1) })}" rel="prev">${t('이전', 'Previous')}</a>` : '';
  const next = h.nextPage ? html`<a href="${BILLS_PATH}${qs(f, { page: String(h.nextPage) })}" rel="next">${t('다음', 'Next')}</a>` : '';
  return prev || next ? html`<nav class="row" aria-label="${t('페이지', 'Pages')}">${prev} <span>${t(`${h.query.page} 페이지`, `Page ${h.query.page}`)}</span> ${next}</nav>` : raw('');
}

/** The settlement terms (seed §04), with the configured billing day and due days. */
export function billingTermsNotice(t: T, ctx: Ctx): Raw {
  const { day, dueDays } = ctx.config.billing;
  return html`<div class="notice" id="billing-terms"><ul>
<li>${t('이용 요금은 후불이며, 매월 ' + day + '일 전월 이용분에 대한 세금계산서가 발행되어 일괄 청구됩니다.', `Postpaid: on the ${day}th of each month the previous month's usage is billed by one tax invoice.`)}</li>
<li>${t(`결제기한은 세금계산서 발행일로부터 ${dueDays}일입니다. 결제수단은 가상계좌 입금 또는 추심(CMS 자동이체)입니다.`, `Payment is due ${dueDays} days after the invoice date, by deposit to your virtual account or by direct debit (CMS).`)}</li>
<li>${t('결제기한까지 납부하지 않으면 미납 처리되어 연동 API 사용이 정지되며, 납부하시면 즉시 해제됩니다.', 'Unpaid after the due date, a bill is overdue and API use is suspended; paying restores it at once.')}</li>
</ul></div>`;
}

export const billsPage: UserPage = {
  path: BILLS_PATH,
  title: (t) => t('결제완료/미납내역', 'Bills'),
  render: async ({ call, t, query }, ctx) => {
    const partnerId = partnerOf(call);
    const f = billFilters(query);
    const h1 = html`<h1>${t('정산 · 결제완료/미납내역', 'Settlement · Bills')}</h1>`;
    let h: BillsPage;
    try {
      h = await listBills(ctx, f, { partnerId });
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return html`${h1}<p class="alert" role="alert">${composeMessage(e)}</p>${filterForm(t, {})}`;
    }
    const suspended = call.user.partner?.state === 'suspended'
      ? html`<p class="alert" role="alert" id="suspended">${t('연동 API 사용이 정지되어 있습니다', 'API use is suspended')}${call.user.partner.suspendedReason ? html`: ${call.user.partner.suspendedReason}` : ''}</p>`
      : '';
    const totals = html`<p class="state" id="bills-summary" role="status">${t('건수', 'Bills')} <strong id="bills-count">${won(h.totals.count)}</strong>
· ${t('결제금액', 'Billed')} <strong id="bills-total">${won(h.totals.totalKrw)}</strong>${t('원', ' KRW')}
· ${t('입금액', 'Paid')} <strong id="bills-paid">${won(h.totals.paidKrw)}</strong>${t('원', ' KRW')}
· ${t('남은 금액', 'Left to pay')} <strong id="bills-remaining">${won(h.totals.remainingKrw)}</strong>${t('원', ' KRW')}</p>`;
    const download = html`<form method="post" id="bills-actions" action="${BILLS_PATH}/download" class="row">${csrfField(call.csrfToken)}${hiddenFilters(f)}
<button type="submit">${t('엑셀 다운로드', 'Excel download')}</button>
<span class="muted">${t('선택한 내역이 없으면 조회된 전체를 내려받습니다.', 'Without a selection, the whole query is downloaded.')}</span></form>`;
    return html`${h1}${suspended}${billingTermsNotice(t, ctx)}${filterForm(t, f)}${totals}${download}${table(t, h)}${pager(t, f, h)}`;
  },
  actions: [],
};

/** POST /portal/api/billing/bills/download: the .xlsx of the selected bills, or of the whole query. */
export function billsDownloadRoute(app: FastifyInstance, ctx: Ctx): void {
  app.post(`${BILLS_PATH}/download`, { schema: { hide: true } }, async (req, reply) => {
    const form = formOf(req);
    const lang = langOf(req);
    const t = translator(lang);
    try {
      const call = await requireUser(ctx, req, form['_csrf']);
      const x = exportBills(ctx, { ...billFilters(form), page: undefined, orderNos: form['orderNos'] }, { partnerId: partnerOf(call) });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="bills.xlsx"; filename*=UTF-8''${encodeURIComponent(x.fileName)}`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(x.stream);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.redirect(`/portal/login?next=${encodeURIComponent(BILLS_PATH)}`, 303);
      return sendHtml(reply, e.status, page({ lang, title: t('결제완료/미납내역', 'Bills'), path: BILLS_PATH, body: html`<h1>${t('엑셀 다운로드', 'Excel download')}</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${BILLS_PATH}">${t('결제완료/미납내역으로', 'Back to bills')}</a></p>` }));
    }
  });
}
