/**
 * A statement that PostgreSQL chose as a deadlock's victim (40P01) did nothing: it can run again. Two transactions
 * that update overlapping rows of one table in different orders (a mail batch recording its documents sent while a
 * filing marks 100 of them submitted) can deadlock; the statement written so that running it twice is harmless
 * (a guarded, atomic UPDATE) is then simply retried rather than failing its job — a failed mail job re-sends mail
 * that was already delivered.
 */
import { errorAndCauses } from './database-unavailable.ts';

/** SQLSTATE 40P01 deadlock_detected, on the error or its cause. */
export function isDeadlock(err: unknown): boolean {
  for (const e of errorAndCauses(err)) if (e.code === '40P01') return true;
  return false;
}

/**
 * `statement` again when it was a deadlock's victim, up to `attempts` times in all, after a short random pause (the
 * other transaction commits meanwhile). Only for a single statement outside any transaction of the caller's: inside
 * one, the victim's whole transaction is already rolled back.
 */
export async function retryingDeadlock<T>(statement: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * attempt));
    }
  }
}
