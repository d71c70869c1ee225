/**
 * The monthly billing run (docs/settlement.md "Monthly billing"): for a KST month that has ended, one bill per
 * partner with usage whose supply is > 0. Safe to repeat, to run twice at once and to resume after a crash:
 *
 *   billing_runs (period) upserted ─► for each partner with ledger rows in the month and no bill of it yet, in one
 *   transaction: the bill INSERT … ON CONFLICT (partner_id, period) DO NOTHING (the double-billing guard) with its
 *   lines (per unit and unit price, from the expected-charges reader), VAT = floor(supply × 10 / 100) once on
 *   the bill, 주문번호 YYMM + 6 digits of bill_order_seq, the partner's credit applied (bill_payments 'credit' +
 *   billing_credit_entries 'applied') and refreshBill ─► the run marked finished with the period's bill count.
 *
 * A zero-usage month (or one whose usage is all at 0 won) makes no bill. The tax invoices are issued after the
 * bills (issue-bill-invoice.ts): by this run when it can, else by the next billing tick.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { metrics } from '../../../platform/metrics.ts';
import { chargeTypeName, expectedChargeLines, vatOf } from '../expected-charges.ts';
import { dueAtOf, orderNoOf, readPeriod, type BillingPeriod } from './billing-period.ts';
import { billSummary, refreshBill } from './bill-state.ts';
import { recordEvent } from '../../events/record-event.ts';
import { issuePendingInvoices } from './issue-bill-invoice.ts';
import '../tables.ts';

export interface BillingRunResult {
  period: string;
  /** bills this call made */
  billsCreated: number;
  /** bills of the period, whoever made them */
  billsTotal: number;
  finished: boolean;
}

export interface BillingRunOptions {
  period: string;
  /** 'schedule' | 'operator:<id>' | 'dev' */
  startedBy: string;
  /** Tests: called after each bill this call made (throw to simulate a crash midway). */
  afterBill?: (billsCreated: number) => void | Promise<void>;
  /** Issue the new bills' tax invoices right after (default true; the tick issues what is left). */
  issueInvoices?: boolean;
}

export async function runBilling(ctx: Ctx, opts: BillingRunOptions): Promise<BillingRunResult> {
  const period = readPeriod(opts.period);
  const now = ctx.clock.now();
  if (now.getTime() < period.to.getTime()) {
    throw new AppError('billing_period_open', `${period.period}은(는) 아직 끝나지 않았습니다 (the month has not ended: it is billed from ${period.to.toISOString()})`, { field: 'period' });
  }
  await ctx.db
    .insertInto('billing_runs')
    .values({ period: period.periodDate, started_at: now, started_by: opts.startedBy })
    .onConflict((oc) => oc.column('period').doNothing())
    .execute();

  let created = 0;
  try {
    for (const partnerId of await unbilledPartners(ctx, period)) {
      if (await billPartner(ctx, partnerId, period)) {
        created++;
        await opts.afterBill?.(created);
      }
    }
  } catch (err) {
    await ctx.db.updateTable('billing_runs').set({ last_error: String((err as Error).message ?? err).slice(0, 500) }).where('period', '=', period.periodDate).execute();
    ctx.log.warn({ period: period.period, billsCreated: created, err: String(err) }, 'billing run stopped (it resumes when run again)');
    metrics.inc('hanbill_billing_runs_total', { outcome: 'stopped' });
    throw err;
  }
  const total = await countBills(ctx, period);
  await ctx.db
    .updateTable('billing_runs')
    .set({ finished_at: sql`coalesce(finished_at, ${ctx.clock.now()})`, bills_created: total, last_error: null })
    .where('period', '=', period.periodDate)
    .execute();
  ctx.log.info({ period: period.period, billsCreated: created, billsTotal: total, startedBy: opts.startedBy }, 'billing run finished');
  metrics.inc('hanbill_billing_runs_total', { outcome: 'finished' });
  metrics.set('hanbill_billing_last_run_timestamp_seconds', {}, Math.floor(ctx.clock.now().getTime() / 1000));
  if (opts.issueInvoices !== false && created > 0) {
    try {
      await issuePendingInvoices(ctx);
    } catch (err) {
      ctx.log.warn({ period: period.period, err: String(err) }, 'bill invoices not issued now: the billing tick retries');
    }
  }
  return { period: period.period, billsCreated: created, billsTotal: total, finished: true };
}

