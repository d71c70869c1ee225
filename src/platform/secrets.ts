/**
 * Process secrets: the master key (derives service keys, encrypts secrets at rest) and the operator token.
 * From configuration when given; on the embedded default, generated once into `<data dir>/secrets.json`
 * (mode 0600) and reused on every start.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { parseMasterKey } from './secret-box.ts';

export interface ProcessSecrets {
  masterKey: Buffer;
  operatorToken: string;
  /** Where generated secrets live (embedded default), for the start-up message. */
  file: string | undefined;
}

export function resolveSecrets(config: Config): ProcessSecrets {
  if (config.masterKey && config.operatorToken) {
    return { masterKey: parseMasterKey(config.masterKey), operatorToken: config.operatorToken, file: undefined };
  }
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: { masterKey?: string; operatorToken?: string } = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof stored;
  const next = {
    masterKey: stored.masterKey ?? crypto.randomBytes(32).toString('hex'),
    operatorToken: stored.operatorToken ?? crypto.randomBytes(24).toString('base64url'),
  };
  if (next.masterKey !== stored.masterKey || next.operatorToken !== stored.operatorToken) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  }
  return {
    masterKey: parseMasterKey(config.masterKey ?? next.masterKey),
    operatorToken: config.operatorToken ?? next.operatorToken,
    file,
  };
}
