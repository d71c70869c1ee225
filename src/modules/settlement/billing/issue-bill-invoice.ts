/**
 * A bill's tax invoice (docs/settlement.md "The invoice"): the platform's issuer subscription (platform-issuer.ts)
 * issues a real 세금계산서 through the documents module to the partner's company, then files it with the NTS.
 *
 *   buyer      the partner's portal user (partners.user_id → portal_users): bizno, com_name, ceo_name, addr,
 *              uptae, jongmok; its email is the buyer's contact, so the documents module mails the invoice
 *   write date the billing date (KST, bills.billed_at); 청구 (purpose claim); payment 외상미수금 (credit) = total
 *   lines      one per bill line (품명 = the unit, 수량, 단가, 공급가액); each line's 세액 is floor(10 %) and the
 *              won left to reach the bill's VAT (fewer won than lines) go one each to the largest lines, so
 *              Σ supply = bills.supply_krw and Σ tax = bills.vat_krw exactly (every line within ±1 won of 10 %)
 *   remark     주문번호 and the period
 *   once       insertDocument(issue: true, subkey: bills.invoice_subkey): a retry after a crash finds the first
 *              document; requestFiling then queues it with the NTS (an already queued / filed one is left as it is)
 *
 * bills.invoice_document_id is set once the invoice is issued, before filing. Bills without it are issued by the next
 * billing tick; invoices never queued for filing (a certificate problem, a crash) are queued by it (fileBillInvoices).
 */
import type { Ctx } from '../../../platform/context.ts';
import { kstDate } from '../../../platform/clock.ts';
import { insertDocument } from '../../documents/insert-document.ts';
import { requestFiling } from '../../nts/request-filing.ts';
import { DOCUMENT_LIMITS, type DocumentLine } from '../../documents/model.ts';
import type { Tenant } from '../../subscriptions/authenticate-subscription.ts';
import { billingIssuer } from './platform-issuer.ts';
import '../tables.ts';

export interface InvoiceLineInput {
  name: string;
  quantity: number;
  unitPriceKrw: number;
  supplyKrw: number;
}

/** Line taxes: floor(10 %) each, the remainder to reach `vat` one won each to the largest lines. */
export function allocateVat(lines: { supplyKrw: number }[], vat: number): number[] {
  const taxes = lines.map((l) => Math.floor(l.supplyKrw / 10));
  let left = vat - taxes.reduce((s, t) => s + t, 0);
  const order = lines.map((l, i) => i).sort((a, b) => lines[b]!.supplyKrw - lines[a]!.supplyKrw || a - b);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) taxes[order[k]!]! += 1;
  return taxes;
}

/** Issue (or find) and file the invoices of bills that have none yet. Returns how many were issued now. */
export async function issuePendingInvoices(ctx: Ctx, opts: { limit?: number } = {}): Promise<number> {
  const bills = await ctx.db.selectFrom('bills').select('id').where('invoice_document_id', 'is', null).orderBy('id').limit(opts.limit ?? 100).execute();
  if (bills.length === 0) return 0;
  const issuer = await billingIssuer(ctx);
  if (!issuer) {
    ctx.log.warn({ pending: bills.length }, 'bill invoices pending: no issuer (HANBILL_BILLING_ISSUER_SUBSCRIPTION)');
    return 0;
  }
  let n = 0;
  for (const b of bills) {
    try {
      if (await issueBillInvoice(ctx, issuer, Number(b.id))) n++;
    } catch (err) {
      ctx.log.warn({ billId: b.id, err: String(err) }, 'bill invoice not issued (retried by the next billing tick)');
    }
  }
  return n;
}

/** Queue an issued invoice with the NTS unless it is queued, sent or filed already. */
async function fileInvoice(ctx: Ctx, issuer: Tenant, dockey: string, ntsState: string | null): Promise<void> {
  if (ntsState === '1' || ntsState === '2' || ntsState === '3') return;
  const [answer] = await requestFiling(ctx, issuer, [dockey]);
  if (answer?.error && answer.error.code !== 'not_fileable') throw answer.error;
}

