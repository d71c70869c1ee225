/**
 * Record events: always inside the transaction of the change itself (`tx`), so an event exists exactly when its
 * change committed, and a retried or rolled-back change leaves none. One INSERT for any number of events (a bulk
 * issue records one per document): the partner of a subscription's event is looked up in the same statement.
 *
 * Webhook deliveries are fanned out from the log by the webhook dispatcher (src/modules/webhooks), not here.
 */
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/transaction.ts';
import { EVENT_TYPES, type EventType } from './event-catalogue.ts';
import './event-tables.ts';

export interface NewEvent {
  type: EventType;
  /** the object's id as the API names it (a dockey, a batch id …) and its state after the change */
  objectId: string;
  state: string;
  at: Date;
  /** a subscription's event: its partner (if any) is found from the subscription's member */
  subscriptionId?: number | null;
  /** a partner's own event (bills, API keys, suspension), or to name the partner without a lookup */
  partnerId?: number | null;
  /** a small summary for the reader (amounts, counterparty, codes); never a secret */
  data?: Record<string, unknown>;
}

export async function recordEvent(tx: Tx, event: NewEvent): Promise<void> {
  await recordEvents(tx, [event]);
}

export async function recordEvents(tx: Tx, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const col = <T>(f: (e: NewEvent) => T): T[] => events.map(f);
  await sql`
    INSERT INTO events (partner_id, subscription_id, type, object_type, object_id, state, data, occurred_at)
    SELECT coalesce(v.partner_id, m.partner_id), v.subscription_id, v.type, v.object_type, v.object_id, v.state, v.data, v.occurred_at
      FROM unnest(${col((e) => e.partnerId ?? null)}::bigint[], ${col((e) => e.subscriptionId ?? null)}::bigint[], ${col((e) => e.type)}::text[],
                  ${col((e) => EVENT_TYPES[e.type].object)}::text[], ${col((e) => e.objectId)}::text[], ${col((e) => e.state)}::text[],
                  ${col((e) => JSON.stringify(e.data ?? {}))}::jsonb[], ${col((e) => e.at.toISOString())}::timestamptz[])
             WITH ORDINALITY AS v(partner_id, subscription_id, type, object_type, object_id, state, data, occurred_at, ord)
      LEFT JOIN subscriptions s ON s.id = v.subscription_id
      LEFT JOIN members m ON m.id = s.member_id
     ORDER BY v.ord`.execute(tx);
}
