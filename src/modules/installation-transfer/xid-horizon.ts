/**
 * Transaction ids in the data (xid8: the event log's tx_id, the webhook dispatch cursors) only mean something
 * against the cluster's own counter: events are read up to pg_snapshot_xmin and in (tx_id, id) order. A new
 * PostgreSQL cluster whose counter is behind the source's would hide the imported events and order new ones
 * before them (integrators' saved cursors would skip them). So before loading, the target's counter is moved past
 * the source's horizon (pg_snapshot_xmax at export): empty transactions committed in a DO block, 50,000 a
 * statement. The values are kept exactly, so cursors handed out before the move stay valid after it.
 */
import type pg from 'pg';

const CHUNK = 50_000;

export async function currentXidHorizon(db: Pick<pg.ClientBase, 'query'>): Promise<bigint> {
  const r = await db.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x');
  return BigInt(r.rows[0]!.x);
}

/** Move the target's transaction counter past `horizon`; returns how many transaction ids were used. */
export async function advanceXidsPast(db: Pick<pg.ClientBase, 'query'>, horizon: bigint, progress: (left: bigint) => void = () => {}): Promise<bigint> {
  const start = await currentXidHorizon(db);
  let now = start;
  while (now <= horizon) {
    const left = horizon - now + 1n;
    progress(left);
    const n = left < BigInt(CHUNK) ? left : BigInt(CHUNK);
    // top level (no BEGIN around it): the DO block may COMMIT, each iteration is a transaction with an id of its own
    await db.query(`DO $$ BEGIN FOR i IN 1..${n} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
    now = await currentXidHorizon(db);
  }
  return now - start;
}
