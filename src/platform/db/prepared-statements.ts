/**
 * Named prepared statements for the queries the application repeats. Kysely sends every query as an unnamed
 * statement, so PostgreSQL (and PGlite, on the main thread) parses, analyses and plans its text on every execution.
 * Given a name, node-postgres sends Parse once per connection and then only Bind/Execute; the server keeps the
 * parsed statement and, after five executions, may keep a generic plan.
 *
 * Only queries with parameters are named (Kysely's; migrations and raw `pool.query(text)` calls are left unnamed), and
 * not large ones: a text over `maxTextLength` (the bulk inserts of 100 rows differ with their row count and run once
 * per batch) stays unnamed. The names are shared by every connection of the pool, one per text, and at most
 * `maxStatements` texts get one; later texts run unnamed, so a query built with a varying number of values cannot grow
 * the server's memory without bound.
 *
 * Planning is most of what this saves (PostgreSQL's CPU per REST issue 3.4–3.7 → 1.2–2.0 ms; with plan_cache_mode =
 * force_custom_plan only 2.8–3.0 ms), so a query should let a generic plan be good: where it relies on a partial index,
 * it writes the index predicate's values as literals (`sql.lit('queued')`), not parameters — a generic plan cannot
 * prove that a parameter matches the predicate, and an ON CONFLICT on a partial unique index with a parameter in its
 * WHERE is refused outright ("no unique or exclusion constraint matching the ON CONFLICT specification").
 *
 * A prepared statement outlives a schema change: after `hanbill migrate` adds a column, PostgreSQL refuses a prepared
 * `SELECT *` with "cached plan must not change result type" (0A000). That query fails once; the connection then
 * prepares every statement afresh under new names. The code alone decides (the message is translated under another
 * lc_messages, e.g. a Korean server's); another 0A000 only costs that connection its prepared statements.
 */
import type pg from 'pg';

export interface PreparedStatementOptions {
  /** Distinct query texts that get a name (default 500). */
  maxStatements?: number;
  /** Longer texts stay unnamed (default 4,000 characters). */
  maxTextLength?: number;
}

/** SQLSTATE of "cached plan must not change result type" (feature_not_supported). */
const FEATURE_NOT_SUPPORTED = '0A000';

type QueryFn = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/** Name the pool's repeated queries (see the file's head); call once, before the pool's first connection. */
export function usePreparedStatements(pool: pg.Pool, options: PreparedStatementOptions = {}): void {
  const maxStatements = options.maxStatements ?? 500;
  const maxTextLength = options.maxTextLength ?? 4000;
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < maxStatements && text.length <= maxTextLength) {
      name = `hb${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    let generation = 0;
    (client as unknown as { query: QueryFn }).query = (config, values, callback) => {
      const name = typeof config === 'string' && Array.isArray(values) ? nameOf(config) : undefined;
      if (name === undefined) return query(config, values, callback);
      const named = { name: generation === 0 ? name : `${name}g${generation}`, text: config as string, values };
      const result = query(named, callback);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if ((err as { code?: unknown } | undefined)?.code === FEATURE_NOT_SUPPORTED) generation += 1;
        });
      }
      return result;
    };
  });
}
