/**
 * 청구서 상세 (operator console): /console/bill?orderNo= — the bill (amounts, dates, state, invoice), its lines,
 * payments, bank notices and adjustments; the **조정** form (공급가액 ±, 사유 → the bill's new amounts and, when its
 * invoice was issued, a 수정세금계산서; it sends the count of adjustments it showed, so a double submit adjusts once);
 * and the partner's suspension (정상 / 정지 (운영자) / 정지 (미납)) with 정지 / 정지 해제 (the access module's use
 * cases, audited). Every post comes back here.
 */
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError } from '../../../platform/errors.ts';
import { getPartner } from '../../../modules/access/get-partner.ts';
import { suspendPartner } from '../../../modules/access/suspend-partner.ts';
import { restorePartner } from '../../../modules/access/restore-partner.ts';
import { getBill, type BillDetail } from '../../../modules/settlement/billing/get-bill.ts';
import { adjustBill, MAX_REASON_LENGTH } from '../../../modules/settlement/billing/adjust-bill.ts';
import { listBillNotices } from '../../../modules/settlement/billing/list-bank-notices.ts';
import { billStateName, paymentMethodName } from '../../../modules/settlement/billing/list-bills.ts';
import { html, won, type Raw, type T } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str, type Form } from '../page-kit.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';
import { CONSOLE_BILL_PATH, CONSOLE_BILLS_PATH, suspensionText } from './bills-console.ts';

const back = (f: Form) => `${CONSOLE_BILL_PATH}?orderNo=${encodeURIComponent(str(f, 'orderNo'))}`;
const NOTICE_KIND: Record<string, [string, string]> = { deposit: ['입금', 'deposit'], deposit_cancel: ['입금 취소', 'deposit cancelled'], debit_result: ['추심 결과', 'debit result'] };

