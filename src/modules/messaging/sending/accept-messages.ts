/**
 * Accepting a send request (POST /v1/messages; issue 10 item 2, docs/messaging.md "Sending"). Everything is
 * checked before anything is written: the common part (a problem refuses the request naming the field), the
 * sender number (전기통신사업법 §84-2), the Kakao channel and the AlimTalk template, the ad rules and night
 * windows, then every recipient (by default one bad recipient refuses the request and the answer lists each
 * recipient error; with acceptValid the valid ones are accepted and the others listed).
 *
 * Then one transaction, with no per-recipient query: ids pre-allocated from the sequences, clientRefs inserted
 * first with ON CONFLICT DO NOTHING (a repeat — in this request, against an earlier one, or a concurrent one —
 * is answered with the recipient it names and not stored again), the unit limits, the batch, the recipients in
 * one unnest statement (arrays as parameters: no 65,535-parameter limit), the job: dispatch now, or release
 * at reserve_at (reservations and ads held to 08:00), and the `message_batch.accepted` event (object: the batch id).
 *
 * A caller already inside a transaction (the Idempotency-Key wrapper) must call ensureMessagePartitions first:
 * partitions are created in a transaction of their own.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Input } from '../../../platform/input.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { assertUsableSenderNumber } from '../assert-usable-sender-number.ts';
import { approvedTemplateFor } from '../templates/approved-template-for.ts';
import type { KakaoTemplate } from '../templates/template-repo.ts';
import type { BatchState, MessageType } from './tables.ts';
import { ensureMessagePartitions } from './message-partitions.ts';
import { batchJobPayload, messageQueuesOf } from './message-queues.ts';
import { isKakao, readCommonRequest, type CommonRequest } from './message-request.ts';
import { readRecipient, type CheckCache, type ValidRecipient } from './accept-recipients.ts';
import { adNightError, isAdNight, nextAdMorning } from './ad-rules.ts';
import { assertUnitLimits, meteredItemOf, type MeteredMessage } from './accept-unit-limits.ts';
import { recordEvent } from '../../events/record-event.ts';

/** At most this many recipient errors are listed (their count is always given). */
export const MAX_LISTED_ERRORS = 1000;

export interface RecipientError {
  index: number;
  field: string;
  code: string;
  message: string;
}

export interface AcceptedRecipient {
  index: number;
  /** the recipient's id (for a duplicate: the earlier recipient's) */
  id: number;
  batchId: number;
  clientRef: string | null;
  duplicate: boolean;
}

export interface AcceptResult {
  /** the new batch; null when every recipient repeated an earlier clientRef (nothing new stored) */
  id: number | null;
  state: BatchState | null;
  type: MessageType;
  /** recipients stored by this request (duplicates not counted) */
  total: number;
  duplicates: number;
  acceptedAt: Date;
  reserveAt: Date | null;
  holdReason: string | null;
  recipients: AcceptedRecipient[];
  rejected: RecipientError[];
  rejectedCount: number;
}

const RECIPIENT_CHUNK = 10_000;
const REF_CHUNK = 10_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function assertActiveChannel(ctx: Ctx, partnerId: number, channelId: number): Promise<void> {
  const row = await ctx.db.selectFrom('kakao_channels').select('state').where('id', '=', channelId).where('partner_id', '=', partnerId).executeTakeFirst();
  if (row?.state !== 'active') throw new AppError('message_channel_unusable', '사용 중(active)인 내 카카오 채널이 아닙니다 (not one of your active Kakao channels)', { field: 'channelId' });
}

/** When the batch goes out: now (queued), at reserveAt, or held to 08:00 KST (an ad at night with adNight "hold"). */
function schedule(c: CommonRequest, now: Date): { reserveAt: Date | null; holdReason: string | null } {
  if (!c.ad) return { reserveAt: c.reserveAt ?? null, holdReason: null };
  const channel = isKakao(c.type) ? 'kakao' : 'sms';
  if (c.reserveAt) {
    if (isAdNight(channel, c.reserveAt)) throw adNightError(channel, 'reserveAt');
    return { reserveAt: c.reserveAt, holdReason: null };
  }
  if (!isAdNight(channel, now)) return { reserveAt: null, holdReason: null };
  if (c.adNight === 'hold') return { reserveAt: nextAdMorning(now), holdReason: 'ad_night' };
  throw adNightError(channel, 'ad');
}

