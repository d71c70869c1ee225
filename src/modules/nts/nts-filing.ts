/**
 * The filing pipeline as one unit for the composition root: its job handlers (dispatch, transmit, poll,
 * sweep), the push receiver's dependencies and `start()` (arms the sweeper). Built from a context and a
 * gateway, so tests can run it against any gateway (a wrapped one that "crashes" at chosen points).
 *
 *   REQNTS / REST ─► requestFiling ─► filings queued (doc 1) + dispatch job          (one transaction)
 *   dispatch      ─► ≤ 100 filings → submission 'packing' + transmit job            (one transaction)
 *   transmit      ─► sign + pack once ('prepared', doc 2) ─► submit (retry) ─► 'acked' + poll job
 *   push / poll   ─► results → filings succeeded / failed, doc 3 / 4; submission 'settled'
 *   sweep         ─► auto-filing; overdue submissions re-armed
 */
import type { Ctx } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs.ts';
import { dispatchFilings } from './dispatch-filings.ts';
import { filingQueues } from './filing-queues.ts';
import type { NtsGateway } from './nts-gateway.ts';
import { pollSubmission } from './poll-results.ts';
import type { ReceiverDeps } from './receive-results.ts';
import { armSweeper, sweepFilings } from './sweep-filings.ts';
import { transmitSubmission } from './transmit-submission.ts';
import type { Party, SoapSigner } from './transport/soap-message.ts';

export interface NtsFiling {
  handlers: Record<string, JobHandler>;
  receiver: ReceiverDeps;
  gateway: NtsGateway;
  /** Arm the sweeper (idempotent). */
  start(): Promise<void>;
}

export interface NtsFilingOptions {
  gateway: NtsGateway;
  replyTo: () => string;
  aspSigner: () => Promise<SoapSigner>;
  aspParty: Party;
}

function submissionIdOf(payload: Record<string, unknown>): number {
  const id = Number(payload['submissionId']);
  if (!Number.isInteger(id) || id <= 0) throw new Error('job payload without submissionId');
  return id;
}

export function createNtsFiling(ctx: Ctx, opts: NtsFilingOptions): NtsFiling {
  const q = filingQueues(ctx.config.nts.channel);
  return {
    gateway: opts.gateway,
    receiver: { gateway: opts.gateway, aspSigner: opts.aspSigner, aspParty: opts.aspParty },
    handlers: {
      [q.dispatch]: async () => {
        await dispatchFilings(ctx);
      },
      [q.transmit]: async (job) => transmitSubmission(ctx, { gateway: opts.gateway, replyTo: opts.replyTo }, submissionIdOf(job.payload)),
      [q.poll]: async (job) => pollSubmission(ctx, opts.gateway, submissionIdOf(job.payload)),
      [q.sweep]: async () => sweepFilings(ctx),
    },
    // the first sweep one period after start: a starting process has nothing overdue of its own yet
    start: () => armSweeper(ctx, 1),
  };
}
