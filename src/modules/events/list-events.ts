/**
 * Read the event log (GET /v1/events, GET /v1/subscriptions/{id}/events) with a cursor, to catch up after an
 * outage or instead of webhooks.
 *
 * Order and the cursor: events are read in (tx_id, id) order and only those of transactions older than every one
 * still running (migrations/0017_events.sql says why). An event that becomes visible after a page was read sorts
 * after that page, so following `nextCursor` never skips one. The cursor is opaque to clients; it is returned even
 * for an empty page, so a client that polls keeps its place.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { kstIso } from '../../platform/clock.ts';
import { EVENT_OBJECT_TYPES, isEventType, type EventObjectType } from './event-catalogue.ts';
import './event-tables.ts';

export type EventScope = { partnerId: number } | { subscriptionId: number };

export interface EventFilter {
  types?: readonly string[];
  objectType?: string;
  objectId?: string;
  /**
   * In a partner's scope: only this subscription's events. It must be a subscription of one of the partner's
   * members (else subscription_not_found, as the other routes answer another partner's subscription).
   */
  subscriptionId?: number;
  /** `nextCursor` of the previous page; absent: from the oldest kept event */
  cursor?: string;
  limit?: number;
}

export interface EventView {
  id: string;
  type: string;
  occurredAt: string;
  subscriptionId: number | null;
  object: { type: string; id: string; state: string };
  data: Record<string, unknown>;
}

export interface EventPage {
  data: EventView[];
  /** pass as `cursor` for the next page; the same as the request's when nothing new was visible */
  nextCursor: string | null;
  hasMore: boolean;
}

export const MAX_EVENT_PAGE = 500;

export interface EventPosition {
  txId: string;
  id: number;
}
type Position = EventPosition;

export function encodeEventCursor(p: Position): string {
  return Buffer.from(`${p.txId}.${p.id}`, 'utf8').toString('base64url');
}

function decodeEventCursor(cursor: string): Position {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^(\d{1,20})\.(\d{1,18})$/.exec(text);
  if (!m) throw new AppError('field_invalid', '잘못된 cursor입니다 (cursor is not one this API returned)', { field: 'cursor' });
  return { txId: m[1]!, id: Number(m[2]) };
}

export function eventView(row: { id: number; type: string; occurred_at: Date; subscription_id: number | null; object_type: string; object_id: string; state: string; data: Record<string, unknown> }): EventView {
  return {
    id: String(row.id),
    type: row.type,
    occurredAt: kstIso(row.occurred_at),
    subscriptionId: row.subscription_id,
    object: { type: row.object_type, id: row.object_id, state: row.state },
    data: row.data,
  };
}

export async function listEvents(ctx: Ctx, scope: EventScope, filter: EventFilter = {}): Promise<EventPage> {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_PAGE) {
    throw new AppError('field_invalid', `limit은 1~${MAX_EVENT_PAGE}입니다 (limit must be 1..${MAX_EVENT_PAGE})`, { field: 'limit' });
  }
  for (const t of filter.types ?? []) {
    if (!isEventType(t)) throw new AppError('field_invalid', `알 수 없는 이벤트 유형입니다: ${t.slice(0, 60)} (unknown event type)`, { field: 'type' });
  }
  if (filter.objectType !== undefined && !(EVENT_OBJECT_TYPES as readonly string[]).includes(filter.objectType)) {
    throw new AppError('field_invalid', '알 수 없는 객체 유형입니다 (unknown object type)', { field: 'objectType' });
  }
  // a control character (a NUL the database cannot compare) is in no object id: refused, not a 500
  if (filter.objectId !== undefined && (filter.objectId === '' || filter.objectId.length > 200 || /[\u0000-\u001f\u007f]/.test(filter.objectId))) {
    throw new AppError('field_invalid', 'objectId는 제어 문자 없이 1~200자입니다 (objectId must be 1..200 characters, no control characters)', { field: 'objectId' });
  }
  if (filter.subscriptionId !== undefined) {
    if (!Number.isSafeInteger(filter.subscriptionId) || filter.subscriptionId < 1) {
      throw new AppError('field_invalid', 'subscriptionId는 양의 정수입니다 (subscriptionId must be a positive integer)', { field: 'subscriptionId' });
    }
    if ('partnerId' in scope) await assertPartnersSubscription(ctx, scope.partnerId, filter.subscriptionId);
  }
  const after = filter.cursor !== undefined ? decodeEventCursor(filter.cursor) : undefined;

  let q = eventsInLogOrder(ctx.db, after).select(['type', 'occurred_at', 'subscription_id', 'object_type', 'object_id', 'state', 'data']);
  q = 'partnerId' in scope ? q.where('partner_id', '=', scope.partnerId) : q.where('subscription_id', '=', scope.subscriptionId);
  if (filter.subscriptionId !== undefined) q = q.where('subscription_id', '=', filter.subscriptionId);
  if (filter.types?.length) q = q.where('type', 'in', [...filter.types]);
  if (filter.objectType !== undefined) q = q.where('object_type', '=', filter.objectType as EventObjectType);
  if (filter.objectId !== undefined) q = q.where('object_id', '=', filter.objectId);
  const rows = await q.limit(limit + 1).execute();

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(eventView),
    nextCursor: last ? encodeEventCursor({ txId: last.tx, id: last.id }) : (filter.cursor ?? null),
    hasMore: rows.length > limit,
  };
}

/**
 * Events in log order — (tx_id, id), only those of transactions older than every one still running — after
 * `after` when given, with their id and position (`tx`). The one query behind listEvents and the webhook
 * dispatcher (src/modules/webhooks/fan-out-events.ts); callers add their columns, filters and limit.
 */
export function eventsInLogOrder(db: Db | Tx, after?: EventPosition) {
  let q = db
    .selectFrom('events')
    .select(['id', sql<string>`tx_id::text`.as('tx')])
    .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())`);
  if (after) q = q.where(sql<boolean>`(tx_id, id) > (${after.txId}::xid8, ${after.id}::bigint)`);
  return q.orderBy(sql`tx_id`).orderBy('id');
}

async function assertPartnersSubscription(ctx: Ctx, partnerId: number, subscriptionId: number): Promise<void> {
  const own = await ctx.db
    .selectFrom('subscriptions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .select('s.id')
    .where('s.id', '=', subscriptionId)
    .where('m.partner_id', '=', partnerId)
    .executeTakeFirst();
  if (!own) throw new AppError('subscription_not_found', `신청번호 ${subscriptionId}은(는) 이 파트너의 회원 서비스가 아닙니다 (no such subscription among this partner's members)`, { field: 'subscriptionId' });
}
