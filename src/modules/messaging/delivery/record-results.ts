/**
 * The result recorder, shared by the push receiver, polling, immediate refusals and the 48-hour rule. Results are
 * stored in set operations: a chunk of up to 1,000 results is one transaction of a few statements.
 *
 *   attempt sent (queued, for a refusal) → delivered | failed. An attempt already final changes nothing (a duplicate
 *   report); a report for an attempt sent longer ago than the result time-out is ignored and logged (the 48-hour
 *   rule fails it, uncharged).
 *   delivered → recipient delivered, batch success+1 pending−1, one usage_records row (event_key msg:<attempt id>,
 *               the unit and price captured on the attempt) — ON CONFLICT DO NOTHING, same transaction
 *   failed Kakao attempt, recipient with a fallback, batch with a sender number (not for a time-out)
 *            → a fallback attempt (sms | lms) queued, the dispatch job enqueued; the recipient stays sending
 *   failed otherwise → recipient failed, batch failure+1 pending−1
 *   batch pending 0 → done
 *   each recipient made final (sending → delivered | failed) → its `message.delivered | message.failed` event,
 *   all of a chunk in one INSERT (object: the recipient's id, as the recipients and history APIs show it)
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { afterCommit, inTransaction } from '../../../platform/db/transaction.ts';
import { metrics } from '../../../platform/metrics.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { batchJobPayload, messageQueuesOf } from '../sending/message-queues.ts';
import type { MessageKind, RecipientFallback } from '../sending/tables.ts';
import '../sending/tables.ts';
import { KAKAO_KINDS, meteredItemOf } from './delivery-codes.ts';
import { currentUnitPrices } from './unit-prices.ts';
import { recordEvents } from '../../events/record-event.ts';

export interface ResultInput {
  attemptId: number;
  delivered: boolean;
  code: string;
  message: string;
}

/** report: a carrier result; refusal: refused in the send answer (attempt still queued); timeout: the 48-hour rule. */
export type RecordMode = 'report' | 'refusal' | 'timeout';

export interface RecordOutcome {
  applied: number;
  ignored: number;
  delivered: number;
  failed: number;
  fallbacks: number;
}

const CHUNK = 1000;

export async function recordResults(ctx: Ctx, results: readonly ResultInput[], mode: RecordMode): Promise<RecordOutcome> {
  const total: RecordOutcome = { applied: 0, ignored: 0, delivered: 0, failed: 0, fallbacks: 0 };
  // one result per attempt (a duplicate inside one push is a duplicate like any other)
  const unique = [...new Map(results.map((r) => [r.attemptId, r])).values()];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const part = await inTransaction(ctx.db, (tx) => recordChunk(ctx, tx, unique.slice(i, i + CHUNK), mode));
    for (const k of Object.keys(total) as (keyof RecordOutcome)[]) total[k] += part[k];
  }
  total.ignored += results.length - unique.length;
  if (total.ignored > 0 && mode === 'report') ctx.log.info({ ignored: total.ignored }, 'carrier reports ignored: duplicates, unknown attempts or after the result time-out');
  return total;
}

interface UpdatedAttempt {
  id: number;
  accepted_at: Date;
  recipient_id: number;
  batch_id: number;
  partner_id: number | null;
  channel: string;
  kind: MessageKind;
  is_fallback: boolean;
  state: 'delivered' | 'failed';
  unit_id: number | null;
  unit_price_krw: number | null;
  result_code: string;
  result_message: string;
  sent_at: Date;
}

interface RecipientInfo {
  id: number;
  accepted_at: Date;
  attempts: number;
  fallback: RecipientFallback | null;
  sender_number: string | null;
  subscription_id: number | null;
  /** the batch's content carries images (contentHasImage in SQL: the content itself is not read back per row) */
  has_image: boolean | null;
}

