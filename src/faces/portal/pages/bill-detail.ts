/**
 * The actions of a bill on the 결제완료/미납내역 screen (partners only, their own bills; docs/portal.md):
 *   상세내역  /portal/api/billing/bill?orderNo=   amounts, invoice, lines, payments, adjustments and the billed usage (paged)
 *   결제하기  /portal/api/billing/pay?orderNo=    the virtual account to pay into and the amount left (추심: the
 *                                                registered account); no account yet: a button issues it (POST)
 *   안내      /portal/api/billing/guide?orderNo=  what an overdue bill means (API suspended) and how to end it
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError } from '../../../platform/errors.ts';
import { html, raw, translator, won, type Raw, type T } from '../../html.ts';
import { csrfField, kst, page } from '../layout.ts';
import { formOf, str, type UserPage } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';
import { langOf, partnerOf, requireUser } from '../portal-http.ts';
import { getBill, findBill, orderNoField, type BillDetail } from '../../../modules/settlement/billing/get-bill.ts';
import { billStateName, paymentMethodName, type Bill } from '../../../modules/settlement/billing/list-bills.ts';
import { ensureBillingAccount, readBillingAccount, type BillingAccountView } from '../../../modules/settlement/bank/billing-account.ts';
import type { BankGateway } from '../../../modules/settlement/bank/bank-gateway.ts';
import { chargeTypeName } from '../../../modules/settlement/expected-charges.ts';
import { BILL_PATH, BILLS_PATH, GUIDE_PATH, PAY_PATH, RECEIPT_PATH } from './bills.ts';

const langOfT = (t: T) => t('ko', 'en') as 'ko' | 'en';
const krw = (t: T, n: number) => html`${won(n)}${t('원', ' KRW')}`;
const back = (t: T) => html`<p><a href="${BILLS_PATH}">${t('결제완료/미납내역으로', 'Back to bills')}</a></p>`;

/** 주문번호 … 결제수단 of a bill as a two-column table. */
export function billSummary(t: T, b: Bill): Raw {
  const lang = langOfT(t);
  const rows: [string, Raw | string][] = [
    [t('주문번호', 'Order no.'), html`<span id="bill-order-no">${b.orderNo}</span>`],
    [t('발송기간', 'Usage period'), `${b.usageFromDate} ~ ${b.usageToDate}`],
    [t('공급가액', 'Supply'), krw(t, b.supplyKrw)],
    [t('부가세', 'VAT'), krw(t, b.vatKrw)],
    [t('결제금액 (VAT 포함)', 'Amount (VAT incl.)'), html`<strong id="bill-total">${won(b.totalKrw)}</strong>${t('원', ' KRW')}`],
    [t('입금액', 'Paid'), krw(t, b.paidKrw)],
    [t('남은 금액', 'Left to pay'), html`<strong id="bill-remaining">${won(b.remainingKrw)}</strong>${t('원', ' KRW')}`],
    [t('청구일', 'Billed'), b.billedDate],
    [t('결제기간', 'Payment period'), `${b.billedDate} ~ ${b.dueDate}`],
    [t('결제일', 'Paid on'), b.paidAt ? kst(b.paidAt) : '-'],
    [t('결제상태', 'Status'), html`<span id="bill-state">${billStateName(b.state, lang)}</span>`],
    [t('결제수단', 'Method'), paymentMethodName(b.method, lang)],
    [t('세금계산서 승인번호', 'Tax invoice approval no.'), b.invoice?.ntsIssueId ?? t('발행 대기', 'pending')],
  ];
  return html`<table class="kv"><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
}

async function ownBill(ctx: Ctx, partnerId: number, orderNo: unknown): Promise<Bill> {
  return findBill(ctx, orderNoField(orderNo), partnerId);
}

function usageTable(t: T, b: BillDetail): Raw {
  const u = b.usage;
  const lang = langOfT(t);
  const link = (p: number, rel: string, text: string) => html`<a href="${BILL_PATH}?orderNo=${b.orderNo}&usagePage=${p}" rel="${rel}">${text}</a>`;
  const nav = u.page > 1 || u.nextPage
    ? html`<nav class="row" aria-label="${t('상세내역 페이지', 'Usage pages')}">${u.page > 1 ? link(u.page - 1, 'prev', t('이전', 'Previous')) : ''} <span>${t(`${u.page} 페이지`, `Page ${u.page}`)}</span> ${u.nextPage ? link(u.nextPage, 'next', t('다음', 'Next')) : ''}</nav>`
    : raw('');
  return html`<h2>${t('상세내역 (청구된 이용내역)', 'Billed usage')} <span class="muted" id="usage-count">${won(u.count)}${t('건', ' rows')}</span></h2>
${u.rows.length ? html`<table class="usage"><thead><tr><th scope="col">${t('유형', 'Type')}</th><th scope="col">${t('템플릿 제목 / 문서 번호', 'Template / document')}</th><th scope="col">${t('발신번호 / 채널ID / 거래처', 'Sender / buyer')}</th><th scope="col">${t('수신번호', 'Recipient')}</th><th scope="col">${t('발송일시', 'Sent')}</th><th scope="col">${t('이용금액 (VAT 별도)', 'Amount (VAT excl.)')}</th></tr></thead>
<tbody>${u.rows.map((r) => html`<tr data-usage-id="${r.id}"><td>${chargeTypeName(r.type, lang)}</td><td>${r.title || r.documentNo}</td><td>${r.sender || r.counterparty}</td><td>${r.recipient}</td><td>${kst(r.sentAt)}</td><td class="num">${krw(t, r.amountKrw)}</td></tr>`)}</tbody></table>` : html`<p class="muted">${t('이용내역이 없습니다.', 'No usage.')}</p>`}${nav}`;
}

export const billDetailPage: UserPage = {
  path: BILL_PATH,
  title: (t) => t('청구 상세내역', 'Bill details'),
  render: async ({ call, t, query }, ctx) => {
    const b = await getBill(ctx, { orderNo: str(query, 'orderNo'), partnerId: partnerOf(call), usagePage: query['usagePage'] });
    const source = (s: string) => ({ virtual_account: t('가상계좌 입금', 'Virtual account'), cms: t('추심', 'Direct debit'), credit: t('이월 크레딧', 'Credit') })[s] ?? s;
    const lines = html`<h2>${t('청구 항목', 'Lines')}</h2><table class="lines"><thead><tr><th scope="col">${t('항목', 'Item')}</th><th scope="col">${t('수량', 'Qty')}</th><th scope="col">${t('단가', 'Price')}</th><th scope="col">${t('공급가액', 'Supply')}</th></tr></thead>
<tbody>${b.lines.map((l) => html`<tr><td>${l.name}</td><td class="num">${won(l.quantity)}</td><td class="num">${krw(t, l.unitPriceKrw)}</td><td class="num">${krw(t, l.supplyKrw)}</td></tr>`)}</tbody></table>`;
    const payments = html`<h2>${t('입금 내역', 'Payments')}</h2>${b.payments.length
      ? html`<table class="payments"><thead><tr><th scope="col">${t('입금일시', 'Time')}</th><th scope="col">${t('구분', 'Source')}</th><th scope="col">${t('입금자', 'Depositor')}</th><th scope="col">${t('금액', 'Amount')}</th><th scope="col">${t('비고', 'Note')}</th></tr></thead>
<tbody>${b.payments.map((p) => html`<tr><td>${kst(p.paidAt)}</td><td>${source(p.source)}</td><td>${p.depositor}</td><td class="num">${krw(t, p.amountKrw)}</td><td>${p.reversedAt ? t(`입금 취소 (${kst(p.reversedAt)})`, `Cancelled (${kst(p.reversedAt)})`) : ''}</td></tr>`)}</tbody></table>`
      : html`<p class="muted">${t('입금 내역이 없습니다.', 'No payments yet.')}</p>`}`;
    const adjustments = b.adjustments.length
      ? html`<h2>${t('조정 내역 (수정세금계산서)', 'Adjustments (amended invoices)')}</h2><table class="adjustments"><thead><tr><th scope="col">${t('일시', 'Time')}</th><th scope="col">${t('공급가액 증감', 'Supply Δ')}</th><th scope="col">${t('부가세 증감', 'VAT Δ')}</th><th scope="col">${t('사유', 'Reason')}</th><th scope="col">${t('수정세금계산서 승인번호', 'Amended invoice')}</th></tr></thead>
<tbody>${b.adjustments.map((a) => html`<tr><td>${kst(a.createdAt)}</td><td class="num">${krw(t, a.supplyDeltaKrw)}</td><td class="num">${krw(t, a.vatDeltaKrw)}</td><td>${a.reason}</td><td>${a.invoice?.ntsIssueId ?? '-'}</td></tr>`)}</tbody></table>`
      : '';
    const links = html`<p class="row">${b.state !== 'paid' ? html`<a href="${PAY_PATH}?orderNo=${b.orderNo}">${t('결제하기', 'Pay')}</a>` : html`<a href="${RECEIPT_PATH}?orderNo=${b.orderNo}" target="_blank" rel="noopener">${t('영수증', 'Receipt')}</a>`}</p>`;
    return html`<h1>${t('정산 · 청구 상세내역', 'Settlement · Bill details')}</h1>${billSummary(t, b)}${links}${lines}${payments}${adjustments}${usageTable(t, b)}${back(t)}`;
  },
  actions: [],
};

function accountBlock(t: T, b: Bill, acct: BillingAccountView | undefined, csrf: string): Raw {
  const va = acct?.virtualAccount;
  const vaBlock = va
    ? html`<table class="kv" id="virtual-account"><tbody>
<tr><th scope="row">${t('은행', 'Bank')}</th><td id="va-bank">${va.bankName} (${va.bankCode})</td></tr>
<tr><th scope="row">${t('계좌번호', 'Account no.')}</th><td><span id="va-account">${va.accountNo}</span> <button type="button" class="secondary" data-copy="va-account" data-copied="${t('복사됨', 'Copied')}">${t('복사', 'Copy')}</button></td></tr>
<tr><th scope="row">${t('예금주', 'Holder')}</th><td id="va-holder">${va.holder}</td></tr>
<tr><th scope="row">${t('입금하실 금액', 'Amount to pay')}</th><td><strong id="pay-amount">${won(b.remainingKrw)}</strong>${t('원', ' KRW')}</td></tr>
<tr><th scope="row">${t('결제기한', 'Due')}</th><td>${b.dueDate}</td></tr></tbody></table>
<div class="notice"><ul><li>${t('고정 가상계좌입니다. 매월 같은 계좌로 입금하시면 됩니다.', 'This virtual account is fixed: pay every bill into it.')}</li>
<li>${t('금액보다 적게 입금하면 남은 금액이 표시되고, 많이 입금하면 다음 청구에서 차감됩니다.', 'A smaller deposit leaves the rest to pay; a larger one is credited to the next bill.')}</li></ul></div>`
    : html`<p class="state" role="status">${t('아직 가상계좌가 발급되지 않았습니다.', 'No virtual account has been issued yet.')}</p>
<form method="post" action="${PAY_PATH}/account">${csrfField(csrf)}<input type="hidden" name="orderNo" value="${b.orderNo}"><button type="submit">${t('가상계좌 발급받기', 'Issue my virtual account')}</button></form>`;
  const cms = acct?.method === 'cms' && acct.cms
    ? html`<p class="state" id="cms-info">${t(`추심(CMS 자동이체): 결제기한(${b.dueDate})에 ${acct.cms.bankName} ${acct.cms.accountMasked} (${acct.cms.holder}) 계좌에서 ${won(b.remainingKrw)}원이 출금됩니다. 가상계좌로 먼저 입금하셔도 됩니다.`, `Direct debit: ${won(b.remainingKrw)} KRW is withdrawn from ${acct.cms.bankName} ${acct.cms.accountMasked} on ${b.dueDate}; you may also pay into the virtual account first.`)}</p>`
    : '';
  return html`${cms}${vaBlock}`;
}

export const billPayPage: UserPage = {
  path: PAY_PATH,
  title: (t) => t('결제하기', 'Pay'),
  render: async ({ call, t, query }, ctx) => {
    const partnerId = partnerOf(call);
    const b = await ownBill(ctx, partnerId, str(query, 'orderNo'));
    const h1 = html`<h1>${t('정산 · 결제하기', 'Settlement · Pay')}</h1>`;
    if (b.state === 'paid') return html`${h1}<p class="ok" role="status">${t('결제가 완료된 청구입니다.', 'This bill is paid.')}</p>${billSummary(t, b)}${back(t)}`;
    const acct = await readBillingAccount(ctx, partnerId);
    return html`${h1}${b.state === 'overdue' ? html`<p class="alert" role="alert">${t('결제기한이 지난 미납 청구입니다. 납부하시면 API 사용 정지가 즉시 해제됩니다.', 'This bill is overdue. Paying it restores API use at once.')} <a href="${GUIDE_PATH}?orderNo=${b.orderNo}">${t('안내', 'Guide')}</a></p>` : ''}
<p>${t(`주문번호 ${b.orderNo} (${b.usageFromDate} ~ ${b.usageToDate} 이용분)`, `Order ${b.orderNo} (usage ${b.usageFromDate} – ${b.usageToDate})`)}</p>${accountBlock(t, b, acct, call.csrfToken)}${back(t)}`;
  },
  actions: [],
};

export const billGuidePage: UserPage = {
  path: GUIDE_PATH,
  title: (t) => t('미납 안내', 'Overdue bill'),
  render: async ({ call, t, query }, ctx) => {
    const b = await ownBill(ctx, partnerOf(call), str(query, 'orderNo'));
    const suspended = call.user.partner?.state === 'suspended';
    return html`<h1>${t('정산 · 미납 안내', 'Settlement · Overdue bill')}</h1>
<p class="${b.state === 'overdue' ? 'alert' : 'state'}" role="status" id="guide-state">${b.state === 'overdue'
      ? t(`주문번호 ${b.orderNo}의 결제기한(${b.dueDate})이 지났습니다. 남은 금액 ${won(b.remainingKrw)}원이 미납 상태입니다.`, `Order ${b.orderNo} was due on ${b.dueDate}: ${won(b.remainingKrw)} KRW is overdue.`)
      : t(`주문번호 ${b.orderNo}는 미납 상태가 아닙니다 (${billStateName(b.state)}).`, `Order ${b.orderNo} is not overdue (${billStateName(b.state, 'en')}).`)}</p>
<div class="notice"><ul>
<li>${t('미납 청구가 있으면 연동 API 사용이 정지되며, API 호출은 "연동 API 사용이 정지되었습니다" 오류(레거시 2006, HTTP 403)로 거절됩니다.', 'While a bill is overdue, API use is suspended: calls are refused with partner_suspended (legacy 2006, HTTP 403).')}${suspended ? html` <strong id="guide-suspended">${t('현재 정지 상태입니다.', 'You are suspended now.')}</strong>` : ''}</li>
<li>${t('가상계좌로 남은 금액을 입금하시면 입금 확인 즉시 정지가 해제됩니다. 여러 건이 미납이면 모두 납부해야 해제됩니다.', 'Deposit the amount left into your virtual account: the suspension is lifted as soon as the deposit is confirmed (all overdue bills must be paid).')}</li>
<li>${t('추심(CMS) 출금이 실패한 경우에도 가상계좌로 입금하실 수 있습니다.', 'If a direct debit failed, you can still pay into the virtual account.')}</li>
<li>${t('입금자명이 달라도 가상계좌 입금은 자동으로 확인됩니다. 문의: 고객센터.', 'The depositor name need not match: deposits to the virtual account are matched automatically. Questions: customer support.')}</li>
</ul></div>
${b.state !== 'paid' ? html`<p><a href="${PAY_PATH}?orderNo=${b.orderNo}">${t('결제하기', 'Pay')}</a></p>` : ''}${back(t)}`;
  },
  actions: [],
};

/** POST /portal/api/billing/pay/account: issue the partner's fixed virtual account (once), then show 결제하기 again. */
export function payAccountRoute(app: FastifyInstance, ctx: Ctx, gateway: BankGateway | undefined): void {
  app.post(`${PAY_PATH}/account`, { schema: { hide: true } }, async (req, reply) => {
    const form = formOf(req);
    const lang = langOf(req);
    const t = translator(lang);
    let orderNo = '';
    try {
      const call = await requireUser(ctx, req, form['_csrf']);
      orderNo = orderNoField(form['orderNo']);
      if (!gateway) throw new Error('no bank gateway in this process');
      await ensureBillingAccount(ctx, gateway, partnerOf(call));
      return reply.redirect(`${PAY_PATH}?orderNo=${orderNo}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.redirect(`/portal/login?next=${encodeURIComponent(BILLS_PATH)}`, 303);
      return sendHtml(reply, e.status, page({ lang, title: t('결제하기', 'Pay'), path: PAY_PATH, body: html`<h1>${t('가상계좌 발급', 'Virtual account')}</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${orderNo ? `${PAY_PATH}?orderNo=${orderNo}` : BILLS_PATH}">${t('돌아가기', 'Back')}</a></p>` }));
    }
  });
}