/** Bill invoices issued but never queued for filing (a crash or a certificate problem after the issue): queue them. */
export async function fileBillInvoices(ctx: Ctx, opts: { limit?: number } = {}): Promise<number> {
  const rows = await ctx.db
    .selectFrom('bills as b')
    .innerJoin('documents as d', 'd.id', 'b.invoice_document_id')
    .innerJoin('subscriptions as s', 's.id', 'd.subscription_id')
    .select(['d.dockey', 'd.nts_state', 'd.subscription_id', 's.member_id', 's.package_id'])
    .where('d.nts_state', '=', '0')
    .where('d.doc_state', '<>', 'D')
    .orderBy('b.id')
    .limit(opts.limit ?? 100)
    .execute();
  let n = 0;
  for (const r of rows) {
    // filed by the subscription that issued it (the issuer may have been configured since)
    const tenant: Tenant = { subscriptionId: Number(r.subscription_id), memberId: Number(r.member_id), packageId: Number(r.package_id) };
    try {
      await fileInvoice(ctx, tenant, r.dockey, r.nts_state);
      n++;
    } catch (err) {
      ctx.log.warn({ dockey: r.dockey, err: String(err) }, 'bill invoice not queued for filing (retried by the next billing tick)');
    }
  }
  return n;
}

/** One bill's invoice. false when the bill already had it. */
export async function issueBillInvoice(ctx: Ctx, issuer: Tenant, billId: number): Promise<boolean> {
  const bill = await ctx.db.selectFrom('bills').selectAll().where('id', '=', billId).executeTakeFirstOrThrow();
  if (bill.invoice_document_id !== null) return false;
  const buyer = await ctx.db
    .selectFrom('partners as p')
    .innerJoin('portal_users as u', 'u.id', 'p.user_id')
    .select(['u.bizno', 'u.com_name', 'u.ceo_name', 'u.addr', 'u.uptae', 'u.jongmok', 'u.email', 'u.name'])
    .where('p.id', '=', bill.partner_id)
    .executeTakeFirstOrThrow();
  if (!buyer.bizno || !buyer.com_name) throw new Error(`partner ${bill.partner_id} has no company (business number, name) to invoice`);
  const lines = await ctx.db.selectFrom('bill_lines').selectAll().where('bill_id', '=', billId).orderBy('line_no').execute();
  const writeDate = kstDate(new Date(bill.billed_at));
  const month = Number(writeDate.slice(4, 6));
  const day = Number(writeDate.slice(6, 8));
  const supply = Number(bill.supply_krw);
  const vat = Number(bill.vat_krw);
  const usageMonth = kstDate(new Date(bill.usage_from));
  const period = `${usageMonth.slice(0, 4)}-${usageMonth.slice(4, 6)}`;
  const asLines: InvoiceLineInput[] =
    lines.length <= DOCUMENT_LIMITS.maxLines
      ? lines.map((l) => ({ name: l.name, quantity: Number(l.quantity), unitPriceKrw: Number(l.unit_price_krw), supplyKrw: Number(l.supply_krw) }))
      : [{ name: `${period} 이용료`, quantity: 1, unitPriceKrw: supply, supplyKrw: supply }];
  const taxes = allocateVat(asLines, vat);
  const docLines: DocumentLine[] = asLines.map((l, i) => ({
    month, day,
    name: `${l.name} (${period})`.slice(0, 100),
    quantity: String(l.quantity),
    unitPrice: String(l.unitPriceKrw),
    supply: l.supplyKrw,
    tax: taxes[i]!,
  }));
  const input = {
    kind: 'tax_invoice',
    taxType: 'regular',
    consignment: false,
    purpose: 'claim',
    writeDate,
    supplier: {},
    buyer: {
      idType: 'business',
      id: buyer.bizno,
      name: buyer.com_name,
      ...(buyer.ceo_name ? { ceoName: buyer.ceo_name } : {}),
      ...(buyer.addr ? { address: buyer.addr } : {}),
      ...(buyer.uptae ? { businessType: buyer.uptae } : {}),
      ...(buyer.jongmok ? { businessItem: buyer.jongmok } : {}),
      contacts: [{ name: buyer.name, email: buyer.email }],
    },
    amounts: { supply, tax: vat, total: supply + vat },
    payments: { cash: 0, check: 0, note: 0, credit: supply + vat },
    lines: docLines,
    remarks: [`주문번호 ${bill.order_no}`, `${period} 이용분 (연동 API 이용료)`],
  };
  const written = await insertDocument(ctx, issuer, { input, issue: true, subkey: bill.invoice_subkey });
  const doc = written.document;
  // the bill has its invoice from here on; filing follows (a failure there is retried by fileBillInvoices)
  await ctx.db.updateTable('bills').set({ invoice_document_id: doc.id, updated_at: ctx.clock.now() }).where('id', '=', billId).where('invoice_document_id', 'is', null).execute();
  ctx.log.info({ billId, orderNo: bill.order_no, dockey: doc.dockey, issueId: doc.nts_issue_id, created: written.created }, 'bill invoice issued');
  await fileInvoice(ctx, issuer, doc.dockey, doc.nts_state);
  return true;
}
