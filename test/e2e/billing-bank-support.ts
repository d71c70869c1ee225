/**
 * Helpers of the bank tests: their system (a database of its own, the notice secret, a fast simulator), bills inserted as SQL rows that satisfy migrations/0012
 * (the bank is tested apart from the monthly run: a bill is what the run would have written), and waiting for the
 * simulator's notices to be acknowledged.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import type { ManualClock } from '../../src/platform/clock.ts';

/**
 * The system of a bank test file: on PostgreSQL a database of its own (the billing tick and requestDueDebits of other
 * files work on every bill of a shared one), the file's clock, the bank's notice secret, the in-process simulator
 * answering after 10 ms. Its close() drops that database too.
 */
export async function startBankTestSystem(prefix: string, clock: ManualClock, secret = crypto.randomBytes(24).toString('base64url')): Promise<TestSystem> {
  const privateDb = await usePrivateDatabase(prefix);
  let sys: TestSystem;
  try {
    sys = await startTestSystem({ BANK_NOTICE_SECRET: secret, HANBILL_BANK_SIM_DELAY_MS: '10' }, { clock });
  } catch (err) {
    await privateDb.drop();
    throw err;
  }
  return {
    ...sys,
    close: async () => {
      await sys.close();
      await privateDb.drop();
    },
  };
}

export interface BillRow {
  id: number;
  orderNo: string;
}

let periodSeq = 0;

/** A bill of `partnerId`: total (VAT in), due at `dueAt`, method; period a distinct month in the past (older first when `monthsAgo` is larger). */
export async function insertBill(sys: TestSystem, partnerId: number, opts: { totalKrw: number; dueAt: Date; method?: 'virtual_account' | 'cms'; monthsAgo?: number }): Promise<BillRow> {
  const now = sys.ctx.clock.now();
  const monthsAgo = opts.monthsAgo ?? 1 + (periodSeq++ % 100);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
  const period = d.toISOString().slice(0, 10);
  const supply = Math.ceil((opts.totalKrw * 10) / 11);
  const vat = opts.totalKrw - supply;
  const r = await sys.database.pool.query<{ id: string; order_no: string }>(
    `INSERT INTO bills (order_no, partner_id, period, usage_from, usage_to, supply_krw, vat_krw, total_krw, method, billed_at, due_at, invoice_subkey)
     VALUES (to_char($2::date, 'YYMM') || lpad(nextval('bill_order_seq')::text, 6, '0'), $1, $2::date, $3, $4, $5, $6, $7, $8, $9, $10, 'bill-test-' || nextval('bill_order_seq'))
     RETURNING id, order_no`,
    [partnerId, period, d, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)), supply, vat, opts.totalKrw, opts.method ?? 'virtual_account', now, opts.dueAt],
  );
  return { id: Number(r.rows[0]!.id), orderNo: r.rows[0]!.order_no };
}

export async function billOf(sys: TestSystem, id: number): Promise<{ state: string; paid: number; total: number; paidAt: Date | null }> {
  const r = await sys.database.pool.query<{ state: string; paid_krw: string; total_krw: string; paid_at: Date | null }>('SELECT state, paid_krw, total_krw, paid_at FROM bills WHERE id = $1', [id]);
  const b = r.rows[0]!;
  return { state: b.state, paid: Number(b.paid_krw), total: Number(b.total_krw), paidAt: b.paid_at };
}

export async function creditOf(sys: TestSystem, partnerId: number): Promise<number> {
  const r = await sys.database.pool.query<{ credit_krw: string }>('SELECT credit_krw FROM billing_accounts WHERE partner_id = $1', [partnerId]);
  return Number(r.rows[0]?.credit_krw ?? 0);
}

export async function partnerState(sys: TestSystem, partnerId: number): Promise<{ state: string; kind: string }> {
  const r = await sys.database.pool.query<{ state: string; suspension_kind: string }>('SELECT state, suspension_kind FROM partners WHERE id = $1', [partnerId]);
  return { state: r.rows[0]!.state, kind: r.rows[0]!.suspension_kind };
}

/** Wait until the in-process simulator's notice `transactionId` was acknowledged by our endpoint. */
export async function acknowledged(sys: TestSystem, transactionId: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => sys.bank.simulator!.notice(transactionId), (n) => n?.acknowledged === true, { what: `bank notice ${transactionId} acknowledged`, timeoutMs });
}

/** Deposit through the in-process simulator and wait for the notice to be applied. */
export async function depositAndWait(sys: TestSystem, accountNo: string, amountKrw: number, depositor = '입금자'): Promise<string> {
  const tx = sys.bank.simulator!.deposit({ accountNo, amountKrw, depositor });
  await acknowledged(sys, tx);
  return tx;
}

export async function paymentsOf(sys: TestSystem, billId: number) {
  return (await sys.database.pool.query<{ source: string; amount_krw: string; reversed_at: Date | null }>('SELECT source, amount_krw, reversed_at FROM bill_payments WHERE bill_id = $1 ORDER BY id', [billId])).rows.map((r) => ({
    source: r.source,
    amount: Number(r.amount_krw),
    reversed: r.reversed_at !== null,
  }));
}

export function assertStatus(r: { status: number; text?: string; body?: unknown }, status: number): void {
  assert.equal(r.status, status, r.text ?? JSON.stringify(r.body));
}
