/**
 * Bank notices for the operator console: those of one bill (the notices whose payments went to it, and its CMS
 * debit results), and those applied to nothing — an account we do not know (partner_id null), kept so the money
 * can be traced and returned by hand. Read-only.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import '../tables.ts';

export interface BankNoticeView {
  id: number;
  transactionId: string;
  kind: 'deposit' | 'deposit_cancel' | 'debit_result';
  partnerId: number | null;
  bankCode: string;
  accountNo: string;
  amountKrw: number;
  depositor: string;
  occurredAt: Date;
  receivedAt: Date;
  cancelsId: string | null;
  resultCode: string;
}

const COLUMNS = ['n.id', 'n.transaction_id', 'n.kind', 'n.partner_id', 'n.bank_code', 'n.account_no', 'n.amount_krw', 'n.depositor', 'n.occurred_at', 'n.received_at', 'n.cancels_id', 'n.result_code'] as const;

type Row = { id: number; transaction_id: string; kind: BankNoticeView['kind']; partner_id: number | null; bank_code: string; account_no: string; amount_krw: number; depositor: string; occurred_at: Date; received_at: Date; cancels_id: string | null; result_code: string };

const view = (n: Row): BankNoticeView => ({
  id: Number(n.id), transactionId: n.transaction_id, kind: n.kind, partnerId: n.partner_id === null ? null : Number(n.partner_id), bankCode: n.bank_code,
  accountNo: n.account_no, amountKrw: Number(n.amount_krw), depositor: n.depositor, occurredAt: new Date(n.occurred_at), receivedAt: new Date(n.received_at),
  cancelsId: n.cancels_id, resultCode: n.result_code,
});

/** Notices applied to nothing: the account was not one of ours (newest first). */
export async function listUnmatchedNotices(ctx: Ctx, opts: { limit?: number } = {}): Promise<BankNoticeView[]> {
  const rows = await ctx.db.selectFrom('bank_notices as n').select(COLUMNS).where('n.partner_id', 'is', null).orderBy('n.occurred_at', 'desc').orderBy('n.id', 'desc').limit(opts.limit ?? 200).execute();
  return rows.map((r) => view(r as Row));
}

/** The notices behind a bill's payments, their cancellations, and its CMS debit results (oldest first). */
export async function listBillNotices(ctx: Ctx, billId: number): Promise<BankNoticeView[]> {
  const rows = await ctx.db
    .selectFrom('bank_notices as n')
    .select(COLUMNS)
    .where((eb) => eb.or([
      eb('n.id', 'in', eb.selectFrom('bill_payments').select('notice_id').where('bill_id', '=', billId).where('notice_id', 'is not', null).$castTo<number>()),
      eb('n.cancels_id', 'in', eb.selectFrom('bill_payments as p').innerJoin('bank_notices as d', 'd.id', 'p.notice_id').select('d.transaction_id').where('p.bill_id', '=', billId)),
      eb('n.debit_id', 'in', eb.selectFrom('cms_debits').select(sql<number>`id`.as('id')).where('bill_id', '=', billId)),
    ]))
    .orderBy('n.occurred_at')
    .orderBy('n.id')
    .execute();
  return rows.map((r) => view(r as Row));
}
