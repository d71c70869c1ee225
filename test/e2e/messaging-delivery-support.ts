/**
 * Batches for the delivery tests. `sendBatch` goes the customer's way (POST /v1/messages with a partner's key);
 * `insertBatch` writes a batch as acceptance leaves it (batch and recipients queued, a dispatch job enqueued in the
 * same transaction, or none) for the states the API cannot make — a test that uses it says why.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { System } from '../../src/main.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { enqueueJob } from '../../src/platform/jobs.ts';
import { ensureMessagePartitions } from '../../src/modules/messaging/sending/message-partitions.ts';
import { batchJobPayload, messageQueuesOf } from '../../src/modules/messaging/sending/message-queues.ts';
import type { MessageKind, MessageType, RecipientFallback } from '../../src/modules/messaging/sending/tables.ts';
import type { Sender } from './messaging-send-support.ts';

export interface TestRecipient {
  phone: string;
  kind?: MessageKind;
  text?: string;
  subject?: string;
  fallback?: RecipientFallback;
}

export interface TestBatch {
  batchId: number;
  acceptedAt: Date;
}

/** A batch accepted through POST /v1/messages by the partner `s`; its id and partition key. */
export async function sendBatch(s: Sender, body: Record<string, unknown>): Promise<TestBatch> {
  const r = await s.call('POST', '/v1/messages', body);
  assert.equal(r.status, 202, r.text);
  return { batchId: r.body.id as number, acceptedAt: new Date(r.body.acceptedAt as string) };
}

/** An AlimTalk recipient of the sender's approved template (messaging-send-support.ts TEMPLATE_BODY). */
export const orderVariables = (n: number | string) => ({ 고객명: '홍길동', 상품: '한빌 머그컵', 주문번호: String(n) });

export async function insertBatch(
  sys: System,
  opts: { type: MessageType; recipients: TestRecipient[]; senderNumber?: string; content?: Record<string, unknown>; partnerId?: number | null; dispatch?: boolean },
): Promise<TestBatch> {
  const db = sys.ctx.db;
  const acceptedAt = sys.ctx.clock.now();
  await ensureMessagePartitions(db, acceptedAt);
  const kindOf = (r: TestRecipient): MessageKind => r.kind ?? (opts.type === 'auto' ? 'sms' : opts.type);
  return inTransaction(db, async (tx) => {
    const batch = await tx
      .insertInto('message_batches')
      .values({
        accepted_at: acceptedAt,
        partner_id: opts.partnerId ?? null,
        channel: sys.ctx.config.channel,
        type: opts.type,
        sender_number: opts.senderNumber ?? '0212345678',
        channel_id: null,
        template_id: null,
        template_code: opts.type === 'alimtalk' ? 'T_DELIVERY' : null,
        template_name: null,
        content: sql`${JSON.stringify(opts.content ?? {})}::jsonb`,
        state: 'queued',
        hold_reason: null,
        total: opts.recipients.length,
        pending: opts.recipients.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const batchId = Number(batch.id);
    for (let i = 0; i < opts.recipients.length; i += 2000) {
      await tx
        .insertInto('message_recipients')
        .values(
          opts.recipients.slice(i, i + 2000).map((r, j) => ({
            accepted_at: acceptedAt,
            batch_id: batchId,
            partner_id: opts.partnerId ?? null,
            seq: i + j,
            phone: r.phone,
            client_ref: null,
            kind: kindOf(r),
            subject: r.subject ?? null,
            text: r.text ?? `안녕하세요 ${i + j}번 고객님`,
            variables: null,
            fallback: r.fallback ? JSON.stringify(r.fallback) : null,
            state: 'queued' as const,
            result_code: null,
            result_message: null,
          })),
        )
        .execute();
    }
    if (opts.dispatch !== false) await enqueueJob(tx, messageQueuesOf(sys.ctx).dispatch, batchJobPayload(batchId, acceptedAt));
    return { batchId, acceptedAt };
  });
}

export async function batchRow(sys: System, b: TestBatch) {
  return sys.ctx.db.selectFrom('message_batches').selectAll().where('id', '=', b.batchId).where('accepted_at', '=', b.acceptedAt).executeTakeFirstOrThrow();
}

export async function recipientsOf(sys: System, b: TestBatch) {
  return sys.ctx.db.selectFrom('message_recipients').selectAll().where('batch_id', '=', b.batchId).where('accepted_at', '=', b.acceptedAt).orderBy('seq').execute();
}

export async function attemptsOf(sys: System, b: TestBatch) {
  return sys.ctx.db.selectFrom('message_attempts').selectAll().where('batch_id', '=', b.batchId).where('accepted_at', '=', b.acceptedAt).orderBy('id').execute();
}

/** Usage rows of a batch's attempts (event keys msg:<attempt id>). */
export async function usageOf(sys: System, b: TestBatch) {
  const ids = (await attemptsOf(sys, b)).map((a) => `msg:${a.id}`);
  if (ids.length === 0) return [];
  return sys.ctx.db.selectFrom('usage_records').selectAll().where('event_key', 'in', ids).orderBy('event_key').execute();
}

/** Rows of the batch's recipients counted by state. */
export async function statesOf(sys: System, b: TestBatch): Promise<Record<string, number>> {
  const rows = await sql<{ state: string; n: number }>`SELECT state, count(*)::int AS n FROM message_recipients WHERE batch_id = ${b.batchId} AND accepted_at = ${b.acceptedAt} GROUP BY state`.execute(sys.ctx.db);
  return Object.fromEntries(rows.rows.map((r) => [r.state, Number(r.n)]));
}
