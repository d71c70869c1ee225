import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

/**
 * Run `fn` in a transaction; when `db` already is one (an outer use case or the idempotency wrapper
 * opened it), join it instead of nesting.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  const hooks: (() => void)[] = [];
  const result = await db.transaction().execute((tx) => {
    commitHooks.set(tx, hooks);
    return fn(tx);
  });
  for (const hook of hooks) hook();
  return result;
}

/**
 * All of `fn` or none of it: in a transaction of its own, or — when `db` already is one — in a savepoint of it, so
 * that a failure undoes only `fn`'s statements and leaves the outer transaction usable (after a failed statement
 * PostgreSQL refuses every other one in the transaction until it rolls back to a savepoint). The outer transaction
 * still decides whether any of it commits.
 */
export async function inSubtransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return inTransaction(db, fn);
  const tx = db as Tx;
  const name = sql.raw(`hb_sub_${++savepoints}`);
  await sql`SAVEPOINT ${name}`.execute(tx);
  let result: T;
  try {
    result = await fn(tx);
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT ${name}`.execute(tx);
    throw err;
  }
  await sql`RELEASE SAVEPOINT ${name}`.execute(tx);
  return result;
}
let savepoints = 0;

/** Callbacks to run once a transaction opened by `inTransaction` has committed (dropped when it rolls back). */
const commitHooks = new WeakMap<object, (() => void)[]>();

/**
 * Run `fn` after `db`'s transaction commits, when `db` is one that `inTransaction` opened; otherwise (no
 * transaction, or one opened elsewhere) run it now. For side effects that only make sense once the change is
 * visible to others — waking job workers for a job this transaction enqueued, say. `fn` must not throw.
 */
export function afterCommit(db: Db | Tx, fn: () => void): void {
  const hooks = db.isTransaction ? commitHooks.get(db) : undefined;
  if (hooks) hooks.push(fn);
  else fn();
}
