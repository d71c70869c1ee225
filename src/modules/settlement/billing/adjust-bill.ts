/**
 * 청구서 조정 (operator): change a bill's supply by ±n won with a reason. In one transaction, the bill locked:
 *
 *   new supply = supply + Δ (never below 0); new VAT = floor(new supply × 10 / 100) (the bill's rule, once on
 *   the whole supply); VAT Δ = new VAT − old VAT; total = new supply + new VAT.
 *
 * When the bill's tax invoice was issued (it has a 국세청 승인번호), a **수정세금계산서** goes out for the
 * difference through the documents module — amendment reason 02 (공급가액 변동), the original approval number,
 * the same issuer subscription (the invoice document's), Δ and VAT Δ (negative for a reduction), written today
 * (KST) — issued and mailed like any document, and requested for NTS filing when the original was requested.
 * Before the invoice is issued only the bill changes (the invoice, when issued, carries the new amounts: a bill
 * line records the adjustment). Then refreshBill: a reduction below what was already paid leaves the excess as
 * credit (billing_accounts.credit_krw, a billing_credit_entries row 'adjustment'); a bill paid by it lifts an
 * arrears suspension. Audited as bill.adjusted.
 *
 * Exactly once: the adjustment's invoice subkey `<order no>-A<n>` (n = the bill's adjustments + 1, counted under
 * the bill's lock) is unique in bill_adjustments and is the amended document's subkey; a REST Idempotency-Key
 * replays the first answer; the console's form sends `seenAdjustments` (the count it showed), so a double submit
 * is refused instead of adjusting twice.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { withDb } from '../../../platform/context.ts';
import { inTransaction, type Tx } from '../../../platform/db/transaction.ts';
import { AppError, invalidError } from '../../../platform/errors.ts';
import { kstDate, kstParts } from '../../../platform/clock.ts';
import { optionalInteger, requiredInteger, requiredString, type Input } from '../../../platform/input.ts';
import { audit, type Actor } from '../../access/audit-log.ts';
import { insertDocument } from '../../documents/insert-document.ts';
import type { DocumentInput } from '../../documents/model.ts';
import { requestFiling } from '../../nts/request-filing.ts';
import { vatOf } from '../expected-charges.ts';
import { liftArrearsIfCleared, refreshBill } from './bill-state.ts';
import { billNotFound } from './list-bills.ts';
import { orderNoField } from './get-bill.ts';
import '../tables.ts';

export const MAX_ADJUSTMENT_KRW = 1_000_000_000_000;
export const MAX_REASON_LENGTH = 200;

export interface AdjustBillResult {
  adjustmentId: number;
  orderNo: string;
  supplyDeltaKrw: number;
  vatDeltaKrw: number;
  /** the bill after the change */
  supplyKrw: number;
  vatKrw: number;
  totalKrw: number;
  creditKrw: number;
  /** the 수정세금계산서, when the bill's invoice had been issued */
  amendedInvoice: { dockey: string; ntsIssueId: string; originalIssueId: string; filingRequested: boolean } | null;
}

/** The amended invoice for Δ: the original's parties and kind, reason 02, one line, written today (KST). */
export function amendedInvoiceInput(original: DocumentInput, originalIssueId: string, o: { today: Date; orderNo: string; period: string; supplyDelta: number; vatDelta: number; reason: string }): DocumentInput {
  const p = kstParts(o.today);
  const reduction = o.supplyDelta < 0;
  return {
    kind: original.kind,
    taxType: original.taxType,
    consignment: false,
    purpose: original.purpose,
    writeDate: kstDate(o.today),
    supplier: original.supplier,
    buyer: original.buyer,
    amendment: { reasonCode: '02', originalIssueId },
    amounts: { supply: o.supplyDelta, tax: o.vatDelta, total: o.supplyDelta + o.vatDelta },
    remarks: [`주문번호 ${o.orderNo} 공급가액 변동: ${o.reason}`.slice(0, 150)],
    lines: [{
      month: p.month, day: p.day, name: `${o.period} 이용요금 조정`,
      quantity: reduction ? '-1' : '1', unitPrice: String(Math.abs(o.supplyDelta)), supply: o.supplyDelta, tax: o.vatDelta,
    }],
  };
}

