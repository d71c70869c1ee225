/** 메시지: send SMS / LMS / MMS / AlimTalk / FriendTalk, read a batch and its recipients, reservations, history. */
import type { Operations } from '../generated/api.ts';
import { callOperation } from '../operation-call.ts';
import type { ClientContext } from '../context.ts';
import { numberedPage, paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

type Ops = Operations;
export type MessageRequest = Ops['POST /v1/messages']['body'];
export type MessageRecipient = MessageRequest['recipients'][number];
export type MessageAcceptance = Ops['POST /v1/messages']['success'];
export type RecipientView = Ops['GET /v1/messages/{id}/recipients']['success']['data'][number];
export type RecipientQuery = NonNullable<Ops['GET /v1/messages/{id}/recipients']['query']>;
export type HistoryQuery = NonNullable<Ops['GET /v1/message-history']['query']>;
export type HistoryRow = Ops['GET /v1/message-history']['success']['data'][number];

/** A message of one type: the request without `type`; `to` may be one number or recipients. */
type Shorthand = Omit<MessageRequest, 'type' | 'recipients'> & ({ recipients: MessageRecipient[]; to?: undefined } | { to: string | readonly string[]; recipients?: undefined });

function recipientsOf(m: Shorthand): MessageRecipient[] {
  if (m.recipients) return m.recipients;
  return (typeof m.to === 'string' ? [m.to] : [...m.to]).map((to) => ({ to }));
}

export class MessagingApi {
  readonly reservations: ReservationsApi;
  readonly history: HistoryApi;

  constructor(private readonly c: ClientContext) {
    this.reservations = new ReservationsApi(c);
    this.history = new HistoryApi(c);
  }

  /** Accept a batch of messages (202): stored, then sent in the background; recipients answered one by one. */
  send(body: MessageRequest, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'POST /v1/messages', { body, ...options });
  }

  private typed(type: MessageRequest['type'], m: Shorthand, options?: CallOptions) {
    const { to: _to, recipients: _recipients, ...rest } = m;
    return this.send({ ...rest, type, recipients: recipientsOf(m) }, options);
  }

  sms(m: Shorthand, options?: CallOptions) {
    return this.typed('sms', m, options);
  }
  lms(m: Shorthand, options?: CallOptions) {
    return this.typed('lms', m, options);
  }
  mms(m: Shorthand, options?: CallOptions) {
    return this.typed('mms', m, options);
  }
  alimtalk(m: Shorthand, options?: CallOptions) {
    return this.typed('alimtalk', m, options);
  }
  friendtalk(m: Shorthand, options?: CallOptions) {
    return this.typed('friendtalk', m, options);
  }

  /** A batch: its counts and state. */
  batch(id: number, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/messages/{id}', { path: { id }, ...options });
  }

  recipients(id: number, query: RecipientQuery = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/messages/{id}/recipients', { path: { id }, query, ...options });
  }

  /** Every recipient of a batch, page after page. */
  iterateRecipients(id: number, query: Omit<RecipientQuery, 'after'> = {}, options?: CallOptions): AsyncGenerator<RecipientView, void, undefined> {
    return paginate<RecipientView, number>(async (after) => {
      const page = await this.recipients(id, { ...query, ...(after !== undefined ? { after } : {}) }, options);
      return { items: page.data, next: page.next ?? undefined };
    });
  }
}

export class ReservationsApi {
  constructor(private readonly c: ClientContext) {}

  list(query: NonNullable<Ops['GET /v1/reservations']['query']> = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/reservations', { query, ...options });
  }

  /** Cancel a reserved batch that has not been released yet. */
  cancel(id: number, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'DELETE /v1/reservations/{id}', { path: { id }, ...options });
  }
}

export class HistoryApi {
  constructor(private readonly c: ClientContext) {}

  list(query: HistoryQuery = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/message-history', { query, ...options });
  }

  iterate(query: Omit<HistoryQuery, 'page'> = {}, options?: CallOptions): AsyncGenerator<HistoryRow, void, undefined> {
    return paginate<HistoryRow, number>(async (page) => numberedPage(await this.list({ ...query, ...(page !== undefined ? { page } : {}) }, options)));
  }

  delete(body: Ops['DELETE /v1/message-history']['body'], options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'DELETE /v1/message-history', { body, ...options });
  }
}
