/**
 * Fan-out: events past this channel's cursor become deliveries to the enabled endpoints of the event's partner that
 * subscribe to its type (and existed when it happened). The cursor row is locked FOR UPDATE SKIP LOCKED — one
 * dispatcher at a time per channel, another process skips the round — and advanced in the same transaction as the
 * deliveries' INSERT, so an event is fanned out once; were it read twice (a crash between), UNIQUE (endpoint_id,
 * event_id) adds nothing. Events are read in the event log's (tx_id, id) order up to its horizon
 * (events/list-events.ts eventsInLogOrder), so the cursor never passes an event that commits later.
 *
 * A channel's cursor starts at the log's horizon when its first endpoint is registered (ensureDispatchCursor, in the
 * registration's transaction) or its first dispatcher runs, whichever is first: no endpoint of the channel existed
 * before, and an api process may register endpoints (and record their events) before any worker of it ran.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction, type Db, type Tx } from '../../platform/db/transaction.ts';
import { eventsInLogOrder } from '../events/list-events.ts';
import { RETRY_WINDOW_MS } from './webhook-queues.ts';
import './webhook-tables.ts';

export const FAN_OUT_BATCH = 1000;

/** Create the channel's cursor at the log's horizon unless it exists. */
export async function ensureDispatchCursor(db: Db | Tx, channel: string): Promise<void> {
  await sql`INSERT INTO webhook_dispatch_cursors (channel, tx_id, event_id) VALUES (${channel}, pg_snapshot_xmin(pg_current_snapshot()), 0) ON CONFLICT (channel) DO NOTHING`.execute(db);
}

/** Fan out what is past the cursor, batch by batch. Returns the deliveries created. */
export async function fanOutEvents(ctx: Ctx, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? FAN_OUT_BATCH;
  // a look without a transaction or a lock first: most rounds of the dispatcher loop (every HANBILL_WEBHOOK_POLL_MS on
  // every worker, whatever the traffic) find nothing new
  const seen = await ctx.db.selectFrom('webhook_dispatch_cursors').select([sql<string>`tx_id::text`.as('tx'), 'event_id']).where('channel', '=', ctx.config.channel).executeTakeFirst();
  if (seen && !(await eventsInLogOrder(ctx.db, { txId: seen.tx, id: Number(seen.event_id) }).limit(1).executeTakeFirst())) return 0;
  let created = 0;
  for (;;) {
    const round = await inTransaction(ctx.db, async (tx) => {
      const cursor = await tx.selectFrom('webhook_dispatch_cursors').select([sql<string>`tx_id::text`.as('tx'), 'event_id']).where('channel', '=', ctx.config.channel).forUpdate().skipLocked().executeTakeFirst();
      if (!cursor) {
        // none yet (start at the horizon), or another process holds it (it does this round)
        await ensureDispatchCursor(tx, ctx.config.channel);
        return { read: 0, created: 0 };
      }
      const events = await eventsInLogOrder(tx, { txId: cursor.tx, id: Number(cursor.event_id) }).limit(batch).execute();
      const last = events.at(-1);
      if (!last) return { read: 0, created: 0 };
      const now = ctx.clock.now();
      const inserted = await sql<{ n: string }>`
        WITH ins AS (
          INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, object_key, next_attempt_at, expires_at, created_at)
          SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), w.id, e.id, e.type, e.object_type || ':' || e.object_id,
                 ${now}::timestamptz, ${new Date(now.getTime() + RETRY_WINDOW_MS)}::timestamptz, ${now}::timestamptz
            FROM events e
            JOIN webhook_endpoints w ON w.partner_id = e.partner_id AND w.channel = ${ctx.config.channel} AND w.state = 'enabled'
                                    AND e.type = ANY (w.events) AND w.created_at <= e.occurred_at
           WHERE e.id = ANY (${events.map((e) => e.id)}::bigint[])
           ORDER BY e.tx_id, e.id, w.id
          ON CONFLICT (endpoint_id, event_id) DO NOTHING
          RETURNING 1)
        SELECT count(*) AS n FROM ins`.execute(tx);
      await tx.updateTable('webhook_dispatch_cursors').set({ tx_id: sql`${last.tx}::xid8`, event_id: last.id, updated_at: sql`now()` }).where('channel', '=', ctx.config.channel).execute();
      return { read: events.length, created: Number(inserted.rows[0]?.n ?? 0) };
    });
    created += round.created;
    if (round.read < batch) return created;
  }
}
