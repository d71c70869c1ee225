/**
 * 청구·입금 관리 (operator console, docs/portal.md): every partner's bills with filters (파트너, 결제상태, 결제수단, 청구
 * 월), the sums and paging, each bill linked to its detail (bill-console.ts); below, bank notices applied to nothing
 * (미확인 입금: an account we do not know), kept so the money can be traced and returned by hand.
 */
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError } from '../../../platform/errors.ts';
import { listPartners } from '../../../modules/access/list-partners.ts';
import { BILL_STATES, billStateName, listBills, paymentMethodName, PAYMENT_METHODS, type BillsPage } from '../../../modules/settlement/billing/list-bills.ts';
import { listUnmatchedNotices } from '../../../modules/settlement/billing/list-bank-notices.ts';
import { html, raw, won, type Raw, type T } from '../../html.ts';
import { kst } from '../layout.ts';
import { str } from '../page-kit.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';

export const CONSOLE_BILLS_PATH = '/console/bills';
export const CONSOLE_BILL_PATH = '/console/bill';
const KEYS = ['partnerId', 'state', 'method', 'from', 'to', 'page'] as const;
const NOTICE_KIND: Record<string, [string, string]> = { deposit: ['입금', 'deposit'], deposit_cancel: ['입금 취소', 'deposit cancelled'], debit_result: ['추심 결과', 'debit result'] };

