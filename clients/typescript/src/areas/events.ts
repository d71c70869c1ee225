/**
 * The event log: every state change, kept 30 days, read with a cursor to catch up after an outage (or instead of
 * webhooks). `GET /v1/events` shows the partner's events (its Access Key); `GET /v1/subscriptions/{id}/events` one
 * subscription's (its service key).
 */
import type { CursorPage, EventQuery, HanbillEvent } from '../contract-types.ts';
import { requestOf } from '../operation-call.ts';
import { subscriptionIdOf, type ClientContext } from '../context.ts';
import { followCursor, type FollowOptions } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

export type EventScope = 'partner' | 'subscription';

export interface IterateEventsOptions extends FollowOptions {
  /** whose events: the partner's (default when the client has an API key) or the client's subscription's */
  scope?: EventScope;
}

function queryOf(q: EventQuery): Record<string, unknown> {
  const { type, ...rest } = q;
  return { ...rest, ...(type !== undefined ? { type: typeof type === 'string' ? type : type.join(',') } : {}) };
}

export class EventsApi {
  constructor(private readonly c: ClientContext) {}

  /** One page of the partner's events, oldest first from `cursor`. */
  list(query: EventQuery = {}, options?: CallOptions): Promise<CursorPage<HanbillEvent>> {
    return this.c.transport.request(requestOf('GET /v1/events', { query: queryOf(query), ...options }, this.c.subscription));
  }

  /** One page of the client's subscription's events. */
  async listForSubscription(query: Omit<EventQuery, 'subscriptionId'> = {}, options?: CallOptions): Promise<CursorPage<HanbillEvent>> {
    const path = { subscriptionId: subscriptionIdOf(this.c) };
    return this.c.transport.request(requestOf('GET /v1/subscriptions/{subscriptionId}/events', { path, query: queryOf(query), ...options }, this.c.subscription));
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
