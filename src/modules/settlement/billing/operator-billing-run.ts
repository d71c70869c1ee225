/**
 * An operator runs or resumes a period's billing by hand (POST /v1/operator/billing/runs): the period must be a
 * month that has ended (400 / 409 naming `period`); audited (billing.run) with what the run made.
 */
import type { Ctx } from '../../../platform/context.ts';
import { audit, type Actor } from '../../access/audit-log.ts';
import { readPeriod } from './billing-period.ts';
import { runBilling, type BillingRunResult } from './run-billing.ts';

export async function runBillingByOperator(ctx: Ctx, actor: Actor, input: { period?: unknown }): Promise<BillingRunResult> {
  const period = readPeriod(input.period);
  const startedBy = `operator:${actor.id ?? actor.label ?? 'token'}`;
  const result = await runBilling(ctx, { period: period.period, startedBy });
  await audit(ctx, actor, { action: 'billing.run', targetKind: 'billing_run', details: { period: result.period, billsCreated: result.billsCreated, billsTotal: result.billsTotal } });
  return result;
}