async function addCredit(ctx: Ctx, tx: Tx, partnerId: number, billId: number, amount: number): Promise<number> {
  if (amount === 0) return 0;
  const now = ctx.clock.now();
  await tx.insertInto('billing_accounts').values({ partner_id: partnerId }).onConflict((oc) => oc.column('partner_id').doNothing()).execute();
  const acct = await tx.selectFrom('billing_accounts').select('credit_krw').where('partner_id', '=', partnerId).forUpdate().executeTakeFirstOrThrow();
  // taking credit back (an increase after a reduction had credited the excess) stops at what is left of it
  const applied = amount > 0 ? amount : -Math.min(Number(acct.credit_krw), -amount);
  if (applied === 0) return 0;
  await tx.updateTable('billing_accounts').set({ credit_krw: sql`credit_krw + ${applied}`, updated_at: now }).where('partner_id', '=', partnerId).execute();
  await tx.insertInto('billing_credit_entries').values({ partner_id: partnerId, amount_krw: applied, reason: 'adjustment', bill_id: billId, created_at: now }).execute();
  return applied;
}

export async function adjustBill(ctx: Ctx, op: Actor, orderNoInput: unknown, input: Input): Promise<AdjustBillResult> {
  const orderNo = orderNoField(orderNoInput);
  const delta = requiredInteger(input, 'supplyDeltaKrw', { min: -MAX_ADJUSTMENT_KRW, max: MAX_ADJUSTMENT_KRW });
  if (delta === 0) throw invalidError('supplyDeltaKrw', '0이 아닌 금액이어야 합니다 (a non-zero amount of won)');
  const reason = requiredString(input, 'reason', { max: MAX_REASON_LENGTH });
  const seen = optionalInteger(input, 'seenAdjustments', { min: 0 });

  return inTransaction(ctx.db, async (tx) => {
    const tctx = withDb(ctx, tx);
    const now = ctx.clock.now();
    const bill = await tx.selectFrom('bills').selectAll().where('order_no', '=', orderNo).forUpdate().executeTakeFirst();
    if (!bill) throw billNotFound(orderNo);
    const oldSupply = Number(bill.supply_krw);
    const oldVat = Number(bill.vat_krw);
    const oldTotal = Number(bill.total_krw);
    const supply = oldSupply + delta;
    if (supply < 0) throw invalidError('supplyDeltaKrw', `공급가액이 0원 미만이 됩니다: 현재 ${oldSupply}원 (the bill's supply, ${oldSupply} won, would go below 0)`);
    const vat = vatOf(supply);
    const vatDelta = vat - oldVat;
    const total = supply + vat;
    const n = await tx.selectFrom('bill_adjustments').select(sql<string>`count(*)`.as('n')).where('bill_id', '=', bill.id).executeTakeFirstOrThrow();
    // a form that showed the bill with k adjustments adjusts it once: sent again (double submit) it is refused
    if (seen !== undefined && seen !== Number(n.n)) {
      throw new AppError('bill_adjustment_refused', `주문번호 ${orderNo}에 다른 조정이 먼저 처리되었습니다, 새로 고친 후 다시 하세요 (another adjustment of this bill came first: reload and retry)`, { field: 'seenAdjustments' });
    }
    const subkey = `${orderNo}-A${Number(n.n) + 1}`;
    const period = String(bill.period).slice(0, 7);

    let amended: AdjustBillResult['amendedInvoice'] = null;
    let invoiceDocumentId: number | null = null;
    if (bill.invoice_document_id !== null) {
      const original = await tx.selectFrom('documents').selectAll().where('id', '=', bill.invoice_document_id).executeTakeFirstOrThrow();
      if (!original.nts_issue_id || original.proc_state !== 'S') {
        throw new AppError('bill_adjustment_refused', `주문번호 ${orderNo}의 세금계산서가 아직 발행되지 않았습니다 (the bill's tax invoice ${original.dockey} is not issued yet)`, { field: 'orderNo' });
      }
      const sub = await tx.selectFrom('subscriptions').select(['id', 'member_id', 'package_id']).where('id', '=', original.subscription_id).executeTakeFirstOrThrow();
      const tenant = { subscriptionId: Number(sub.id), memberId: Number(sub.member_id), packageId: Number(sub.package_id) };
      const doc = amendedInvoiceInput(original.body as DocumentInput, original.nts_issue_id, { today: now, orderNo, period, supplyDelta: delta, vatDelta, reason });
      const written = await insertDocument(tctx, tenant, { input: doc, issue: true, subkey });
      const filing = original.nts_state !== '0' ? await requestFiling(tctx, tenant, [written.document.dockey]) : [];
      invoiceDocumentId = written.document.id;
      amended = {
        dockey: written.document.dockey,
        ntsIssueId: written.document.nts_issue_id ?? '',
        originalIssueId: original.nts_issue_id,
        filingRequested: filing.length > 0 && filing[0]!.error === undefined,
      };
    }

    const adj = await tx
      .insertInto('bill_adjustments')
      .values({ bill_id: bill.id, supply_delta_krw: delta, vat_delta_krw: vatDelta, reason, operator_id: op.kind === 'operator' ? (op.id ?? null) : null, invoice_document_id: invoiceDocumentId, invoice_subkey: subkey, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const lastLine = await tx.selectFrom('bill_lines').select(sql<number | null>`max(line_no)`.as('n')).where('bill_id', '=', bill.id).executeTakeFirstOrThrow();
    await tx
      .insertInto('bill_lines')
      .values({ bill_id: bill.id, line_no: Number(lastLine.n ?? 0) + 1, unit_id: null, metered_item: 'adjustment', name: `조정: ${reason}`.slice(0, 200), quantity: delta < 0 ? -1 : 1, unit_price_krw: Math.abs(delta), supply_krw: delta })
      .execute();
    await tx.updateTable('bills').set({ supply_krw: supply, vat_krw: vat, total_krw: total, updated_at: now }).where('id', '=', bill.id).execute();
    const refreshed = await refreshBill(ctx, tx, bill.id);
    // money paid beyond the bill: what was beyond the old total is credited already (or spent), the rest is new
    const excess = (t: number) => Math.max(0, refreshed.paidKrw - t);
    const credit = await addCredit(ctx, tx, Number(bill.partner_id), bill.id, excess(total) - excess(oldTotal));
    if (refreshed.state !== 'overdue') await liftArrearsIfCleared(ctx, tx, Number(bill.partner_id));
    await audit(tx, op, {
      action: 'bill.adjusted', targetKind: 'bill', targetId: bill.id,
      details: { orderNo, reason, supplyDeltaKrw: delta, vatDeltaKrw: vatDelta, from: { supplyKrw: oldSupply, vatKrw: oldVat, totalKrw: oldTotal }, to: { supplyKrw: supply, vatKrw: vat, totalKrw: total }, creditKrw: credit, amendedDocument: amended?.dockey ?? null, amendedIssueId: amended?.ntsIssueId ?? null },
    });
    ctx.log.info({ orderNo, delta, vatDelta, amended: amended?.dockey }, 'bill adjusted');
    return { adjustmentId: Number(adj.id), orderNo, supplyDeltaKrw: delta, vatDeltaKrw: vatDelta, supplyKrw: supply, vatKrw: vat, totalKrw: total, creditKrw: credit, amendedInvoice: amended };
  });
}
