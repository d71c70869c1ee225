/** Start the whole system for a test: its own database (see test-database.ts), a real HTTP port. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startSystem, type StartOptions, type System } from '../../src/main.ts';
import { silentLogger } from '../../src/platform/context.ts';
import { isValidBizno } from '../../src/modules/shared/korean-ids.ts';
import { openTestDatabase } from './test-database.ts';

export interface TestSystem extends System {
  url: string;
  dataDir: string;
}

export async function startTestSystem(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestSystem> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    HANBILL_DATA_DIR: dataDir,
    HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
    HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url'),
    LOG_LEVEL: 'silent',
    // every REST answer of the suite must match its documented response schema (a mismatch is a 500)
    HANBILL_RESPONSE_CHECK: 'strict',
    // test files share one PostgreSQL: each system runs only its own jobs (its mail goes to its own catcher)
    HANBILL_CHANNEL: `t${crypto.randomBytes(6).toString('hex')}`,
    // … and the partitions of the message history are everyone's: a test clock a year ahead must not drop them
    HANBILL_MESSAGE_HISTORY_PURGE: 'off',
    // … and so are bills: a system's billing tick (its own clock) would bill, mark overdue and debit other files' bills
    HANBILL_BILLING_TICK_MS: '0',
    // … and so are events: a system's retention sweep (its own clock) would delete other files' events
    HANBILL_EVENT_RETENTION_SWEEP_MS: '0',
    ...env,
  });
  // a caller's database (a restart on the same one) or one of its own: never one opened and left open
  const system = await startSystem(config, { logger: silentLogger, ...opts, database: opts.database ?? (await openTestDatabase()) });
  const close = system.close;
  return {
    ...system,
    url: system.url!,
    dataDir,
    close: async () => {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh, checksum-valid business number (tests isolate by tenant, so every test makes its own). */
export function freshBizno(): string {
  for (;;) {
    const head = String(crypto.randomInt(100_000_000, 999_999_999));
    for (let d = 0; d <= 9; d++) if (isValidBizno(head + d)) return head + d;
  }
}

export function freshLoginId(prefix = 'u'): string {
  return `${prefix}${crypto.randomBytes(6).toString('hex')}`;
}
