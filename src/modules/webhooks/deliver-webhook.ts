/**
 * One attempt of one delivery (job `<channel>.webhooks.deliver`, payload { deliveryId, claim }): only while the
 * delivery is pending and the job still holds the claim start-due-deliveries.ts (or a redeliver) gave it. The
 * body is the event exactly as GET /v1/events shows it; the headers carry the signature (webhook-signature.ts,
 * both secrets during a rotation), the delivery id (the same on every attempt), the event type and our agent.
 * The signature's `t` is real time, not the business clock: it is checked against the receiver's own clock, like
 * the jobs' run times (nts/filing-queues.ts realTimeIn).
 *
 * Every attempt is logged. A 2xx succeeds; anything else (3xx included: redirects are not followed), a time-out or
 * a network error is retried after retryDelayMs (business time) until the delivery's 3 days are over, then it is
 * failed and the next delivery of the same object may go. The endpoint's failure streak starts at its first failure
 * and ends at its next success; 3 days of it disable the endpoint (disable-failing-endpoint.ts).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { metrics } from '../../platform/metrics.ts';
import { eventView } from '../events/list-events.ts';
import '../events/event-tables.ts';
import { signingSecrets } from './endpoint-secrets.ts';
import { disableIfFailing } from './disable-failing-endpoint.ts';
import { retryDelayMs } from './webhook-queues.ts';
import { postWebhook, type PostResult, type WebhookPoster } from './webhook-http.ts';
import { signatureHeader, SIGNATURE_HEADER } from './webhook-signature.ts';
import './webhook-tables.ts';

export const USER_AGENT = 'Hanbill-Webhooks/1';

export interface AttemptOutcome {
  state: 'skipped' | 'succeeded' | 'retrying' | 'failed';
  /** settled with a later delivery of the same object pending: it may go now (the dispatcher need not wait a poll) */
  unblocks: boolean;
}
const SKIPPED: AttemptOutcome = { state: 'skipped', unblocks: false };

export async function attemptDelivery(ctx: Ctx, deliveryId: string, claim: string, post: WebhookPoster = postWebhook): Promise<AttemptOutcome> {
  const d = await ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .leftJoin('events as e', 'e.id', 'd.event_id')
    .select(['d.seq', 'd.state', 'd.claim', 'd.object_key', 'd.event_id', 'd.event_type', 'd.expires_at', 'w.id as endpoint_id', 'w.public_id', 'w.url', 'w.secret_sealed', 'w.previous_secret_sealed', 'w.previous_secret_expires_at'])
    .select(['e.id as e_id', 'e.type as e_type', 'e.occurred_at as e_occurred_at', 'e.subscription_id as e_subscription_id', 'e.object_type as e_object_type', 'e.object_id as e_object_id', 'e.state as e_state', 'e.data as e_data'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!d || d.state !== 'pending' || d.claim !== claim) return SKIPPED;
  // the event is gone when it outlived the log's 30 days (the delivery is then failed)
  const event =
    d.e_id === null
      ? undefined
      : { id: d.e_id, type: d.e_type!, occurred_at: d.e_occurred_at!, subscription_id: d.e_subscription_id, object_type: d.e_object_type!, object_id: d.e_object_id!, state: d.e_state!, data: d.e_data! };

  let result: PostResult;
  if (!event) {
    result = { status: null, durationMs: 0, responseExcerpt: '', error: 'the event is no longer in the log (kept 30 days)' };
  } else {
    const body = JSON.stringify(eventView(event));
    const secrets = signingSecrets(ctx.masterKey, d, ctx.clock.now());
    const headers = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secrets, Math.floor(Date.now() / 1000), body),
      'hanbill-delivery': deliveryId,
      'hanbill-event': d.event_type,
      'user-agent': USER_AGENT,
    };
    result = await post({ url: d.url, body, headers, timeoutMs: ctx.config.webhooks.timeoutMs, allowPrivate: ctx.config.webhooks.allowPrivate });
  }
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const outcome = await recordAttempt(ctx, { seq: d.seq, endpointId: d.endpoint_id, objectKey: d.object_key, claim, expiresAt: d.expires_at, gone: !event }, result, ok);
  // counted once recorded (committed); a skipped attempt (claimed again meanwhile, deleted) is not counted
  if (outcome.state !== 'skipped') metrics.inc('hanbill_webhook_attempts_total', { outcome: outcome.state === 'succeeded' ? 'succeeded' : 'failed' });
  if (outcome.state === 'succeeded' || outcome.state === 'failed') metrics.inc('hanbill_webhook_deliveries_total', { outcome: outcome.state });
  return outcome;
}

