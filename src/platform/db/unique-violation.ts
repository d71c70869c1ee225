/**
 * Is `err` PostgreSQL's unique violation (SQLSTATE 23505) of this constraint / unique index? Matching the
 * name keeps an unrelated violation (another index of the same table) from being answered as the wrong
 * conflict. PGlite reports the name in `message` when `constraint` is absent.
 *
 * Only for statements that end the transaction when they fail: on PostgreSQL a failed statement aborts the
 * transaction, so nothing may be read after it in the same (possibly joined) transaction. Where the loser
 * must go on and read the winner, use `INSERT … ON CONFLICT … DO NOTHING RETURNING` instead.
 */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (e?.code !== '23505') return false;
  const which = typeof e.constraint === 'string' ? e.constraint : typeof e.message === 'string' ? e.message : '';
  return which.includes(constraint);
}