function summary(t: T, b: BillDetail): Raw {
  const lang = t('ko', 'en') as 'ko' | 'en';
  const rows: [string, Raw | string][] = [
    [t('파트너', 'Partner'), `${b.partnerName} (#${b.partnerId})`],
    [t('발송기간', 'Usage period'), `${b.usageFromDate} ~ ${b.usageToDate}`],
    [t('공급가액 / 부가세 / 합계', 'Supply / VAT / total'), html`<span id="cbill-amounts">${won(b.supplyKrw)} / ${won(b.vatKrw)} / ${won(b.totalKrw)}</span>`],
    [t('입금액 / 남은 금액', 'Paid / left'), `${won(b.paidKrw)} / ${won(b.remainingKrw)}`],
    [t('청구일 / 결제기한', 'Billed / due'), `${b.billedDate} / ${b.dueDate}`],
    [t('결제일', 'Paid on'), b.paidAt ? kst(b.paidAt) : '-'],
    [t('결제상태 / 결제수단', 'Status / method'), html`<span id="cbill-state">${billStateName(b.state, lang)}</span> / ${paymentMethodName(b.method, lang)}`],
    [t('세금계산서', 'Tax invoice'), b.invoice ? html`<a href="/console/documents/${b.invoice.documentId}">${b.invoice.ntsIssueId ?? b.invoice.dockey}</a> <span class="muted">NTS ${b.invoice.ntsState}</span>` : t('발행 대기', 'pending')],
  ];
  return html`<table class="kv"><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
}

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t, call, form } = v;
  const orderNo = str(v.query, 'orderNo') || str(form, 'orderNo');
  let b: BillDetail;
  try {
    b = await getBill(ctx, { orderNo, usagePageSize: 1 });
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'internal') throw err;
    return html`<h1>${t('청구서 상세', 'Bill')}</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${CONSOLE_BILLS_PATH}">${t('청구·입금 관리로', 'Back to bills')}</a></p>`;
  }
  const notices = await listBillNotices(ctx, b.id);
  const partner = await getPartner(ctx, b.partnerId);
  const hidden = html`${csrfField(call.csrfToken)}<input type="hidden" name="orderNo" value="${b.orderNo}">`;
  const source = (s: string) => ({ virtual_account: t('가상계좌', 'virtual account'), cms: t('추심', 'debit'), credit: t('크레딧', 'credit') })[s] ?? s;
  const payments = b.payments.length
    ? html`<table class="payments"><thead><tr><th scope="col">${t('일시', 'Time')}</th><th scope="col">${t('구분', 'Source')}</th><th scope="col">${t('입금자', 'Depositor')}</th><th scope="col">${t('거래번호', 'Transaction')}</th><th scope="col">${t('금액', 'Amount')}</th><th scope="col">${t('취소', 'Reversed')}</th></tr></thead>
<tbody>${b.payments.map((p) => html`<tr><td>${kst(p.paidAt)}</td><td>${source(p.source)}</td><td>${p.depositor}</td><td><code>${p.transactionId}</code></td><td class="num">${won(p.amountKrw)}</td><td>${p.reversedAt ? kst(p.reversedAt) : ''}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">${t('입금이 없습니다.', 'No payments.')}</p>`;
  const noticeTable = notices.length
    ? html`<table class="notices"><thead><tr><th scope="col">${t('거래번호', 'Transaction')}</th><th scope="col">${t('구분', 'Kind')}</th><th scope="col">${t('계좌', 'Account')}</th><th scope="col">${t('입금자', 'Depositor')}</th><th scope="col">${t('금액', 'Amount')}</th><th scope="col">${t('결과', 'Result')}</th><th scope="col">${t('거래일시', 'Time')}</th></tr></thead>
<tbody>${notices.map((n) => html`<tr><td><code>${n.transactionId}</code></td><td>${t(...(NOTICE_KIND[n.kind] ?? [n.kind, n.kind]))}</td><td>${n.bankCode} ${n.accountNo}</td><td>${n.depositor}</td><td class="num">${won(n.amountKrw)}</td><td>${n.resultCode}${n.cancelsId ? html` ← <code>${n.cancelsId}</code>` : ''}</td><td>${kst(n.occurredAt)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">${t('은행 통지가 없습니다.', 'No bank notices.')}</p>`;
  const adjustments = b.adjustments.length
    ? html`<table class="adjustments"><thead><tr><th scope="col">${t('일시', 'Time')}</th><th scope="col">${t('공급가액 증감', 'Supply Δ')}</th><th scope="col">${t('부가세 증감', 'VAT Δ')}</th><th scope="col">${t('사유', 'Reason')}</th><th scope="col">${t('수정세금계산서', 'Amended invoice')}</th></tr></thead>
<tbody>${b.adjustments.map((a) => html`<tr><td>${kst(a.createdAt)}</td><td class="num">${won(a.supplyDeltaKrw)}</td><td class="num">${won(a.vatDeltaKrw)}</td><td>${a.reason}</td><td>${a.invoice ? html`${a.invoice.ntsIssueId ?? a.invoice.dockey} <span class="muted">(${t('당초', 'original')} ${a.invoice.originalIssueId ?? ''}, NTS ${a.invoice.ntsState})</span>` : t('발행 전 조정 (청구서만 변경)', 'before the invoice (bill only)')}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">${t('조정 내역이 없습니다.', 'No adjustments.')}</p>`;
  const adjustForm = html`<form method="post" action="${CONSOLE_BILL_PATH}/${b.id}/adjust" class="stack" aria-label="${t('청구서 조정', 'Adjust the bill')}">${hidden}<input type="hidden" name="seenAdjustments" value="${b.adjustments.length}">
<label for="adj-delta" class="req">${t('공급가액 증감 (원, 감액은 음수)', 'Supply change (won; negative to reduce)')}</label><input id="adj-delta" name="supplyDeltaKrw" type="number" step="1" required value="${str(form, 'supplyDeltaKrw')}" style="max-width:12em">
<label for="adj-reason" class="req">${t('사유', 'Reason')}</label><input id="adj-reason" name="reason" type="text" maxlength="${MAX_REASON_LENGTH}" required value="${str(form, 'reason')}">
<p class="muted">${b.invoice?.ntsIssueId ? t('세금계산서가 발행되었으므로 차액에 대한 수정세금계산서(사유 02 공급가액 변동)가 발행되고 국세청에 전송됩니다.', 'The invoice was issued: an amended invoice (reason 02) for the difference is issued and filed.') : t('세금계산서 발행 전이므로 청구서 금액만 바뀝니다.', 'No invoice yet: only the bill changes.')}</p>
<p><button type="submit">${t('조정', 'Adjust')}</button></p></form>`;
  const suspension = html`<p id="cbill-partner-state">${t('파트너 상태', 'Partner state')}: <strong>${suspensionText(t, partner)}</strong>${partner.suspendedReason ? html` <span class="muted">${partner.suspendedReason} (${kst(partner.suspendedAt)})</span>` : ''}</p>
${partner.state === 'active'
    ? html`<form method="post" action="${CONSOLE_BILL_PATH}/partners/${partner.id}/suspend" class="row">${hidden}<label for="cb-sr">${t('정지 사유', 'Reason')}</label><input id="cb-sr" name="reason" type="text" required style="max-width:16em"><button type="submit" class="danger">${t('정지', 'Suspend')}</button></form>`
    : html`<form method="post" action="${CONSOLE_BILL_PATH}/partners/${partner.id}/restore" class="inline">${hidden}<button type="submit">${t('정지 해제', 'Restore')}</button></form>${partner.suspensionKind === 'arrears' ? html`<p class="muted">${t('미납으로 인한 정지는 납부 즉시 자동 해제됩니다. 해제해도 미납이 남아 있으면 다음 점검에서 다시 정지됩니다.', 'An arrears suspension lifts itself when paid; restored by hand with bills still overdue, the next check suspends again.')}</p>` : ''}`}`;
  return html`<h1>${t(`청구서 ${b.orderNo}`, `Bill ${b.orderNo}`)}</h1><p><a href="${CONSOLE_BILLS_PATH}">${t('청구·입금 관리로', 'Back to bills')}</a></p>
${summary(t, b)}
<h2>${t('청구 항목', 'Lines')}</h2><table class="lines"><tbody>${b.lines.map((l) => html`<tr><td>${l.name}</td><td class="num">${won(l.quantity)}</td><td class="num">${won(l.unitPriceKrw)}</td><td class="num">${won(l.supplyKrw)}</td></tr>`)}</tbody></table>
<h2>${t('입금', 'Payments')}</h2>${payments}
<h2>${t('은행 통지', 'Bank notices')}</h2>${noticeTable}
<h2>${t('조정 내역', 'Adjustments')}</h2>${adjustments}
<h2>${t('조정 (수정세금계산서)', 'Adjust (amended invoice)')}</h2>${adjustForm}
<h2>${t('파트너 이용 정지', 'Partner suspension')}</h2>${suspension}`;
}

export const billConsoleScreen: ConsoleScreen = {
  path: CONSOLE_BILL_PATH,
  title: (t) => t('청구서 상세', 'Bill'),
  render,
  doneMessages: {
    adjusted: ['청구서를 조정했습니다. 세금계산서가 발행된 청구는 수정세금계산서가 발행됩니다.', 'Adjusted: an issued invoice gets an amended invoice.'],
    suspended: ['파트너를 정지했습니다.', 'Partner suspended.'],
    restored: ['파트너 정지를 해제했습니다.', 'Partner restored.'],
  },
  actions: [
    { path: `${CONSOLE_BILL_PATH}/:id/adjust`, done: 'adjusted', back, run: (ctx, c, form) => adjustBill(ctx, c.actor, str(form, 'orderNo'), form) },
    { path: `${CONSOLE_BILL_PATH}/partners/:id/suspend`, done: 'suspended', back, run: (ctx, c, form, id) => suspendPartner(ctx, c.actor, { id, input: form }) },
    { path: `${CONSOLE_BILL_PATH}/partners/:id/restore`, done: 'restored', back, run: (ctx, c, _form, id) => restorePartner(ctx, c.actor, id) },
  ],
};
