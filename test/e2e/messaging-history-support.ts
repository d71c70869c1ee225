/**
 * Batches written straight into the sending tables (after ensureMessagePartitions), for history tests that need
 * rows at chosen times and in chosen states: one recipient per entry of `results`, each with its attempts
 * (a failed Kakao attempt and its fallback when `fallback`), and the batch counters kept as the pipeline keeps them
 * (total = pending + success + failure + cancelled).
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { TestSystem } from '../support/test-system.ts';
import { ensureMessagePartitions } from '../../src/modules/messaging/sending/message-partitions.ts';
import type { MessageKind, MessageType, RecipientState } from '../../src/modules/messaging/sending/tables.ts';

export interface SeedBatch {
  at: Date;
  type: MessageType;
  from?: string;
  channelId?: number;
  templateName?: string;
  subject?: string;
  text: string;
  images?: boolean;
  /** one recipient per entry */
  results: RecipientState[];
  /** failed Kakao recipients get a failed fallback LMS attempt */
  fallback?: boolean;
  reserveAt?: Date;
  /** a usage record per delivered attempt */
  usage?: boolean;
}

export async function seedBatch(sys: TestSystem, partnerId: number, s: SeedBatch): Promise<number> {
  await ensureMessagePartitions(sys.ctx.db, s.at);
  const kind: MessageKind = s.type === 'auto' ? 'sms' : s.type;
  const kakao = ['alimtalk', 'friendtalk', 'brand'].includes(kind);
  const count = (st: RecipientState) => s.results.filter((r) => r === st).length;
  const success = count('delivered');
  const failure = count('failed');
  const cancelled = count('cancelled');
  const pending = s.results.length - success - failure - cancelled;
  const state = s.results.every((r) => r === 'reserved') ? 'reserved' : pending === 0 ? (cancelled === s.results.length ? 'cancelled' : 'done') : 'sending';
  return sys.ctx.db.transaction().execute(async (tx) => {
    const batch = await tx
      .insertInto('message_batches')
      .values({
        accepted_at: s.at,
        partner_id: partnerId,
        type: s.type,
        sender_number: s.from ?? null,
        channel_id: s.channelId ?? null,
        template_name: s.templateName ?? null,
        template_code: s.templateName ? 'T1' : null,
        content: sql`${JSON.stringify({ ...(s.subject ? { subject: s.subject } : {}), text: s.text, ...(s.images ? { images: ['img-1'] } : {}) })}::jsonb`,
        state,
        reserve_at: s.reserveAt ?? null,
        total: s.results.length,
        pending,
        success,
        failure,
        cancelled,
        last_sent_at: state === 'reserved' ? null : new Date(s.at.getTime() + 1000),
        done_at: state === 'done' ? new Date(s.at.getTime() + 5000) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const batchId = Number(batch.id);
    for (const [seq, result] of s.results.entries()) {
      const sent = result === 'reserved' || result === 'queued' || result === 'cancelled' ? null : new Date(s.at.getTime() + 1000);
      const final = result === 'delivered' || result === 'failed';
      const code = result === 'delivered' ? '1000' : result === 'failed' ? '3018' : null;
      const rec = await tx
        .insertInto('message_recipients')
        .values({
          accepted_at: s.at, batch_id: batchId, partner_id: partnerId, seq, phone: `0101234${String(seq).padStart(4, '0')}`, client_ref: `ref-${crypto.randomBytes(4).toString('hex')}`,
          kind, text: s.text, state: result, result_code: code, result_message: code ? (code === '1000' ? '성공' : '전달 실패') : null,
          attempts: sent ? (s.fallback && result === 'failed' && kakao ? 2 : 1) : 0, sent_at: sent, done_at: final ? new Date(s.at.getTime() + 5000) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (!sent) continue;
      const attempts: { kind: MessageKind; fallback: boolean; state: 'sent' | 'delivered' | 'failed'; code: string | null }[] =
        s.fallback && result === 'failed' && kakao
          ? [{ kind, fallback: false, state: 'failed', code: '3019' }, { kind: 'lms', fallback: true, state: 'failed', code: '3018' }]
          : [{ kind, fallback: false, state: result === 'delivered' ? 'delivered' : result === 'failed' ? 'failed' : 'sent', code }];
      for (const [i, a] of attempts.entries()) {
        const row = await tx
          .insertInto('message_attempts')
          .values({
            accepted_at: s.at, recipient_id: Number(rec.id), batch_id: batchId, partner_id: partnerId, attempt_no: i + 1, kind: a.kind, is_fallback: a.fallback,
            state: a.state, result_code: a.code, created_at: s.at, sent_at: sent, reported_at: a.state === 'sent' ? null : new Date(s.at.getTime() + 4000),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (s.usage && a.state === 'delivered') {
          const unit = await tx.selectFrom('service_units').where('metered_item', '=', `message_${a.kind === 'friendtalk' ? 'friendtalk_text' : a.kind}`).select(['id', 'unit_price_krw']).executeTakeFirstOrThrow();
          await tx.insertInto('usage_records').values({ event_key: `msg:${row.id}`, partner_id: partnerId, unit_id: unit.id, metered_item: `message_${a.kind}`, unit_price_krw: Number(unit.unit_price_krw), occurred_at: s.at }).execute();
        }
      }
    }
    return batchId;
  });
}
