/**
 * An endpoint's deliveries, newest first, with every attempt (GET /v1/webhook-endpoints/{id}/deliveries, the
 * portal). The cursor is opaque to clients.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { kstIso } from '../../platform/clock.ts';
import { findEndpoint } from './endpoint-view.ts';
import type { DeliveryState } from './webhook-tables.ts';
import './webhook-tables.ts';

export const MAX_DELIVERY_PAGE = 100;
/** Attempts shown per delivery: the latest ones (a delivery has about 17 in its 3 days, more when redelivered). */
export const MAX_ATTEMPTS_SHOWN = 50;

export interface AttemptView {
  at: string;
  status: number | null;
  durationMs: number;
  responseExcerpt: string;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  objectId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  attemptLog: AttemptView[];
}

export interface DeliveryPage {
  data: DeliveryView[];
  nextCursor: string | null;
  hasMore: boolean;
}

function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,32}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^d\d{1,18}$/.test(text)) throw new AppError('field_invalid', '이 API가 준 cursor가 아닙니다 (cursor is not one this API returned)', { field: 'cursor' });
  return Number(text.slice(1));
}

const encodeCursor = (seq: number) => Buffer.from(`d${seq}`, 'utf8').toString('base64url');

export async function listDeliveries(ctx: Ctx, partnerId: number, endpointId: string, opts: { cursor?: string; limit?: number } = {}): Promise<DeliveryPage> {
  const limit = opts.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERY_PAGE) {
    throw new AppError('field_invalid', `1~${MAX_DELIVERY_PAGE} 사이입니다 (1..${MAX_DELIVERY_PAGE})`, { field: 'limit' });
  }
  const before = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  const endpoint = await findEndpoint(ctx.db, partnerId, endpointId);
  let q = ctx.db
    .selectFrom('webhook_deliveries')
    .select(['seq', 'id', 'event_id', 'event_type', 'object_key', 'state', 'attempts', 'next_attempt_at', 'created_at'])
    .where('endpoint_id', '=', endpoint.id);
  if (before !== undefined) q = q.where('seq', '<', before);
  const rows = await q.orderBy('seq', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await ctx.db
        .selectFrom('webhook_attempts')
        .select(['delivery_seq', 'at', 'status', 'duration_ms', 'response_excerpt', 'error'])
        .where('delivery_seq', 'in', page.map((r) => r.seq))
        .orderBy('delivery_seq')
        .orderBy('id', 'desc')
        .execute()
    : [];
  const bySeq = new Map<number, AttemptView[]>();
  for (const a of attempts) {
    const list = bySeq.get(Number(a.delivery_seq)) ?? [];
    if (list.length < MAX_ATTEMPTS_SHOWN) list.push({ at: kstIso(a.at), status: a.status, durationMs: a.duration_ms, responseExcerpt: a.response_excerpt, error: a.error });
    bySeq.set(Number(a.delivery_seq), list);
  }
  return {
    data: page.map((r) => ({
      id: r.id,
      eventId: String(r.event_id),
      eventType: r.event_type,
      objectId: r.object_key.slice(r.object_key.indexOf(':') + 1),
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: r.state === 'pending' ? kstIso(r.next_attempt_at) : null,
      createdAt: kstIso(r.created_at),
      // oldest first, as they happened
      attemptLog: (bySeq.get(Number(r.seq)) ?? []).reverse(),
    })),
    nextCursor: rows.length > limit ? encodeCursor(Number(page.at(-1)!.seq)) : null,
    hasMore: rows.length > limit,
  };
}
