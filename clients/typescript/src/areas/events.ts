/**
 * The event log: every state change, kept 30 days, read with a cursor to catch up after an outage (or instead of
 * webhooks). `GET /v1/events` shows the partner's events (its Access Key); `GET /v1/subscriptions/{id}/events` one
 * subscription's (its service key).
 */
import type { Operations, Schemas } from '../generated/api.ts';
import { callOperation } from '../operation-call.ts';
import { subscriptionIdOf, type ClientContext } from '../context.ts';
import { followCursor, type FollowOptions } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

/** One state change: GET /v1/events shows it, and a webhook delivery's body is exactly this object. */
export type HanbillEvent = Schemas['Event'];
export type EventType = HanbillEvent['type'];
export type EventObjectType = HanbillEvent['object']['type'];
type PartnerQuery = NonNullable<Operations['GET /v1/events']['query']>;
/** `type`: one or more types (sent comma-separated); `cursor`: `nextCursor` of the previous page. */
export type EventQuery = Omit<PartnerQuery, 'type'> & { type?: string | readonly string[] | undefined };
export type EventPage = Operations['GET /v1/events']['success'];

/** The event catalogue (src/modules/events/event-catalogue.ts on the server), in its order. */
export const EVENT_TYPES = [
  'document.issued',
  'document.mailed',
  'document.mail_failed',
  'document.read',
  'document.approved',
  'document.rejected',
  'document.cancelled',
  'document.discarded',
  'reverse_request.requested',
  'reverse_request.issued',
  'reverse_request.refused',
  'reverse_request.withdrawn',
  'nts_filing.queued',
  'nts_filing.sent',
  'nts_filing.succeeded',
  'nts_filing.failed',
  'message_batch.accepted',
  'message.delivered',
  'message.failed',
  'reservation.sent',
  'reservation.cancelled',
  'bill.issued',
  'bill.paid',
  'bill.overdue',
  'partner.suspended',
  'partner.restored',
  'api_key.created',
  'api_key.reissued',
  'api_key.deleted',
  'document_batch.accepted',
  'document_batch.item_issued',
  'document_batch.item_failed',
  'document_batch.completed',
] as const satisfies readonly EventType[];

export const EVENT_OBJECT_TYPES = ['document', 'reverse_request', 'message_batch', 'message', 'bill', 'partner', 'api_key', 'document_batch'] as const satisfies readonly EventObjectType[];

// the lists name every type of the generated document (satisfies above: no other), so the type check fails when it grows
type Assert<T extends true> = T;
export type _EveryEventTypeListed = Assert<[Exclude<EventType, (typeof EVENT_TYPES)[number]>] extends [never] ? true : false>;
export type _EveryObjectTypeListed = Assert<[Exclude<EventObjectType, (typeof EVENT_OBJECT_TYPES)[number]>] extends [never] ? true : false>;

export type EventScope = 'partner' | 'subscription';

export interface IterateEventsOptions extends FollowOptions {
  /** whose events: the partner's (default when the client has an API key) or the client's subscription's */
  scope?: EventScope;
}

function queryOf(q: EventQuery): PartnerQuery {
  const { type, ...rest } = q;
  return { ...rest, ...(type !== undefined ? { type: typeof type === 'string' ? type : type.join(',') } : {}) };
}

export class EventsApi {
  constructor(private readonly c: ClientContext) {}

  /** One page of the partner's events, oldest first from `cursor`. */
  list(query: EventQuery = {}, options?: CallOptions): Promise<EventPage> {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/events', { query: queryOf(query), ...options });
  }

  /** One page of the client's subscription's events. */
  listForSubscription(query: Omit<EventQuery, 'subscriptionId'> = {}, options?: CallOptions): Promise<EventPage> {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/subscriptions/{subscriptionId}/events', { path: this.path(), query: queryOf(query), ...options });
  }

  private path() {
    return { subscriptionId: subscriptionIdOf(this.c) };
  }

  /**
   * Every event from `cursor` (or the oldest kept) on; with `follow`, keeps polling for new ones until `signal`
   * aborts (`hanbill events tail --follow`).
   */
  iterate(query: EventQuery = {}, options: IterateEventsOptions = {}): AsyncGenerator<HanbillEvent, void, undefined> {
    const scope = options.scope ?? (this.c.transport.apiKey ? 'partner' : 'subscription');
    const { cursor, ...rest } = query;
    const call = options.signal ? { signal: options.signal } : {};
    return followCursor<HanbillEvent>((c) => (scope === 'partner' ? this.list({ ...rest, cursor: c }, call) : this.listForSubscription({ ...rest, cursor: c }, call)), {
      ...options,
      cursor,
    });
  }
}
