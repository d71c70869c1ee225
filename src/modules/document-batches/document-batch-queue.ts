/** The job queue of document batches (one chunk of ≤ 100 items per job), per channel like the other queues. */
export function documentBatchQueue(config: { channel: string }): string {
  return `${config.channel}.document-batch`;
}

/** A batch's job payload and its dedupe key: one job per (batch, first pending item) ever. */
export function documentBatchJob(batchId: number, fromIndex: number): { payload: Record<string, unknown>; dedupeKey: string } {
  return { payload: { batchId }, dedupeKey: `batch:${batchId}:${fromIndex}` };
}

export function batchIdOf(payload: Record<string, unknown>): number {
  const id = Number(payload['batchId']);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('document batch job payload without batchId');
  return id;
}
