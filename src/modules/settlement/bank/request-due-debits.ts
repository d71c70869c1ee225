/**
 * CMS debits (추심) on the due date: for each bill not paid whose method is cms, whose partner's withdrawal consent
 * is live, whose due date (KST) has come (now ≥ due_at − 1 day: due_at is the end of the due date) and that has no
 * debit yet — insert the cms_debits row first (unique bill_id + attempt; amount = the remainder), commit, then ask
 * the bank with requestId "debit:<id>". The result comes back as a debit_result notice (apply-debit-result.ts).
 *
 * A debit whose call failed or whose process died before the call stays 'requested' without a result; it is sent
 * again with the same requestId ten minutes after it was requested (the bank answers a requestId once). Called by
 * the billing tick (src/composition/billing.ts). Answers the number of debits newly requested.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { BankRefusedError, type BankGateway } from './bank-gateway.ts';
import '../tables.ts';

const DAY_MS = 86_400_000;
const RESEND_AFTER_MS = 10 * 60_000;

export async function requestDueDebits(ctx: Ctx, gateway: BankGateway): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('bills as b')
    .innerJoin('billing_accounts as a', 'a.partner_id', 'b.partner_id')
    .select(['b.id', 'b.partner_id', 'b.total_krw', 'b.paid_krw'])
    .where('b.state', '<>', 'paid')
    .where('b.method', '=', 'cms')
    .where('a.method', '=', 'cms')
    .where('a.cms_consent_at', 'is not', null)
    .where('a.cms_payer_ref', 'is not', null)
    .where((eb) => eb.or([eb('a.cms_withdrawn_at', 'is', null), eb('a.cms_withdrawn_at', '<', eb.ref('a.cms_consent_at'))]))
    .where('b.due_at', '<=', new Date(now.getTime() + DAY_MS))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('cms_debits as d').select('d.id').whereRef('d.bill_id', '=', 'b.id'))))
    .orderBy('b.id')
    .limit(500)
    .execute();
  let requested = 0;
  for (const bill of due) {
    const remainder = Number(bill.total_krw) - Number(bill.paid_krw);
    if (remainder <= 0) continue;
    const row = await ctx.db
      .insertInto('cms_debits')
      .values({ bill_id: Number(bill.id), partner_id: Number(bill.partner_id), attempt: 1, amount_krw: remainder, requested_at: now })
      .onConflict((oc) => oc.columns(['bill_id', 'attempt']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) continue; // another tick took it
    requested++;
    await send(ctx, gateway, Number(row.id));
  }
  // debits requested but never answered (the call failed, or the process died before it): the same requestId again
  const stale = await ctx.db
    .selectFrom('cms_debits')
    .select('id')
    .where('state', '=', 'requested')
    .where('requested_at', '<=', new Date(now.getTime() - RESEND_AFTER_MS))
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM bank_notices n WHERE n.debit_id = cms_debits.id)`)
    .orderBy('id')
    .limit(500)
    .execute();
  for (const d of stale) await send(ctx, gateway, Number(d.id));
  return requested;
}

async function send(ctx: Ctx, gateway: BankGateway, debitId: number): Promise<void> {
  const d = await ctx.db
    .selectFrom('cms_debits as d')
    .innerJoin('billing_accounts as a', 'a.partner_id', 'd.partner_id')
    .select(['d.id', 'd.amount_krw', 'a.cms_payer_ref'])
    .where('d.id', '=', debitId)
    .executeTakeFirstOrThrow();
  try {
    await gateway.requestDebit({ requestId: `debit:${debitId}`, payerId: d.cms_payer_ref ?? '', amountKrw: Number(d.amount_krw) });
  } catch (err) {
    if (err instanceof BankRefusedError) {
      // refused outright (e.g. the payer is not registered): failed with the bank's code, like a failed result
      await ctx.db.updateTable('cms_debits').set({ state: 'failed', result_code: err.code.slice(0, 20), result_at: ctx.clock.now() }).where('id', '=', debitId).where('state', '=', 'requested').execute();
      ctx.log.warn({ debitId, code: err.code, err: err.message }, 'CMS debit refused by the bank');
      return;
    }
    ctx.log.warn({ debitId, err: String(err) }, 'CMS debit request failed: sent again later with the same requestId');
  }
}
