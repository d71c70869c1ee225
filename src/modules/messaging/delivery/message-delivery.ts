/**
 * The delivery pipeline as one unit for the composition root: its job handlers (dispatch, poll, sweep), the
 * push receiver and `start()` (arms the sweeper). Built from a context and a carrier gateway, so tests can run
 * it against any gateway.
 *
 *   dispatch ─► queued recipients → attempts (unit price now) → carrier ─► attempts sent, recipients sending
 *   push / poll ─► recordResults ─► delivered (+ usage, once) | fallback attempt (→ dispatch) | failed
 *   sweep ─► the 48-hour rule, lost jobs re-armed, daily dormancy / purge / partitions
 */
import type { Ctx } from '../../../platform/context.ts';
import type { JobHandler } from '../../../platform/jobs.ts';
import { messageQueuesOf, readBatchJobPayload } from '../sending/message-queues.ts';
import type { CarrierGateway } from './carrier-gateway.ts';
import { dispatchBatch } from './dispatch-batch.ts';
import { pollBatch } from './poll-reports.ts';
import { receiveReportPush, type PushAnswer } from './receive-reports.ts';
import { armDeliverySweeper, sweepDeliveries } from './sweep-deliveries.ts';

export interface MessageDelivery {
  handlers: Record<string, JobHandler>;
  gateway: CarrierGateway;
  receivePush(body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<PushAnswer>;
  start(): Promise<void>;
}

export interface MessageDeliveryOptions {
  gateway: CarrierGateway;
  reportSecret: string;
  reportUrl: () => string | undefined;
}

export function createMessageDelivery(ctx: Ctx, opts: MessageDeliveryOptions): MessageDelivery {
  const deps = { gateway: opts.gateway, reportUrl: opts.reportUrl };
  return {
    gateway: opts.gateway,
    handlers: {
      [messageQueuesOf(ctx).dispatch]: async (job) => {
        const { batchId, acceptedAt } = readBatchJobPayload(job.payload);
        await dispatchBatch(ctx, deps, batchId, acceptedAt);
      },
      [messageQueuesOf(ctx).poll]: async (job) => {
        const { batchId, acceptedAt } = readBatchJobPayload(job.payload);
        await pollBatch(ctx, opts.gateway, batchId, acceptedAt, Number(job.payload['round'] ?? 0) || 0);
      },
      [messageQueuesOf(ctx).sweep]: async (job) => sweepDeliveries(ctx, job.payload),
    },
    receivePush: (body, timestamp, signature) => receiveReportPush(ctx, opts.reportSecret, body, timestamp, signature),
    start: () => armDeliverySweeper(ctx, 1),
  };
}
