/**
 * The whole system started in this process for a bench: embedded PGlite in a temp folder, or PostgreSQL when
 * DATABASE_URL is set (use a scratch database); fresh master key and operator token, automatic filing and the
 * billing tick off, logs silent. `close` stops it and removes the folder.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startSystem } from '../../src/main.ts';
import { silentLogger } from '../../src/platform/context.ts';

export async function startBenchSystem(name: string, env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hanbill-bench-${name}-`));
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', HANBILL_DATA_DIR: dataDir, LOG_LEVEL: 'silent',
    HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url'),
    HANBILL_NTS_AUTO_FILE: 'off', HANBILL_BILLING_TICK_MS: '0',
    ...(process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {}),
    ...env,
  });
  const sys = await startSystem(config, { logger: silentLogger });
  return {
    sys,
    close: async () => {
      await sys.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
