/**
 * A bill's state from its money and the clock, and the partner's suspension for arrears — the rules every
 * writer of bills and payments shares (billing run, bank notices, CMS results, adjustments, the arrears sweep):
 *
 *   paid_krw = Σ amount of the bill's payments not reversed
 *   state    = 'paid' when paid_krw ≥ total_krw; else 'overdue' from due_at on; else 'due'
 *
 * A partner with an overdue bill is suspended for arrears (suspension_kind 'arrears'); the moment it has none
 * left, that suspension is lifted — but never an operator's. Both are audited as the system.
 * Events (src/modules/events): a bill turning paid or overdue records `bill.paid` / `bill.overdue` (object: the
 * order number); a suspension or its lifting `partner.suspended` / `partner.restored` (object: the partner id).
 * Call inside the transaction that changed the money, after the change.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { audit, SYSTEM_ACTOR } from '../../access/audit-log.ts';
import type { BillState } from '../tables.ts';
import { recordEvent } from '../../events/record-event.ts';
import '../tables.ts';

export interface RefreshedBill {
  id: number;
  partnerId: number;
  state: BillState;
  previous: BillState;
  totalKrw: number;
  paidKrw: number;
}

/** Recompute paid_krw and state of a bill (locking it); paid_at / overdue_at are set when first reached. */
export async function refreshBill(ctx: Ctx, tx: Tx, billId: number): Promise<RefreshedBill> {
  const now = ctx.clock.now();
  const bill = await tx.selectFrom('bills').select(['id', 'partner_id', 'order_no', 'period', 'state', 'total_krw', 'due_at', 'paid_at', 'overdue_at']).where('id', '=', billId).forUpdate().executeTakeFirstOrThrow();
  const sum = await tx
    .selectFrom('bill_payments')
    .select(sql<string>`coalesce(sum(amount_krw), 0)`.as('paid'))
    .where('bill_id', '=', billId)
    .where('reversed_at', 'is', null)
    .executeTakeFirstOrThrow();
  const paid = Number(sum.paid);
  const total = Number(bill.total_krw);
  const state: BillState = paid >= total ? 'paid' : now.getTime() >= new Date(bill.due_at).getTime() ? 'overdue' : 'due';
  await tx
    .updateTable('bills')
    .set({
      paid_krw: paid,
      state,
      paid_at: state === 'paid' ? (bill.paid_at ?? now) : null,
      overdue_at: state === 'overdue' ? (bill.overdue_at ?? now) : bill.overdue_at,
      updated_at: now,
    })
    .where('id', '=', billId)
    .execute();
  if (state !== bill.state && (state === 'paid' || state === 'overdue')) {
    await recordEvent(tx, {
      type: state === 'paid' ? 'bill.paid' : 'bill.overdue',
      partnerId: Number(bill.partner_id),
      objectId: bill.order_no,
      state,
      at: now,
      data: billSummary(bill, paid),
    });
  }
  return { id: billId, partnerId: Number(bill.partner_id), state, previous: bill.state, totalKrw: total, paidKrw: paid };
}

/** What a bill event carries: the order number, the period (YYYY-MM), the total, what is paid, the due date. */
export function billSummary(bill: { order_no: string; period: string | Date; total_krw: number | string; due_at: Date | string }, paidKrw: number): Record<string, unknown> {
  const period = (bill.period instanceof Date ? bill.period.toISOString() : String(bill.period)).slice(0, 7);
  return { orderNo: bill.order_no, period, totalKrw: Number(bill.total_krw), paidKrw, dueAt: new Date(bill.due_at).toISOString() };
}

/** Suspend for arrears (an active partner only: an operator's suspension stays the operator's). */
export async function suspendForArrears(ctx: Ctx, tx: Tx, partnerId: number, orderNos: string[]): Promise<boolean> {
  const now = ctx.clock.now();
  const reason = `미납 요금이 있습니다 (주문번호 ${orderNos.join(', ')}): 납부하시면 즉시 해제됩니다`;
  const r = await tx
    .updateTable('partners')
    .set({ state: 'suspended', suspension_kind: 'arrears', suspended_reason: reason, suspended_at: now, updated_at: now })
    .where('id', '=', partnerId)
    .where('state', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  if (r) {
    await audit(tx, SYSTEM_ACTOR, { action: 'partner.suspended', targetKind: 'partner', targetId: partnerId, details: { reason, kind: 'arrears', orderNos } });
    await recordEvent(tx, { type: 'partner.suspended', partnerId, objectId: String(partnerId), state: 'suspended', at: now, data: { kind: 'arrears', orderNos } });
  }
  return r !== undefined;
}

/** Lift a suspension for arrears once the partner has no overdue bill left. */
export async function liftArrearsIfCleared(ctx: Ctx, tx: Tx, partnerId: number): Promise<boolean> {
  const open = await tx.selectFrom('bills').select('id').where('partner_id', '=', partnerId).where('state', '=', 'overdue').limit(1).executeTakeFirst();
  if (open) return false;
  const now = ctx.clock.now();
  const r = await tx
    .updateTable('partners')
    .set({ state: 'active', suspension_kind: '', suspended_reason: '', suspended_at: null, updated_at: now })
    .where('id', '=', partnerId)
    .where('state', '=', 'suspended')
    .where('suspension_kind', '=', 'arrears')
    .returning('id')
    .executeTakeFirst();
  if (r) {
    await audit(tx, SYSTEM_ACTOR, { action: 'partner.restored', targetKind: 'partner', targetId: partnerId, details: { kind: 'arrears' } });
    await recordEvent(tx, { type: 'partner.restored', partnerId, objectId: String(partnerId), state: 'active', at: now, data: { kind: 'arrears' } });
  }
  return r !== undefined;
}
