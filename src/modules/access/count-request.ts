/**
 * Count one request against its rate-limit buckets (a hashed credential, a client IP): one UPSERT for all of them,
 * `INSERT … ON CONFLICT (bucket, window_start) DO UPDATE SET n = n + 1 RETURNING`, on the table
 * rate_limit_windows (UNLOGGED on PostgreSQL), so every API process sharing the database counts into the same
 * fixed window. Returns the first bucket over its limit and the seconds to the end of the window, or undefined.
 * Windows older than the current one are deleted at most once a window per process (fire and forget).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

export interface RateBucket {
  /** `<channel>|<kind>|<value>`: unique per installation (channel), kind (key, ip, callback ip) and value. */
  name: string;
  limit: number;
}

export interface RateRefusal {
  bucket: RateBucket;
  count: number;
  retryAfterSeconds: number;
}

export interface RequestCounter {
  count(buckets: RateBucket[]): Promise<RateRefusal | undefined>;
}

export function makeRequestCounter(ctx: Ctx): RequestCounter {
  const windowMs = ctx.config.rateLimit.windowSeconds * 1000;
  let prunedWindow = -1;
  return {
    async count(buckets) {
      if (buckets.length === 0) return undefined;
      const nowMs = ctx.clock.now().getTime();
      const windowStart = Math.floor(nowMs / windowMs) * windowMs;
      // rows in a fixed order: two requests locking the same two rows always lock them in the same order
      const sorted = [...buckets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const values = sql.join(sorted.map((b) => sql`(${b.name}, ${windowStart}, 1)`));
      const { rows } = await sql<{ bucket: string; n: number }>`
        INSERT INTO rate_limit_windows (bucket, window_start, n) VALUES ${values}
        ON CONFLICT (bucket, window_start) DO UPDATE SET n = rate_limit_windows.n + 1
        RETURNING bucket, n`.execute(ctx.db);
      if (prunedWindow !== windowStart) {
        prunedWindow = windowStart;
        sql`DELETE FROM rate_limit_windows WHERE window_start < ${windowStart - windowMs}`
          .execute(ctx.db)
          .catch((err: unknown) => ctx.log.warn({ err: String(err) }, 'rate limit windows: prune failed'));
      }
      for (const b of sorted) {
        const n = Number(rows.find((r) => r.bucket === b.name)?.n ?? 0);
        if (n > b.limit) return { bucket: b, count: n, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000)) };
      }
      return undefined;
    },
  };
}
