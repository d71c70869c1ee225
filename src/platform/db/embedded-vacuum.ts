/**
 * VACUUM and ANALYZE for the embedded database. PGlite runs PostgreSQL as one standalone backend: there is no
 * autovacuum launcher, so without this the dead row versions of every UPDATE and DELETE (a job's claim and finish,
 * a document's mail and filing states, the per-request rate-limit counters) were never reclaimed and the planner's
 * statistics never refreshed — tables and indexes grew without end, index-only scans read the heap, and the embedded
 * default slowed the longer it ran.
 *
 * Each round does what autovacuum would, with its default thresholds: a table with more dead rows than
 * 50 + 20 % of its live rows, or more rows inserted since its last vacuum than 1,000 + 20 % (PostgreSQL 13's insert
 * trigger: it sets the visibility map of append-mostly tables such as `documents`, so that counts and lists read the
 * index alone), is vacuumed and analyzed; one with more changes since its last analyze than 50 + 10 % is analyzed.
 * PostgreSQL runs its own autovacuum: this is started for PGlite only (main.ts).
 */
import { sql } from 'kysely';
import type { Db } from './transaction.ts';

/** How often the embedded database is looked at (autovacuum's own default naptime). */
export const EMBEDDED_VACUUM_INTERVAL_MS = 60_000;

export interface VacuumRound {
  vacuumed: string[];
  analyzed: string[];
}

/** One round over the user tables; which were vacuumed and which only analyzed. */
export async function vacuumRound(db: Db): Promise<VacuumRound> {
  // this backend's own counts reach pg_stat_* at most once a second, when idle: flush them first
  await sql`SELECT pg_stat_force_next_flush()`.execute(db);
  const due = await sql<{ schemaname: string; relname: string; vacuum: boolean }>`
    SELECT schemaname, relname, (n_dead_tup > 50 + 0.2 * n_live_tup OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup) AS vacuum
      FROM pg_stat_user_tables
     WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup
     ORDER BY n_dead_tup DESC`.execute(db);
  const round: VacuumRound = { vacuumed: [], analyzed: [] };
  for (const t of due.rows) {
    const table = sql.id(t.schemaname, t.relname);
    if (t.vacuum) {
      await sql`VACUUM (ANALYZE) ${table}`.execute(db);
      round.vacuumed.push(t.relname);
    } else {
      await sql`ANALYZE ${table}`.execute(db);
      round.analyzed.push(t.relname);
    }
  }
  return round;
}

/** A round every `intervalMs` until stopped (the timer does not keep the process alive); a failed round is logged and the next one tries again. */
export function startEmbeddedVacuum(db: Db, log: { info(o: object, m: string): void; warn(o: object, m: string): void }, intervalMs = EMBEDDED_VACUUM_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      const t = performance.now();
      try {
        const r = await vacuumRound(db);
        if (r.vacuumed.length || r.analyzed.length) log.info({ ...r, ms: Math.round(performance.now() - t) }, 'embedded database vacuumed');
      } catch (err) {
        log.warn({ err: String(err) }, 'embedded database vacuum failed');
      }
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
