/**
 * What every use case receives: the database, the clock, configuration, secrets and the logger.
 * Faces build it once at start; tests build their own with an injected clock.
 */
import type { Config } from '../config.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db/transaction.ts';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

export interface Ctx {
  db: Db;
  clock: Clock;
  config: Config;
  /** 32-byte key that derives service keys and encrypts secrets at rest. */
  masterKey: Buffer;
  log: Logger;
}

/** The same context bound to a transaction (use cases that call others inside one transaction). */
export function withDb(ctx: Ctx, db: Db): Ctx {
  return { ...ctx, db };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
