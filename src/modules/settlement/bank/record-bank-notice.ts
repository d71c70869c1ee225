/**
 * Keep a bank notice: INSERT … ON CONFLICT (transaction_id) DO NOTHING. Only the call that inserted it applies it;
 * a repeat (the bank's retry, a duplicate push, a lost acknowledgement) finds the row and changes nothing.
 * Also: the billing account row of a partner locked for the notice's transaction (one notice of a partner at a
 * time: deposits, cancellations and debit results never interleave on its bills and credit).
 */
import type { Tx } from '../../../platform/db/transaction.ts';
import type { BankNoticesTable } from '../tables.ts';
import type { Insertable } from 'kysely';
import '../tables.ts';

export async function insertNotice(tx: Tx, row: Insertable<BankNoticesTable>): Promise<number | undefined> {
  const r = await tx.insertInto('bank_notices').values(row).onConflict((oc) => oc.column('transaction_id').doNothing()).returning('id').executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

/** Lock the partner's billing account (the order every bank writer takes: account, then bills). */
export async function lockBillingAccount(tx: Tx, partnerId: number): Promise<{ credit: number } | undefined> {
  const r = await tx.selectFrom('billing_accounts').select('credit_krw').where('partner_id', '=', partnerId).forUpdate().executeTakeFirst();
  return r && { credit: Number(r.credit_krw) };
}
