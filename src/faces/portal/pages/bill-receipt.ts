/**
 * 영수증 (receipt) of a paid bill: GET /portal/api/billing/receipt?orderNo= — a page of its own (no portal menus),
 * A4 with a print stylesheet, Korean first: 공급자 (the invoice's supplier, else the platform company), 공급받는자,
 * 주문번호, 발송기간, 공급가액 / 부가세 / 합계, 결제일, 결제수단, the payments and the tax invoice's approval number.
 * Signed-in partners only, their own bills; a bill not paid yet answers 409 with a link back.
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../../platform/errors.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { html, raw, translator, won } from '../../html.ts';
import { page } from '../layout.ts';
import { sendHtml } from '../../security-headers.ts';
import { currentUser, fieldsOf, langOf, partnerOf } from '../portal-http.ts';
import { getBill } from '../../../modules/settlement/billing/get-bill.ts';
import { paymentMethodName } from '../../../modules/settlement/billing/list-bills.ts';
import { BILLS_PATH, RECEIPT_PATH } from './bills.ts';

const PRINT_CSS = `
body{font-family:"Noto Sans KR","Malgun Gothic",sans-serif;color:#111;margin:2em auto;max-width:46em;padding:0 1em}
h1{text-align:center;letter-spacing:.5em;font-size:1.8em;margin:.2em 0 1em}
table{border-collapse:collapse;width:100%;margin:.8em 0}
th,td{border:1px solid #444;padding:.45em .6em;text-align:left;vertical-align:top}
th{background:#f1f3f6;width:9em;font-weight:600}
td.num{text-align:right}
.total td{font-weight:700;font-size:1.1em}
.stamp{margin-top:2em;text-align:right}
.screen-only{margin:1em 0;color:#555}
@media print{
  @page{size:A4;margin:18mm}
  body{margin:0;max-width:none}
  .screen-only{display:none}
  th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
}`;

export function billReceiptRoute(app: FastifyInstance, ctx: Ctx): void {
  app.get(RECEIPT_PATH, { schema: { hide: true } }, async (req, reply) => {
    const lang = langOf(req, reply);
    const t = translator(lang);
    const query = fieldsOf(req.query);
    let call;
    try {
      call = await currentUser(ctx, req, { csrf: false });
    } catch {
      return reply.redirect(`/portal/login?next=${encodeURIComponent(BILLS_PATH)}`, 303);
    }
    try {
      const partnerId = partnerOf(call);
      const b = await getBill(ctx, { orderNo: query['orderNo'], partnerId, usagePageSize: 1 });
      if (b.state !== 'paid') throw new AppError('document_state_conflict', '결제가 완료된 청구만 영수증을 발급합니다 (a receipt is issued for a paid bill only)', { field: 'orderNo' });
      const doc = b.invoice ? await ctx.db.selectFrom('documents').select(['sup_name', 'sup_bizno', 'buy_name', 'buy_bizno']).where('id', '=', b.invoice.documentId).executeTakeFirst() : undefined;
      const buyer = await ctx.db.selectFrom('partners as p').innerJoin('portal_users as u', 'u.id', 'p.user_id').select(['u.com_name', 'u.bizno', 'u.ceo_name']).where('p.id', '=', partnerId).executeTakeFirstOrThrow();
      const supplier = { name: doc?.sup_name ?? ctx.config.billing.platformName, bizno: doc?.sup_bizno ?? ctx.config.billing.platformBizno };
      const bizno = (s: string | null | undefined) => (s && /^\d{10}$/.test(s) ? `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}` : (s ?? ''));
      const source = (s: string) => ({ virtual_account: '가상계좌 입금', cms: '추심 (CMS)', credit: '이월 크레딧' })[s] ?? s;
      const body = html`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>영수증 ${b.orderNo} · Hanbill</title><style>${raw(PRINT_CSS)}</style></head>
<body>
<p class="screen-only">${t('이 페이지를 인쇄하거나 PDF로 저장하세요 (Ctrl+P / ⌘P).', 'Print this page or save it as PDF (Ctrl+P / ⌘P).')} <a href="${BILLS_PATH}">${t('결제완료/미납내역으로', 'Back to bills')}</a></p>
<h1>영 수 증</h1>
<table aria-label="공급자 / 공급받는자"><tbody>
<tr><th scope="row">공급자</th><td>${supplier.name} (${bizno(supplier.bizno)})</td></tr>
<tr><th scope="row">공급받는자</th><td id="receipt-buyer">${buyer.com_name ?? doc?.buy_name ?? ''} (${bizno(buyer.bizno ?? doc?.buy_bizno)})${buyer.ceo_name ? ` · 대표 ${buyer.ceo_name}` : ''}</td></tr>
</tbody></table>
<table aria-label="결제 내용"><tbody>
<tr><th scope="row">주문번호</th><td id="receipt-order-no">${b.orderNo}</td></tr>
<tr><th scope="row">내용</th><td>연동 API 이용료 (발송기간 ${b.usageFromDate} ~ ${b.usageToDate})</td></tr>
<tr><th scope="row">공급가액</th><td class="num">${won(b.supplyKrw)}원</td></tr>
<tr><th scope="row">부가세</th><td class="num">${won(b.vatKrw)}원</td></tr>
<tr class="total"><th scope="row">합계 (VAT 포함)</th><td class="num" id="receipt-total">${won(b.totalKrw)}원</td></tr>
<tr><th scope="row">청구일</th><td>${b.billedDate}</td></tr>
<tr><th scope="row">결제일</th><td id="receipt-paid-at">${b.paidAt ? kstDateTime(b.paidAt).slice(0, 16) : ''}</td></tr>
<tr><th scope="row">결제수단</th><td>${paymentMethodName(b.method)}</td></tr>
<tr><th scope="row">세금계산서 승인번호</th><td>${b.invoice?.ntsIssueId ?? '-'}</td></tr>
</tbody></table>
${b.payments.length ? html`<table aria-label="입금 내역"><thead><tr><th scope="col">입금일시</th><th scope="col">구분</th><th scope="col">입금자</th><th scope="col">금액</th></tr></thead><tbody>
${b.payments.filter((p) => !p.reversedAt).map((p) => html`<tr><td>${kstDateTime(p.paidAt).slice(0, 16)}</td><td>${source(p.source)}</td><td>${p.depositor}</td><td class="num">${won(p.amountKrw)}원</td></tr>`)}</tbody></table>` : ''}
<p class="stamp">위 금액을 정히 영수합니다.<br>${kstDateTime(ctx.clock.now()).slice(0, 10)}<br><strong>${supplier.name}</strong></p>
</body></html>`;
      return sendHtml(reply, 200, body.html);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return sendHtml(reply, e.status, page({ lang, title: t('영수증', 'Receipt'), path: BILLS_PATH, user: call.user, csrfToken: call.csrfToken, body: html`<h1>${t('영수증', 'Receipt')}</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${BILLS_PATH}">${t('결제완료/미납내역으로', 'Back to bills')}</a></p>` }));
    }
  });
}
