/**
 * A bill's state from its money and the clock, and the partner's suspension for arrears — the rules every
 * writer of bills and payments shares (billing run, bank notices, CMS results, adjustments, the arrears sweep):
 *
 *   paid_krw = Σ amount of the bill's payments not reversed
 *   state    = 'paid' when paid_krw ≥ total_krw; else 'overdue' from due_at on; else 'due'
 *
 * A partner with an overdue bill is suspended for arrears (suspension_kind 'arrears'); the moment it has none
 * left, that suspension is lifted — but never an operator's. Both are audited as the system.
 * Call inside the transaction that changed the money, after the change.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { audit, SYSTEM_ACTOR } from '../../access/audit-log.ts';
import type { BillState } from '../tables.ts';
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
  const bill = await tx.selectFrom('bills').select(['id', 'partner_id', 'state', 'total_krw', 'due_at', 'paid_at', 'overdue_at']).where('id', '=', billId).forUpdate().executeTakeFirstOrThrow();
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
  return { id: billId, partnerId: Number(bill.partner_id), state, previous: bill.state, totalKrw: total, paidKrw: paid };
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
  if (r) await audit(tx, SYSTEM_ACTOR, { action: 'partner.suspended', targetKind: 'partner', targetId: partnerId, details: { reason, kind: 'arrears', orderNos } });
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
  if (r) await audit(tx, SYSTEM_ACTOR, { action: 'partner.restored', targetKind: 'partner', targetId: partnerId, details: { kind: 'arrears' } });
  return r !== undefined;
}
