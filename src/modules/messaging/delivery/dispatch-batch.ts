/**
 * The `dispatch` job of a batch: claim its queued recipients in chunks (FOR UPDATE SKIP LOCKED), create their
 * attempts (queued, with the service unit and price of the kind at this time) and commit; hand the queued
 * attempts to the carrier; mark them sent. A crash between the send and the mark leaves attempts queued: the
 * next run sends them again with the same ids, which the carrier de-duplicates. Fallback attempts created by the
 * recorder are queued attempts too and go out the same way. Immediate refusals are recorded as failures
 * (fallback applies); transient carrier trouble is thrown, so the job is retried with backoff.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { batchJobPayload, messageQueuesOf } from '../sending/message-queues.ts';
import type { MessageKind, RecipientFallback } from '../sending/tables.ts';
import '../sending/tables.ts';
import '../tables.ts';
import { touchTemplate } from '../templates/touch-template.ts';
import type { CarrierGateway, CarrierMessage } from './carrier-gateway.ts';
import { KAKAO_KINDS } from './delivery-codes.ts';
import { recordResults } from './record-results.ts';
import { contentHasImage, currentUnitPrices } from './unit-prices.ts';

const CHUNK = 1000;

export interface DispatchDeps {
  gateway: CarrierGateway;
  reportUrl: () => string | undefined;
}

export interface DispatchOutcome {
  created: number;
  sent: number;
  refused: number;
}

export async function dispatchBatch(ctx: Ctx, deps: DispatchDeps, batchId: number, acceptedAt: Date): Promise<DispatchOutcome> {
  const out: DispatchOutcome = { created: 0, sent: 0, refused: 0 };
  const batch = await ctx.db.selectFrom('message_batches').selectAll().where('id', '=', batchId).where('accepted_at', '=', acceptedAt).executeTakeFirst();
  if (!batch || batch.state === 'reserved' || batch.state === 'cancelled') return out;
  const content = (batch.content ?? {}) as Record<string, unknown>;
  let senderKey: string | null = null;
  if (batch.channel_id !== null) {
    const ch = await ctx.db.selectFrom('kakao_channels').select('sender_key').where('id', '=', Number(batch.channel_id)).executeTakeFirst();
    senderKey = ch?.sender_key ?? null;
  } else if (batch.source === 'document_notice') {
    // the platform's own channel (no kakao_channels row): HANBILL_NOTICE_SENDER_KEY (docs/messaging.md "Document notices")
    senderKey = ctx.config.notices.sender?.senderKey ?? null;
  }
  const prices = await currentUnitPrices(ctx.db, ctx.clock.now(), [batch.partner_id]);
  const hasImage = contentHasImage(content);
  let touched = false;

  for (;;) {
    // queued attempts first: leftovers of a crashed run and fallbacks
    const sent = await sendQueued(ctx, deps, batch.id, acceptedAt, { ...batch, content, senderKey }, out);
    if (sent > 0) continue;
    const created = await inTransaction(ctx.db, async (tx) => {
      const claimed = await tx
        .selectFrom('message_recipients')
        .select(['id', 'kind', 'attempts', 'partner_id'])
        .where('batch_id', '=', batchId)
        .where('accepted_at', '=', acceptedAt)
        .where('state', '=', sql.lit('queued'))
        .orderBy('id')
        .limit(CHUNK)
        .forUpdate()
        .skipLocked()
        .execute();
      if (claimed.length === 0) return 0;
      const now = ctx.clock.now();
      // one statement whatever the chunk size (arrays as parameters)
      const units = claimed.map((r) => prices(r.kind, hasImage, r.partner_id));
      await sql`
        INSERT INTO message_attempts (accepted_at, recipient_id, batch_id, partner_id, channel, attempt_no, kind, state, unit_id, unit_price_krw, created_at)
        SELECT ${acceptedAt}, t.rid, ${batchId}, t.pid, ${batch.channel}, t.no, t.kind, 'queued', t.unit, t.price, ${now}
          FROM unnest(${claimed.map((r) => Number(r.id))}::bigint[], ${claimed.map((r) => (r.partner_id === null ? null : Number(r.partner_id)))}::bigint[],
                      ${claimed.map((r) => Number(r.attempts) + 1)}::int[], ${claimed.map((r) => r.kind)}::text[],
                      ${units.map((u) => u?.unitId ?? null)}::bigint[], ${units.map((u) => u?.priceKrw ?? null)}::bigint[]) AS t(rid, pid, no, kind, unit, price)
        ON CONFLICT (recipient_id, attempt_no, accepted_at) DO NOTHING`.execute(tx);
      await tx
        .updateTable('message_recipients')
        .set({ state: 'sending', attempts: sql`attempts + 1` })
        .where(sql<boolean>`id = ANY(${claimed.map((r) => Number(r.id))}::bigint[])`)
        .where('accepted_at', '=', acceptedAt)
        .execute();
      const moved = await tx.updateTable('message_batches').set({ state: 'sending' }).where('id', '=', batchId).where('accepted_at', '=', acceptedAt).where('state', '=', sql.lit('queued')).returning('id').executeTakeFirst();
      if (moved) touched = true;
      return claimed.length;
    });
    out.created += created;
    if (created === 0) break;
  }
  if (touched && batch.template_id !== null) {
    await touchTemplate(ctx, { templateId: Number(batch.template_id) }).catch((err: unknown) => ctx.log.warn({ batchId, err: String(err) }, 'template last use not recorded'));
  }
  if (out.sent > 0) {
    const runAt = new Date(Date.now() + ctx.config.carrier.pollMs);
    const slot = Math.floor(runAt.getTime() / ctx.config.carrier.pollMs);
    await enqueueJob(ctx.db, messageQueuesOf(ctx).poll, { ...batchJobPayload(batchId, acceptedAt), round: 0 }, { dedupeKey: `poll:${batchId}:${slot}`, runAt });
  }
  return out;
}

interface BatchForSend {
  type: string;
  sender_number: string | null;
  senderKey: string | null;
  template_code: string | null;
  is_ad: boolean;
  content: Record<string, unknown>;
}

/** Send one chunk of the batch's queued attempts; returns how many were handed over (accepted or refused). */
async function sendQueued(ctx: Ctx, deps: DispatchDeps, batchId: number, acceptedAt: Date, batch: BatchForSend, out: DispatchOutcome): Promise<number> {
  const rows = await ctx.db
    .selectFrom('message_attempts as a')
    .innerJoin('message_recipients as r', (j) => j.onRef('r.id', '=', 'a.recipient_id').onRef('r.accepted_at', '=', 'a.accepted_at'))
    .select(['a.id', 'a.kind', 'a.is_fallback', 'a.recipient_id', 'r.phone', 'r.text', 'r.subject', 'r.fallback'])
    .where('a.batch_id', '=', batchId)
    .where('a.accepted_at', '=', acceptedAt)
    .where('a.state', '=', sql.lit('queued'))
    .orderBy('a.id')
    .limit(CHUNK)
    .execute();
  if (rows.length === 0) return 0;
  const messages: CarrierMessage[] = rows.map((a) => messageOf(batch, a));
  const outcomes = await deps.gateway.send(messages, deps.reportUrl());
  const now = ctx.clock.now();
  const accepted = outcomes.filter((o) => o.status === 'accepted');
  if (accepted.length > 0) {
    // the recipients' sent_at is set with their result (record-results.ts): one write less per message here
    await inTransaction(ctx.db, async (tx) => {
      await sql`
        UPDATE message_attempts a SET state = 'sent', carrier_ref = m.ref, sent_at = ${now}
          FROM unnest(${accepted.map((o) => Number(o.messageId))}::bigint[], ${accepted.map((o) => o.carrierRef)}::text[]) AS m(id, ref)
         WHERE a.id = m.id AND a.accepted_at = ${acceptedAt} AND a.state = 'queued'`.execute(tx);
      await tx.updateTable('message_batches').set({ last_sent_at: now }).where('id', '=', batchId).where('accepted_at', '=', acceptedAt).execute();
    });
    out.sent += accepted.length;
  }
  const refused = outcomes.flatMap((o) => (o.status === 'refused' ? [{ attemptId: Number(o.messageId), delivered: false, code: o.code, message: o.message }] : []));
  if (refused.length > 0) {
    await recordResults(ctx, refused, 'refusal');
    out.refused += refused.length;
  }
  return rows.length;
}

function messageOf(
  batch: BatchForSend,
  a: { id: number; kind: MessageKind; is_fallback: boolean; phone: string; text: string; subject: string | null; fallback: RecipientFallback | null },
): CarrierMessage {
  const kakao = KAKAO_KINDS.has(a.kind);
  const images = batch.content['images'];
  const buttons = batch.content['buttons'];
  if (a.is_fallback && a.fallback) {
    return { messageId: String(a.id), kind: a.kind, from: batch.sender_number ?? '', to: a.phone, text: a.fallback.text, subject: a.fallback.subject, ad: batch.is_ad };
  }
  return {
    messageId: String(a.id),
    kind: a.kind,
    from: (kakao ? batch.senderKey : batch.sender_number) ?? '',
    to: a.phone,
    text: a.text,
    ...(a.subject ? { subject: a.subject } : {}),
    ...(a.kind === 'alimtalk' && batch.template_code ? { templateCode: batch.template_code } : {}),
    ...(Array.isArray(buttons) && kakao ? { buttons: buttons as Record<string, unknown>[] } : {}),
    ...(Array.isArray(images) && (a.kind === 'mms' || a.kind === 'friendtalk' || a.kind === 'brand') ? { images } : {}),
    ad: batch.is_ad,
  };
}
