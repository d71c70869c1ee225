/**
 * Monthly partitions of the send history (message_batches, message_recipients, message_attempts; partitioned by
 * `accepted_at`, months in KST). A month's partitions are created before the first row of that month is written
 * (`ensureMessagePartitions`, called by acceptance; cheap after the first call per process and month) and
 * dropped as a whole when the month leaves the 12-month retention (`purgeMessageHistory`): a purge is a
 * `DROP TABLE`, never a row-by-row delete.
 */
import { sql } from 'kysely';
import type { Db } from '../../../platform/db/transaction.ts';
import { kstParts } from '../../../platform/clock.ts';

export const PARTITIONED_TABLES = ['message_batches', 'message_recipients', 'message_attempts'] as const;
/** History is kept for the current month and the 12 before it. */
export const RETENTION_MONTHS = 12;

export interface KstMonth {
  year: number;
  /** 1–12 */
  month: number;
}

export function kstMonthOf(at: Date): KstMonth {
  const p = kstParts(at);
  return { year: p.year, month: p.month };
}

export function addMonths(m: KstMonth, n: number): KstMonth {
  const index = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** 00:00 KST of the first day of `m`. */
export function monthStart(m: KstMonth): Date {
  return new Date(`${m.year}-${String(m.month).padStart(2, '0')}-01T00:00:00+09:00`);
}

export function partitionName(table: string, m: KstMonth): string {
  return `${table}_y${m.year}m${String(m.month).padStart(2, '0')}`;
}

// months whose partitions are known to exist, per database (tests open many databases in one process)
const ensuredByDb = new WeakMap<Db, Set<string>>();
function ensuredOf(db: Db): Set<string> {
  let set = ensuredByDb.get(db);
  if (!set) ensuredByDb.set(db, (set = new Set()));
  return set;
}

/**
 * Make sure the partitions for the months of `at` and the month after exist.
 *
 * A partition is made as a plain table and then attached: ATTACH PARTITION locks the parent SHARE UPDATE
 * EXCLUSIVE, which readers and writers of the parent do not conflict with. CREATE TABLE … PARTITION OF would lock
 * each parent ACCESS EXCLUSIVE in turn, and deadlock with a delivery transaction that had read one of the tables
 * and then wrote another (test/db/message-partitions-concurrency.test.ts); POST /v1/messages answered 500.
 */
export async function ensureMessagePartitions(db: Db, at: Date): Promise<void> {
  const first = kstMonthOf(at);
  const ensured = ensuredOf(db);
  for (const m of [first, addMonths(first, 1)]) {
    const key = `${m.year}-${m.month}`;
    if (ensured.has(key)) continue;
    await db.transaction().execute(async (tx) => {
      // one creator at a time across processes; a partition already attached is left as it is
      await sql`SELECT pg_advisory_xact_lock(hashtext('hanbill.message_partitions'))`.execute(tx);
      for (const table of PARTITIONED_TABLES) {
        const name = partitionName(table, m);
        const attached = await sql<{ one: number }>`SELECT 1 AS one FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = ${name}`.execute(tx);
        if (attached.rows.length) continue;
        await sql`CREATE TABLE IF NOT EXISTS ${sql.id(name)} (LIKE ${sql.id(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`.execute(tx);
        await sql`ALTER TABLE ${sql.id(table)} ATTACH PARTITION ${sql.id(name)} FOR VALUES FROM (${sql.lit(monthStart(m).toISOString())}) TO (${sql.lit(monthStart(addMonths(m, 1)).toISOString())})`.execute(tx);
      }
    });
    ensured.add(key);
  }
}

/** Existing partitions of `table` with their month, oldest first. */
export async function listMessagePartitions(db: Db, table: (typeof PARTITIONED_TABLES)[number]): Promise<{ name: string; month: KstMonth }[]> {
  const rows = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = ${table}`.execute(db);
  const out: { name: string; month: KstMonth }[] = [];
  for (const r of rows.rows) {
    const m = /_y(\d{4})m(\d{2})$/.exec(r.name);
    if (m) out.push({ name: r.name, month: { year: Number(m[1]), month: Number(m[2]) } });
  }
  return out.sort((a, b) => a.month.year * 12 + a.month.month - (b.month.year * 12 + b.month.month));
}

/**
 * Drop the partitions of months older than the retention (the current KST month of `now` and the 12 before it
 * are kept) and the clientRefs accepted before that. Returns the dropped partition names.
 */
export async function purgeMessageHistory(db: Db, now: Date): Promise<string[]> {
  const oldestKept = addMonths(kstMonthOf(now), -RETENTION_MONTHS);
  const cutoff = monthStart(oldestKept);
  const dropped: string[] = [];
  await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('hanbill.message_partitions'))`.execute(tx);
    for (const table of PARTITIONED_TABLES) {
      for (const p of await listMessagePartitions(tx, table)) {
        if (monthStart(p.month) >= cutoff) continue;
        await sql`DROP TABLE IF EXISTS ${sql.id(p.name)}`.execute(tx);
        ensuredOf(db).delete(`${p.month.year}-${p.month.month}`);
        dropped.push(p.name);
      }
    }
    await tx.deleteFrom('message_client_refs').where('accepted_at', '<', cutoff).execute();
  });
  return dropped;
}