interface Claimed {
  seq: number;
  endpointId: number;
  objectKey: string;
  claim: string;
}

/** A pending delivery of the same endpoint and object other than `d` (read in `d`'s statement or transaction). */
const laterPending = (d: Claimed) =>
  sql<boolean>`EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = ${d.endpointId} AND o.object_key = ${d.objectKey} AND o.state = 'pending' AND o.seq <> ${d.seq})`;

async function recordAttempt(ctx: Ctx, d: Claimed & { expiresAt: Date; gone: boolean }, result: PostResult, ok: boolean): Promise<AttemptOutcome> {
  const now = ctx.clock.now();
  if (ok) return recordSuccess(ctx, d, result, now);
  return inTransaction(ctx.db, async (tx) => {
    // the delivery (or its endpoint) may have been deleted meanwhile: then there is nothing to log against
    const row = await tx.updateTable('webhook_deliveries').set({ attempts: sql`attempts + 1` }).where('seq', '=', d.seq).returning(['attempts']).executeTakeFirst();
    if (!row) return SKIPPED;
    await tx
      .insertInto('webhook_attempts')
      .values({ delivery_seq: d.seq, at: now, status: result.status, duration_ms: result.durationMs, response_excerpt: result.responseExcerpt, error: result.error })
      .execute();
    const final = ok || d.gone || now >= d.expiresAt;
    const state = ok ? 'succeeded' : final ? 'failed' : 'pending';
    // a redeliver may have claimed it again meanwhile: then that attempt decides its state
    await tx
      .updateTable('webhook_deliveries')
      .set({ state, claim: null, claimed_until: null, ...(state === 'pending' ? { next_attempt_at: new Date(now.getTime() + retryDelayMs(row.attempts)) } : {}) })
      .where('seq', '=', d.seq)
      .where('claim', '=', d.claim)
      .execute();
    if (ok) {
      await tx.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', d.endpointId).where('failing_since', 'is not', null).execute();
    } else {
      await tx.updateTable('webhook_endpoints').set({ failing_since: now }).where('id', '=', d.endpointId).where('failing_since', 'is', null).execute();
      await disableIfFailing(ctx, tx, d.endpointId, now);
    }
    if (state === 'pending') return { state: 'retrying', unblocks: false };
    const next = await sql<{ follows: boolean }>`SELECT ${laterPending(d)} AS follows`.execute(tx);
    return { state, unblocks: next.rows[0]?.follows === true };
  });
}

/**
 * A success in one statement (the common case, one round trip instead of six): the attempt counted and logged, the
 * delivery succeeded while this job holds its claim, the endpoint's failure streak ended.
 */
async function recordSuccess(ctx: Ctx, d: Claimed, result: PostResult, now: Date): Promise<AttemptOutcome> {
  const r = await sql<{ n: string; follows: boolean }>`
    WITH d AS (
      UPDATE webhook_deliveries
         SET attempts = attempts + 1,
             state = CASE WHEN claim = ${d.claim} THEN 'succeeded' ELSE state END,
             claimed_until = CASE WHEN claim = ${d.claim} THEN NULL ELSE claimed_until END,
             claim = CASE WHEN claim = ${d.claim} THEN NULL ELSE claim END
       WHERE seq = ${d.seq}
      RETURNING seq),
    a AS (
      INSERT INTO webhook_attempts (delivery_seq, at, status, duration_ms, response_excerpt, error)
      SELECT seq, ${now}::timestamptz, ${result.status}::integer, ${result.durationMs}::integer, ${result.responseExcerpt}::text, NULL FROM d
      RETURNING 1),
    e AS (
      UPDATE webhook_endpoints SET failing_since = NULL
       WHERE id = ${d.endpointId} AND failing_since IS NOT NULL AND EXISTS (SELECT 1 FROM d)
      RETURNING 1)
    SELECT count(*) AS n, ${laterPending(d)} AS follows FROM d`.execute(ctx.db); // a and e run whether read or not (data-modifying WITH)
  return Number(r.rows[0]?.n ?? 0) > 0 ? { state: 'succeeded', unblocks: r.rows[0]?.follows === true } : SKIPPED;
}
