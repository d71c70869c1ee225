/**
 * Monthly billing as one unit for the composition root (docs/settlement.md "Monthly billing"): the job handlers
 * (the billing tick, the arrears notice mail), `start()` (arms the tick) and `tick()` (run now: POST /dev/clock).
 * The tick requests due CMS debits through the bank gateway (bank/request-due-debits.ts); the arrears notice names
 * the partner's virtual account, issued through the same gateway if it has none yet (bank/billing-account.ts).
 */
import type { Ctx } from '../platform/context.ts';
import type { JobHandler } from '../platform/jobs.ts';
import type { MailTransport } from '../modules/mail/mail-transport.ts';
import type { BankGateway } from '../modules/settlement/bank/bank-gateway.ts';
import { requestDueDebits } from '../modules/settlement/bank/request-due-debits.ts';
import { ensureBillingAccount } from '../modules/settlement/bank/billing-account.ts';
import { billingQueuesOf } from '../modules/settlement/billing/billing-queues.ts';
import { armBillingTick, billingTick, type BillingTickResult } from '../modules/settlement/billing/billing-tick.ts';
import { sendArrearsNoticeHandler } from '../modules/settlement/billing/send-arrears-notice.ts';
import { provideTestCertificates } from '../modules/settlement/billing/platform-issuer.ts';

export interface BillingSystem {
  handlers: Record<string, JobHandler>;
  start(): Promise<void>;
  tick(): Promise<BillingTickResult>;
}

export function createBilling(ctx: Ctx, opts: { transport: MailTransport; bankGateway: BankGateway }): BillingSystem {
  const gateway = opts.bankGateway;
  const deps = { requestDueDebits: () => requestDueDebits(ctx, gateway) };
  const queues = billingQueuesOf(ctx);
  // the NTS simulator in process: the bootstrapped platform issuer gets a certificate of the test PKI it trusts
  // (loaded only when asked: never with a real NTS)
  if (ctx.config.nts.gatewayUrl === undefined) {
    provideTestCertificates(ctx.db, async (bizno, validity) => (await import('../simulators/nts/test-pki.ts')).makeTestNpkiIdentity(bizno, validity));
  }
  return {
    handlers: {
      [queues.tick]: async () => {
        await armBillingTick(ctx, 1);
        await billingTick(ctx, deps);
      },
      [queues.notice]: sendArrearsNoticeHandler(ctx, opts.transport, { ensureAccount: (partnerId) => ensureBillingAccount(ctx, gateway, partnerId) }),
    },
    start: () => armBillingTick(ctx, 1),
    tick: () => billingTick(ctx, deps),
  };
}