export async function acceptMessages(ctx: Ctx, partnerId: number, input: Input): Promise<AcceptResult> {
  const now = ctx.clock.now();
  const c = readCommonRequest(input, now);
  if (c.from !== undefined) await assertUsableSenderNumber(ctx, partnerId, c.from);
  let template: KakaoTemplate | undefined;
  if (c.channelId !== undefined) {
    await assertActiveChannel(ctx, partnerId, c.channelId);
    if (c.type === 'alimtalk') template = await approvedTemplateFor(ctx, partnerId, c.channelId, c.templateCode!);
  }
  const { reserveAt, holdReason } = schedule(c, now);

  // every recipient, checked on its own
  const valid: ValidRecipient[] = [];
  const rejected: RecipientError[] = [];
  let rejectedCount = 0;
  const cache: CheckCache = new Map();
  for (let i = 0; i < c.recipients.length; i++) {
    try {
      valid.push(readRecipient(c, template, c.recipients[i], i, cache));
    } catch (e) {
      if (!(e instanceof AppError) || e.code === 'internal') throw e;
      rejectedCount++;
      if (rejected.length < MAX_LISTED_ERRORS) rejected.push({ index: i, field: e.field ?? `recipients[${i}]`, code: e.code, message: e.message });
    }
  }
  if (rejectedCount > 0 && (!c.acceptValid || valid.length === 0)) {
    throw new AppError('recipients_invalid', `수신자 ${rejectedCount}명에 오류가 있어 아무것도 받지 않았습니다, details.errors 참고 (${rejectedCount} recipient(s) invalid, nothing accepted: see details.errors; acceptValid accepts the valid ones)`, {
      field: 'recipients',
      details: { count: rejectedCount, listed: rejected.length, errors: rejected },
    });
  }

  // repeats of a clientRef within the request are answered with the first one
  const firstByRef = new Map<string, ValidRecipient>();
  const repeats: { r: ValidRecipient; of: ValidRecipient }[] = [];
  const fresh: ValidRecipient[] = [];
  for (const r of valid) {
    const first = r.clientRef === null ? undefined : firstByRef.get(r.clientRef);
    if (first) repeats.push({ r, of: first });
    else {
      if (r.clientRef !== null) firstByRef.set(r.clientRef, r);
      fresh.push(r);
    }
  }

  if (!ctx.db.isTransaction) await ensureMessagePartitions(ctx.db, now);
  const photo = c.images.length > 0;
  return inTransaction(ctx.db, async (tx) => {
    const [batchRow] = (await sql<{ id: string }>`SELECT nextval('message_batches_id_seq') AS id`.execute(tx)).rows;
    const batchId = Number(batchRow!.id);
    // one row back, not one per id (rows are the cost of a round trip on PGlite)
    const [idRow] = (await sql<{ ids: (string | number)[] }>`SELECT array_agg(nextval('message_recipients_id_seq')) AS ids FROM generate_series(1, ${fresh.length})`.execute(tx)).rows;
    const ids = (idRow?.ids ?? []).map(Number);
    const idOf = new Map<ValidRecipient, number>(fresh.map((r, k) => [r, ids[k]!]));

    // clientRefs first: the (partner_id, client_ref) key decides who stores a repeated one, even concurrently
    const withRef = fresh.filter((r) => r.clientRef !== null);
    const won = new Set<string>();
    const lostRefs = new Set<string>();
    for (const part of chunks(withRef, REF_CHUNK)) {
      // answers only the refs not inserted (usually none)
      const rows = await sql<{ ref: string }>`
        WITH ins AS (
          INSERT INTO message_client_refs (partner_id, client_ref, batch_id, recipient_id, accepted_at)
          SELECT ${partnerId}, t.ref, ${batchId}, t.id, ${now}
            FROM unnest(${part.map((r) => r.clientRef!)}::text[], ${part.map((r) => idOf.get(r)!)}::bigint[]) AS t(ref, id)
          ON CONFLICT (partner_id, client_ref) DO NOTHING
          RETURNING client_ref)
        SELECT t.ref FROM unnest(${part.map((r) => r.clientRef!)}::text[]) AS t(ref) WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.client_ref = t.ref)`.execute(tx);
      for (const row of rows.rows) lostRefs.add(row.ref);
    }
    for (const r of withRef) if (!lostRefs.has(r.clientRef!)) won.add(r.clientRef!);
    const earlier = new Map<string, { batchId: number; recipientId: number }>();
    const lost = withRef.filter((r) => !won.has(r.clientRef!)).map((r) => r.clientRef!);
    for (const part of chunks(lost, REF_CHUNK)) {
      const rows = await tx.selectFrom('message_client_refs').select(['client_ref', 'batch_id', 'recipient_id']).where('partner_id', '=', partnerId).where('client_ref', 'in', part).execute();
      for (const row of rows) earlier.set(row.client_ref, { batchId: Number(row.batch_id), recipientId: Number(row.recipient_id) });
    }
    const stored = fresh.filter((r) => r.clientRef === null || won.has(r.clientRef));

    const answer: AcceptedRecipient[] = [];
    for (const r of stored) answer.push({ index: r.seq, id: idOf.get(r)!, batchId, clientRef: r.clientRef, duplicate: false });
    for (const r of fresh) {
      const e = r.clientRef !== null && !won.has(r.clientRef) ? earlier.get(r.clientRef) : undefined;
      if (e) answer.push({ index: r.seq, id: e.recipientId, batchId: e.batchId, clientRef: r.clientRef, duplicate: true });
    }
    for (const { r, of } of repeats) {
      const e = won.has(of.clientRef!) ? { batchId, recipientId: idOf.get(of)! } : earlier.get(of.clientRef!);
      if (e) answer.push({ index: r.seq, id: e.recipientId, batchId: e.batchId, clientRef: r.clientRef, duplicate: true });
    }
    answer.sort((a, b) => a.index - b.index);
    const base = { type: c.type, duplicates: answer.length - stored.length, acceptedAt: now, recipients: answer, rejected, rejectedCount };
    if (stored.length === 0) return { ...base, id: null, state: null, total: 0, reserveAt: null, holdReason: null };

    const adding = new Map<MeteredMessage, number>();
    for (const r of stored) {
      const item = meteredItemOf(r.kind, photo);
      adding.set(item, (adding.get(item) ?? 0) + 1);
    }
    await assertUnitLimits(tx, partnerId, now, adding);

    const state: BatchState = reserveAt ? 'reserved' : 'queued';
    const content: Record<string, unknown> = {
      ...(c.subject !== undefined ? { subject: c.subject } : {}),
      ...(c.text !== undefined ? { text: c.text } : {}),
      ...(c.images.length > 0 ? { images: c.images } : {}),
      ...(c.buttons.length > 0 ? { buttons: c.buttons } : {}),
      ...(c.fallback !== undefined ? { fallback: c.fallback } : {}),
      ...(c.brandTarget !== undefined ? { brandTarget: c.brandTarget } : {}),
      ...(template ? { templateBody: template.body } : {}),
    };
    await tx
      .insertInto('message_batches')
      .values({
        id: batchId,
        accepted_at: now,
        partner_id: partnerId,
        source: 'api',
        channel: ctx.config.channel,
        type: c.type,
        sender_number: c.from ?? null,
        channel_id: c.channelId ?? null,
        template_id: template?.id ?? null,
        template_code: template?.code ?? null,
        template_name: template?.name ?? null,
        is_ad: c.ad,
        content: sql`${JSON.stringify(content)}::jsonb`,
        state,
        reserve_at: reserveAt,
        hold_reason: holdReason,
        total: stored.length,
        pending: stored.length,
      })
      .execute();
    for (const part of chunks(stored, RECIPIENT_CHUNK)) {
      const col = <T,>(f: (r: ValidRecipient) => T) => part.map(f);
      await sql`
        INSERT INTO message_recipients (id, accepted_at, batch_id, partner_id, seq, phone, client_ref, kind, subject, text, variables, fallback, state)
        SELECT t.id, ${now}, ${batchId}, ${partnerId}, t.seq, t.phone, t.ref, t.kind, t.subject, t.text, t.variables::jsonb, t.fallback::jsonb, ${state}
          FROM unnest(${col((r) => idOf.get(r)!)}::bigint[], ${col((r) => r.seq)}::int[], ${col((r) => r.phone)}::text[], ${col((r) => r.clientRef)}::text[],
                      ${col((r) => r.kind)}::text[], ${col((r) => r.subject)}::text[], ${col((r) => r.text)}::text[],
                      ${col((r) => (r.variables === null ? null : JSON.stringify(r.variables)))}::text[], ${col((r) => (r.fallback === null ? null : JSON.stringify(r.fallback)))}::text[])
            AS t(id, seq, phone, ref, kind, subject, text, variables, fallback)`.execute(tx);
    }
    if (reserveAt) await enqueueJob(tx, messageQueuesOf(ctx).release, batchJobPayload(batchId, now), { dedupeKey: `batch:${batchId}`, runAt: reserveAt });
    else await enqueueJob(tx, messageQueuesOf(ctx).dispatch, batchJobPayload(batchId, now), { dedupeKey: `batch:${batchId}` });
    await recordEvent(tx, {
      type: 'message_batch.accepted',
      partnerId,
      objectId: String(batchId),
      state,
      at: now,
      data: { type: c.type, total: stored.length, duplicates: base.duplicates, ad: c.ad, reserveAt: reserveAt?.toISOString() ?? null, holdReason },
    });
    return { ...base, id: batchId, state, total: stored.length, reserveAt, holdReason };
  });
}