export const suspensionText = (t: T, p: { state: string; suspensionKind: string }) =>
  p.state !== 'suspended' ? t('정상', 'active') : p.suspensionKind === 'arrears' ? t('정지 (미납)', 'suspended (arrears)') : t('정지 (운영자)', 'suspended (operator)');

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t } = v;
  const lang = t('ko', 'en') as 'ko' | 'en';
  const f: Record<string, string> = {};
  for (const k of KEYS) if (str(v.query, k) !== '') f[k] = str(v.query, k);
  const partners = await listPartners(ctx);
  const filters = html`<form method="get" action="${CONSOLE_BILLS_PATH}" class="row" aria-label="${t('청구서 조회 조건', 'Bill filters')}">
<label for="cb-partner">${t('파트너', 'Partner')}</label><select id="cb-partner" name="partnerId" style="max-width:16em"><option value="">${t('전체', 'All')}</option>${partners.map((p) => html`<option value="${p.id}"${f['partnerId'] === String(p.id) ? raw(' selected') : ''}>${p.comName} (${p.bizno})</option>`)}</select>
<label for="cb-state">${t('결제상태', 'Status')}</label><select id="cb-state" name="state" style="max-width:9em"><option value="">${t('전체', 'All')}</option>${BILL_STATES.map((s) => html`<option value="${s}"${f['state'] === s ? raw(' selected') : ''}>${billStateName(s, lang)}</option>`)}</select>
<label for="cb-method">${t('결제수단', 'Method')}</label><select id="cb-method" name="method" style="max-width:9em"><option value="">${t('전체', 'All')}</option>${PAYMENT_METHODS.map((m) => html`<option value="${m}"${f['method'] === m ? raw(' selected') : ''}>${paymentMethodName(m, lang)}</option>`)}</select>
<label for="cb-from">${t('청구 월', 'Months')}</label><input id="cb-from" name="from" type="month" value="${f['from'] ?? ''}" style="max-width:10em"> ~ <input id="cb-to" name="to" type="month" value="${f['to'] ?? ''}" style="max-width:10em" aria-label="${t('청구 월 (까지)', 'To month')}">
<button type="submit" class="secondary">${t('조회', 'Show')}</button> <a href="${CONSOLE_BILLS_PATH}">${t('필터초기화', 'Reset')}</a></form>`;
  let h: BillsPage;
  try {
    h = await listBills(ctx, f);
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'internal') throw err;
    return html`<h1>${t('청구·입금 관리', 'Bills and payments')}</h1><p class="alert" role="alert">${composeMessage(e)}</p>${filters}`;
  }
  const byId = new Map(partners.map((p) => [p.id, p]));
  const qs = (extra: Record<string, string>) => `?${new URLSearchParams({ ...f, ...extra }).toString()}`;
  const pager = h.query.page > 1 || h.nextPage
    ? html`<nav class="row">${h.query.page > 1 ? html`<a href="${CONSOLE_BILLS_PATH}${qs({ page: String(h.query.page - 1) })}" rel="prev">${t('이전', 'Previous')}</a>` : ''} <span>${h.query.page}</span> ${h.nextPage ? html`<a href="${CONSOLE_BILLS_PATH}${qs({ page: String(h.nextPage) })}" rel="next">${t('다음', 'Next')}</a>` : ''}</nav>`
    : raw('');
  const unmatched = await listUnmatchedNotices(ctx, { limit: 100 });
  return html`<h1>${t('청구·입금 관리', 'Bills and payments')}</h1>${filters}
<p class="state" role="status">${t('건수', 'Bills')} <strong id="cb-count">${won(h.totals.count)}</strong> · ${t('청구액', 'Billed')} <strong>${won(h.totals.totalKrw)}</strong>${t('원', ' KRW')} · ${t('입금액', 'Paid')} <strong>${won(h.totals.paidKrw)}</strong>${t('원', ' KRW')} · ${t('미수금', 'Outstanding')} <strong id="cb-remaining">${won(h.totals.remainingKrw)}</strong>${t('원', ' KRW')}</p>
${h.rows.length ? html`<table class="bills"><thead><tr><th scope="col">${t('주문번호', 'Order no.')}</th><th scope="col">${t('파트너', 'Partner')}</th><th scope="col">${t('청구 월', 'Period')}</th><th scope="col">${t('결제금액', 'Total')}</th><th scope="col">${t('입금액', 'Paid')}</th><th scope="col">${t('결제기한', 'Due')}</th><th scope="col">${t('결제상태', 'Status')}</th><th scope="col">${t('결제수단', 'Method')}</th><th scope="col">${t('파트너 상태', 'Partner state')}</th></tr></thead>
<tbody>${h.rows.map((b) => {
    const p = byId.get(b.partnerId);
    return html`<tr data-order-no="${b.orderNo}"><td><a href="${CONSOLE_BILL_PATH}?orderNo=${b.orderNo}">${b.orderNo}</a></td><td>${b.partnerName} <span class="muted">#${b.partnerId}</span></td><td>${b.period}</td><td class="num">${won(b.totalKrw)}</td><td class="num">${won(b.paidKrw)}</td><td>${b.dueDate}</td><td>${billStateName(b.state, lang)}</td><td>${paymentMethodName(b.method, lang)}</td><td>${p ? suspensionText(t, p) : ''}</td></tr>`;
  })}</tbody></table>${pager}` : html`<p class="muted">${t('해당하는 청구서가 없습니다.', 'No bills match.')}</p>`}
<h2 id="unmatched">${t(`미확인 입금 ${unmatched.length}건 (등록되지 않은 계좌)`, `${unmatched.length} notices applied to nothing (unknown account)`)}</h2>
${unmatched.length ? html`<table aria-labelledby="unmatched" class="notices"><thead><tr><th scope="col">${t('거래번호', 'Transaction')}</th><th scope="col">${t('구분', 'Kind')}</th><th scope="col">${t('은행 / 계좌', 'Bank / account')}</th><th scope="col">${t('입금자', 'Depositor')}</th><th scope="col">${t('금액', 'Amount')}</th><th scope="col">${t('거래일시', 'Time')}</th><th scope="col">${t('수신일시', 'Received')}</th></tr></thead>
<tbody>${unmatched.map((n) => html`<tr data-transaction-id="${n.transactionId}"><td><code>${n.transactionId}</code></td><td>${t(...(NOTICE_KIND[n.kind] ?? [n.kind, n.kind]))}</td><td>${n.bankCode} ${n.accountNo}</td><td>${n.depositor}</td><td class="num">${won(n.amountKrw)}</td><td>${kst(n.occurredAt)}</td><td>${kst(n.receivedAt)}</td></tr>`)}</tbody></table>
<p class="muted">${t('등록되지 않은 계좌로 들어온 입금은 어느 청구에도 반영되지 않습니다. 입금자에게 확인 후 반환하세요.', 'Deposits into an account we do not know are applied to no bill: check with the depositor and return them.')}</p>` : html`<p class="muted">${t('없습니다.', 'None.')}</p>`}`;
}

export const billsConsoleScreen: ConsoleScreen = {
  path: CONSOLE_BILLS_PATH,
  title: (t) => t('청구·입금 관리', 'Bills and payments'),
  render,
};
