/**
 * Helpers of the bills tests: a partner (portal company, Access Key) with a member of its own, usage written by the
 * ledger's own writer (recordUsage, at the partner's contract prices) in the month before the clock's, and the real
 * monthly run (runBilling) on the 5th, whose tax invoices the in-process NTS simulator files.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { recordUsage } from '../../src/modules/settlement/record-usage.ts';
import { runBilling } from '../../src/modules/settlement/billing/run-billing.ts';
import { messagingPartner, type MessagingPartner } from './messaging-support.ts';
import { PASSWORD } from './portal-support.ts';
import { registerMember, type TestMember } from './nts-support.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** The KST month `monthsBack` before the real one (YYYY-MM) and moments in it and in the month after it (billed on the 5th). */
export function billingMonths(now = new Date(), monthsBack = 1) {
  const k = new Date(now.getTime() + 9 * 3_600_000);
  const shifted = new Date(Date.UTC(k.getUTCFullYear(), k.getUTCMonth() - (monthsBack - 1), 1));
  const y = shifted.getUTCFullYear();
  const m = shifted.getUTCMonth() + 1;
  const prev = m === 1 ? { y: y - 1, m: 12 } : { y, m: m - 1 };
  const period = `${prev.y}-${pad(prev.m)}`;
  return {
    period,
    /** 12:00 KST on the given day of the billed month */
    usageAt: (day: number) => new Date(`${period}-${pad(day)}T12:00:00+09:00`),
    /** 10:00 KST on the given day of the month after it (the billing day is the 5th) */
    after: (day: number) => new Date(`${y}-${pad(m)}-${pad(day)}T10:00:00+09:00`),
  };
}

export interface BillingPartner extends MessagingPartner {
  member: MessagingPartner['member'];
  subscriber: TestMember;
}

export const opAuth = (sys: TestSystem) => ({ authorization: `Bearer ${sys.operatorToken}` });

/** A partner with a member (subscription) of its own. */
export async function billingPartner(sys: TestSystem): Promise<BillingPartner> {
  const p = await messagingPartner(sys);
  const subscriber = await registerMember(sys);
  await sys.database.pool.query('UPDATE members SET partner_id = $1 WHERE id = $2', [p.partnerId, subscriber.memberId]);
  return { ...p, subscriber };
}

async function unitOf(sys: TestSystem, item: string): Promise<number> {
  const r = await sys.ctx.db.selectFrom('service_units').select('id').where('metered_item', '=', item).where('retired_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The partner's contract price of an item from `validFrom`. */
export async function contractPrice(sys: TestSystem, partnerId: number, item: string, unitPriceKrw: number, validFrom: Date): Promise<void> {
  const r = await rest(sys.url, 'PUT', `/v1/operator/partners/${partnerId}/unit-prices/${await unitOf(sys, item)}`, { unitPriceKrw, validFrom: validFrom.toISOString() }, opAuth(sys));
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** `n` billable events of `item` for the partner's member at the clock's now (unique event keys). */
export async function usage(sys: TestSystem, p: BillingPartner, item: string, n: number): Promise<void> {
  const at = sys.ctx.clock.now();
  const prefix = item.startsWith('message_') ? 'msg' : 'doc';
  const events = Array.from({ length: n }, () => ({ eventKey: `${prefix}:${9_000_000_000_000 + crypto.randomInt(0, 2 ** 40)}`, subscriptionId: p.subscriber.subscriptionId, meteredItem: item, occurredAt: at }));
  const added = await inTransaction(sys.ctx.db, (tx) => recordUsage(sys.ctx, tx, events));
  assert.equal(added, n);
}

/** Run the period's billing (real run; invoices issued), then wait until every bill's invoice of the period is filed. */
export async function billAndFile(sys: TestSystem, period: string, opts: { issueInvoices?: boolean } = {}) {
  const r = await runBilling(sys.ctx, { period, startedBy: 'dev', issueInvoices: opts.issueInvoices ?? true });
  if (opts.issueInvoices === false) return r;
  await invoicesFiled(sys, period);
  return r;
}

/** Wait until every bill of the period has its invoice issued and filed (nothing of the NTS pipeline left in flight). */
export async function invoicesFiled(sys: TestSystem, period: string): Promise<void> {
  await waitFor(
    async () => (await sys.database.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM bills b LEFT JOIN documents d ON d.id = b.invoice_document_id WHERE b.period = $1::date AND (d.id IS NULL OR d.nts_state <> '3')`, [`${period}-01`])).rows[0]!.n,
    (n) => Number(n) === 0,
    { what: `invoices of ${period} issued and filed`, timeoutMs: 30_000 },
  );
}

export async function billRowOf(sys: TestSystem, partnerId: number, period: string) {
  const r = await sys.database.pool.query<{ id: string; order_no: string }>('SELECT id, order_no FROM bills WHERE partner_id = $1 AND period = $2::date', [partnerId, `${period}-01`]);
  assert.ok(r.rows[0], `a bill of partner ${partnerId} for ${period}`);
  return { id: Number(r.rows[0].id), orderNo: r.rows[0].order_no };
}

/** Log the partner's portal member in again (a session does not outlive a clock moved by weeks); its cookies for a browser. */
export async function relogin(sys: TestSystem, p: BillingPartner): Promise<Map<string, string>> {
  const r = await sys.database.pool.query<{ login_id: string }>('SELECT u.login_id FROM partners p JOIN portal_users u ON u.id = p.user_id WHERE p.id = $1', [p.partnerId]);
  const l = await p.member.call('POST', '/v1/portal/session', { json: { loginId: r.rows[0]!.login_id, password: PASSWORD } });
  assert.equal(l.status, 200, l.text);
  return p.member.cookies;
}

/**
 * Close this process's fetch (undici) keep-alive sockets. Seen on PostgreSQL: after the adjustment tests' POSTs, one
 * such socket kept the server's close waiting ~70 s (Fastify did not take it for idle); closed from the client side
 * first, the system closes at once.
 */
export async function closeFetchSockets(): Promise<void> {
  const dispatcher = (globalThis as Record<symbol, { close?: () => Promise<void> } | undefined>)[Symbol.for('undici.globalDispatcher.1')];
  await dispatcher?.close?.();
}