async function recordChunk(ctx: Ctx, tx: Tx, results: ResultInput[], mode: RecordMode): Promise<RecordOutcome> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.carrier.resultTimeoutHours * 3_600_000);
  const input = JSON.stringify(results.map((r) => ({ id: r.attemptId, ok: r.delivered, code: r.code, message: r.message })));
  // a report may overtake the mark of its send (the carrier answered, its report came before our 'sent' committed):
  // the carrier knows the message, so a queued attempt takes a report too
  const fromStates = mode === 'refusal' ? ['queued'] : mode === 'report' ? ['queued', 'sent'] : ['sent'];
  // the attempts' update and what the recipients and batches tell about them, in one statement. A report does
  // not carry the partition key (accepted_at): `id = ANY(…)` keeps the lookup on each partition's primary key
  // (a join on the recordset alone may be planned as a scan of every partition)
  const updated = await sql<UpdatedAttempt & { info_id: number | null; attempts: number; fallback: RecipientFallback | null; sender_number: string | null; subscription_id: number | null; has_image: boolean | null }>`
    WITH u AS (
      UPDATE message_attempts a
         SET state = CASE WHEN r.ok THEN 'delivered' ELSE 'failed' END, result_code = r.code, result_message = r.message, reported_at = ${now},
             sent_at = coalesce(a.sent_at, ${now}::timestamptz)
        FROM jsonb_to_recordset(${input}::jsonb) AS r(id bigint, ok boolean, code text, message text)
       WHERE a.id = ANY(${results.map((r) => r.attemptId)}::bigint[]) AND a.id = r.id AND a.state IN (${sql.join(fromStates)})
         ${mode === 'report' ? sql`AND (a.sent_at IS NULL OR a.sent_at > ${cutoff})` : sql``}
      RETURNING a.id, a.accepted_at, a.recipient_id, a.batch_id, a.partner_id, a.channel, a.kind, a.is_fallback, a.state, a.unit_id, a.unit_price_krw, a.result_code, a.result_message, a.sent_at)
    SELECT u.*, m.id AS info_id, m.attempts, m.fallback, b.sender_number, b.subscription_id,
           CASE WHEN jsonb_typeof(b.content->'images') = 'array' THEN jsonb_array_length(b.content->'images') > 0
                ELSE coalesce(jsonb_typeof(b.content->'images'), 'null') <> 'null' END AS has_image
      FROM u
      LEFT JOIN message_recipients m ON m.id = u.recipient_id AND m.accepted_at = u.accepted_at
      LEFT JOIN message_batches b ON b.id = m.batch_id AND b.accepted_at = m.accepted_at`.execute(tx);
  const rows = updated.rows.map((r) => ({ ...r, id: Number(r.id), recipient_id: Number(r.recipient_id), batch_id: Number(r.batch_id), accepted_at: new Date(r.accepted_at), sent_at: new Date(r.sent_at) }));
  const out: RecordOutcome = { applied: rows.length, ignored: results.length - rows.length, delivered: 0, failed: 0, fallbacks: 0 };
  if (rows.length === 0) return out;
  const info = new Map<number, RecipientInfo>(
    rows.filter((r) => r.info_id !== null).map((r) => [r.recipient_id, { id: r.recipient_id, accepted_at: r.accepted_at, attempts: r.attempts, fallback: r.fallback, sender_number: r.sender_number, subscription_id: r.subscription_id, has_image: r.has_image }]),
  );

  const finals: { id: number; at: string; state: string; code: string; message: string; sent: string }[] = [];
  const usage: { event_key: string; partner_id: number | null; subscription_id: number | null; unit_id: number; metered_item: string; unit_price_krw: number; occurred_at: Date }[] = [];
  const fallbackAttempts: { recipient: RecipientInfo; attempt: UpdatedAttempt; fb: RecipientFallback }[] = [];
  const perBatch = new Map<string, { id: number; at: Date; success: number; failure: number }>();
  const bump = (a: UpdatedAttempt, ok: boolean) => {
    const k = `${a.batch_id}/${a.accepted_at.toISOString()}`;
    const b = perBatch.get(k) ?? { id: a.batch_id, at: a.accepted_at, success: 0, failure: 0 };
    if (ok) b.success++;
    else b.failure++;
    perBatch.set(k, b);
  };
  for (const a of rows) {
    const r = info.get(a.recipient_id);
    if (a.state === 'delivered') {
      out.delivered++;
      finals.push({ id: a.recipient_id, at: a.accepted_at.toISOString(), state: 'delivered', code: a.result_code, message: a.result_message, sent: a.sent_at.toISOString() });
      bump(a, true);
      if (a.unit_id !== null && a.unit_price_krw !== null) {
        usage.push({
          event_key: `msg:${a.id}`,
          partner_id: a.partner_id === null ? null : Number(a.partner_id),
          subscription_id: r?.subscription_id == null ? null : Number(r.subscription_id),
          unit_id: Number(a.unit_id),
          metered_item: meteredItemOf(a.kind, r?.has_image === true),
          unit_price_krw: Number(a.unit_price_krw),
          occurred_at: now,
        });
      } else {
        ctx.log.warn({ attemptId: a.id, kind: a.kind }, 'delivered message without a service unit: not recorded for settlement');
      }
      continue;
    }
    const fb = r?.fallback;
    if (mode !== 'timeout' && !a.is_fallback && KAKAO_KINDS.has(a.kind) && fb && r.sender_number) {
      fallbackAttempts.push({ recipient: r, attempt: a, fb });
      continue;
    }
    out.failed++;
    finals.push({ id: a.recipient_id, at: a.accepted_at.toISOString(), state: 'failed', code: a.result_code, message: a.result_message, sent: a.sent_at.toISOString() });
    bump(a, false);
  }

  if (finals.length > 0) {
    const made = await sql<{ id: string; batch_id: string; partner_id: string | null; seq: number; client_ref: string | null; kind: string; state: 'delivered' | 'failed'; result_code: string }>`
      UPDATE message_recipients m SET state = f.state, result_code = f.code, result_message = f.message, done_at = ${now}, sent_at = coalesce(m.sent_at, f.sent)
        FROM jsonb_to_recordset(${JSON.stringify(finals)}::jsonb) AS f(id bigint, at timestamptz, state text, code text, message text, sent timestamptz)
       WHERE m.id = f.id AND m.accepted_at = f.at AND m.state = 'sending'
      RETURNING m.id, m.batch_id, m.partner_id, m.seq, m.client_ref, m.kind, m.state, m.result_code`.execute(tx);
    await recordEvents(
      tx,
      made.rows.map((m) => {
        const sub = info.get(Number(m.id))?.subscription_id;
        return {
          type: m.state === 'delivered' ? ('message.delivered' as const) : ('message.failed' as const),
          partnerId: m.partner_id === null ? null : Number(m.partner_id),
          subscriptionId: sub == null ? null : Number(sub),
          objectId: String(m.id),
          state: m.state,
          at: now,
          data: { batchId: String(m.batch_id), seq: m.seq, clientRef: m.client_ref, kind: m.kind, resultCode: m.result_code, ...(mode === 'timeout' ? { timedOut: true } : {}) },
        };
      }),
    );
    const outcomes = new Map<string, { kind: string; outcome: string; n: number }>();
    for (const m of made.rows) {
      const k = `${m.kind}/${m.state}`;
      const o = outcomes.get(k) ?? { kind: m.kind, outcome: m.state, n: 0 };
      o.n++;
      outcomes.set(k, o);
    }
    afterCommit(tx, () => {
      for (const o of outcomes.values()) metrics.inc('hanbill_messages_total', { kind: o.kind, outcome: o.outcome }, o.n);
    });
  }
  if (usage.length > 0) {
    // one statement whatever the chunk size (a VALUES list would take 7 parameters a row)
    await sql`
      INSERT INTO usage_records (event_key, partner_id, subscription_id, unit_id, metered_item, unit_price_krw, occurred_at)
      SELECT u.event_key, u.partner_id, u.subscription_id, u.unit_id, u.metered_item, u.unit_price_krw, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(usage)}::jsonb) AS u(event_key text, partner_id bigint, subscription_id bigint, unit_id bigint, metered_item text, unit_price_krw bigint)
      ON CONFLICT (event_key) DO NOTHING`.execute(tx);
  }
  if (fallbackAttempts.length > 0) {
    const prices = await currentUnitPrices(tx, now, fallbackAttempts.map(({ attempt }) => attempt.partner_id));
    await tx
      .insertInto('message_attempts')
      .values(
        fallbackAttempts.map(({ recipient, attempt, fb }) => {
          const unit = prices(fb.kind, false, attempt.partner_id);
          return {
            accepted_at: attempt.accepted_at,
            recipient_id: attempt.recipient_id,
            batch_id: attempt.batch_id,
            partner_id: attempt.partner_id,
            channel: attempt.channel,
            attempt_no: Number(recipient.attempts) + 1,
            kind: fb.kind,
            is_fallback: true,
            state: 'queued' as const,
            unit_id: unit?.unitId ?? null,
            unit_price_krw: unit?.priceKrw ?? null,
            created_at: now,
          };
        }),
      )
      .onConflict((oc) => oc.columns(['recipient_id', 'attempt_no', 'accepted_at']).doNothing())
      .execute();
    const fbKeys = JSON.stringify(fallbackAttempts.map(({ attempt }) => ({ id: attempt.recipient_id, at: attempt.accepted_at.toISOString(), code: attempt.result_code, message: attempt.result_message })));
    await sql`
      UPDATE message_recipients m SET attempts = m.attempts + 1, result_code = f.code, result_message = f.message
        FROM jsonb_to_recordset(${fbKeys}::jsonb) AS f(id bigint, at timestamptz, code text, message text)
       WHERE m.id = f.id AND m.accepted_at = f.at`.execute(tx);
    const batches = new Map(fallbackAttempts.map(({ attempt }) => [attempt.batch_id, attempt.accepted_at]));
    for (const [batchId, acceptedAt] of batches) await enqueueJob(tx, messageQueuesOf(ctx).dispatch, { ...batchJobPayload(batchId, acceptedAt), reason: 'fallback' });
    out.fallbacks = fallbackAttempts.length;
  }
  if (perBatch.size > 0) {
    const deltas = JSON.stringify([...perBatch.values()].map((b) => ({ id: b.id, at: b.at.toISOString(), s: b.success, f: b.failure })));
    await sql`
      UPDATE message_batches b
         SET success = b.success + d.s, failure = b.failure + d.f, pending = b.pending - d.s - d.f,
             state = CASE WHEN b.pending - d.s - d.f = 0 AND b.state IN ('queued', 'sending') THEN 'done' ELSE b.state END,
             done_at = CASE WHEN b.pending - d.s - d.f = 0 AND b.state IN ('queued', 'sending') THEN ${now}::timestamptz ELSE b.done_at END
        FROM jsonb_to_recordset(${deltas}::jsonb) AS d(id bigint, at timestamptz, s integer, f integer)
       WHERE b.id = d.id AND b.accepted_at = d.at`.execute(tx);
  }
  return out;
}
