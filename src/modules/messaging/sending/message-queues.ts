/**
 * Job queues of the sending pipeline (platform/jobs.ts). Acceptance enqueues `dispatch` in its own transaction
 * (queued batches) or `release` at `reserve_at` (reserved and held batches); delivery owns the rest.
 *
 *   accept ─► batch 'queued' + recipients 'queued' + dispatch {batchId, acceptedAt}              (one transaction)
 *   accept ─► batch 'reserved' + recipients 'reserved' + release {batchId, acceptedAt} at reserve_at
 *   release ─► reserved → queued + dispatch                                                       (one transaction)
 *   dispatch ─► queued recipients → attempts → carrier ─► 'sending'
 *   report (push) / poll ─► attempt delivered | failed ─► fallback attempt | recipient final ─► usage (once)
 *   sweep ─► the 48-hour rule, lost jobs re-armed, template dormancy, history purge
 */
export interface MessageQueues {
  dispatch: string;
  release: string;
  poll: string;
  sweep: string;
}

/**
 * The queues of a job channel (HANBILL_CHANNEL): installations (and test systems) sharing one database run only
 * their own batches' jobs, as batches carry the channel they were accepted on (message_batches.channel).
 */
export function messageQueues(channel: string): MessageQueues {
  return { dispatch: `${channel}.messages.dispatch`, release: `${channel}.messages.release`, poll: `${channel}.messages.poll`, sweep: `${channel}.messages.sweep` };
}

export function messageQueuesOf(ctx: { config: { channel: string } }): MessageQueues {
  return messageQueues(ctx.config.channel);
}

/** The payload of `dispatch` and `release` jobs: a batch is found by id and partition key. */
export interface BatchJobPayload {
  batchId: number;
  /** ISO time of the batch's accepted_at (its partition key). */
  acceptedAt: string;
  [key: string]: unknown;
}

export function batchJobPayload(batchId: number, acceptedAt: Date): BatchJobPayload {
  return { batchId, acceptedAt: acceptedAt.toISOString() };
}

export function readBatchJobPayload(payload: Record<string, unknown>): { batchId: number; acceptedAt: Date } {
  const batchId = Number(payload['batchId']);
  const acceptedAt = new Date(String(payload['acceptedAt']));
  if (!Number.isSafeInteger(batchId) || batchId <= 0 || Number.isNaN(acceptedAt.getTime())) throw new Error('job payload without batchId / acceptedAt');
  return { batchId, acceptedAt };
}