/** Partners with ledger rows in the month and no bill of it yet (per partner through usage_records_partner_idx). */
async function unbilledPartners(ctx: Ctx, period: BillingPeriod): Promise<number[]> {
  const r = await sql<{ id: number }>`
    SELECT p.id FROM partners p
     WHERE EXISTS (SELECT 1 FROM usage_records u WHERE u.partner_id = p.id AND u.occurred_at >= ${period.from} AND u.occurred_at < ${period.to})
       AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.partner_id = p.id AND b.period = ${period.periodDate}::date)
     ORDER BY p.id`.execute(ctx.db);
  return r.rows.map((p) => Number(p.id));
}

async function countBills(ctx: Ctx, period: BillingPeriod): Promise<number> {
  const r = await ctx.db.selectFrom('bills').select(sql<string>`count(*)`.as('n')).where('period', '=', period.periodDate).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** One partner's bill of the period, in one transaction. false: no bill (nothing to charge, or one exists). */
export async function billPartner(ctx: Ctx, partnerId: number, period: BillingPeriod): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const lines = (await expectedChargeLines(tx, partnerId, period)).filter((l) => l.supplyKrw > 0);
    const supply = lines.reduce((s, l) => s + l.supplyKrw, 0);
    if (supply <= 0) return false;
    const vat = vatOf(supply);
    const now = ctx.clock.now();
    const account = await tx.selectFrom('billing_accounts').select(['method']).where('partner_id', '=', partnerId).executeTakeFirst();
    const seq = await sql<{ n: string }>`SELECT nextval('bill_order_seq') AS n`.execute(tx);
    const orderNo = orderNoOf(period, Number(seq.rows[0]!.n));
    const bill = await tx
      .insertInto('bills')
      .values({
        order_no: orderNo,
        partner_id: partnerId,
        period: period.periodDate,
        usage_from: period.from,
        usage_to: period.to,
        supply_krw: supply,
        vat_krw: vat,
        total_krw: supply + vat,
        method: account?.method ?? 'virtual_account',
        billed_at: now,
        due_at: dueAtOf(now, ctx.config.billing.dueDays),
        invoice_subkey: `bill-${orderNo}`,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['partner_id', 'period']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!bill) return false; // another run made it (it waited for that run's commit)
    const billId = Number(bill.id);
    await tx
      .insertInto('bill_lines')
      .values(lines.map((l, i) => ({
        bill_id: billId,
        line_no: i + 1,
        unit_id: l.unitId,
        metered_item: l.meteredItem,
        name: chargeTypeName(l.type),
        quantity: l.quantity,
        unit_price_krw: l.unitPriceKrw,
        supply_krw: l.supplyKrw,
      })))
      .execute();
    // bill.issued before refreshBill: a bill the partner's credit pays at once reads issued, then paid
    await recordEvent(tx, { type: 'bill.issued', partnerId, objectId: orderNo, state: 'due', at: now, data: billSummary({ order_no: orderNo, period: period.periodDate, total_krw: supply + vat, due_at: dueAtOf(now, ctx.config.billing.dueDays) }, 0) });
    await applyCredit(ctx, tx, partnerId, billId, supply + vat);
    await refreshBill(ctx, tx, billId);
    ctx.log.info({ partnerId, period: period.period, orderNo, supply, vat }, 'bill made');
    return true;
  });
}

/** Spend the partner's credit (over-payments) on a new bill: a 'credit' payment and an 'applied' credit entry. */
async function applyCredit(ctx: Ctx, tx: Parameters<typeof refreshBill>[1], partnerId: number, billId: number, total: number): Promise<void> {
  const acct = await tx.selectFrom('billing_accounts').select('credit_krw').where('partner_id', '=', partnerId).forUpdate().executeTakeFirst();
  const apply = Math.min(Number(acct?.credit_krw ?? 0), total);
  if (apply <= 0) return;
  const now = ctx.clock.now();
  await tx.insertInto('bill_payments').values({ bill_id: billId, partner_id: partnerId, source: 'credit', amount_krw: apply, paid_at: now, created_at: now }).execute();
  await tx.insertInto('billing_credit_entries').values({ partner_id: partnerId, amount_krw: -apply, reason: 'applied', bill_id: billId, created_at: now }).execute();
  await tx.updateTable('billing_accounts').set({ credit_krw: sql`credit_krw - ${apply}`, updated_at: now }).where('partner_id', '=', partnerId).execute();
}
