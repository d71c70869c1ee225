/**
 * Where the API commands find the server and their credentials: the environment (`HANBILL_URL`,
 * `HANBILL_API_KEY`, `HANBILL_SUBSCRIPTION_ID`, `HANBILL_SVC_KEY`) over a JSON file
 * (`--config FILE`, else `$XDG_CONFIG_HOME/hanbill/config.json`, else `~/.config/hanbill/config.json`) with the
 * keys `url`, `apiKey`, `subscriptionId`, `serviceKey`. A missing or unreadable file given by --config, or a
 * missing URL, is a usage error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HanbillClient } from '../../../clients/typescript/src/index.ts';
import { UsageError } from './cli-args.ts';

export interface CliSettings {
  url: string;
  apiKey: string | undefined;
  subscription: { id: number; serviceKey: string } | undefined;
}

interface FileSettings {
  url?: unknown;
  apiKey?: unknown;
  subscriptionId?: unknown;
  serviceKey?: unknown;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] || path.join(env['HOME'] || os.homedir(), '.config');
  return path.join(base, 'hanbill', 'config.json');
}

function readConfigFile(file: string, explicit: boolean): FileSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`설정 파일을 읽을 수 없습니다 (cannot read the config file) ${file}: ${(err as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as FileSettings;
  } catch (err) {
    throw new UsageError(`설정 파일이 올바른 JSON 객체가 아닙니다 (the config file is not a JSON object) ${file}: ${(err as Error).message}`);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

export function loadCliSettings(env: NodeJS.ProcessEnv, configPath: string | undefined): CliSettings {
  const file = readConfigFile(configPath ?? defaultConfigPath(env), configPath !== undefined);
  const url = str(env['HANBILL_URL']) ?? str(file.url);
  if (!url) throw new UsageError('서버 주소가 없습니다: HANBILL_URL 또는 설정 파일의 url (no server: set HANBILL_URL or "url" in the config file)');
  if (!/^https?:\/\//.test(url)) throw new UsageError(`HANBILL_URL은 http(s) URL이어야 합니다 (HANBILL_URL must be an http(s) URL): ${url}`);
  const apiKey = str(env['HANBILL_API_KEY']) ?? str(file.apiKey);
  const idText = str(env['HANBILL_SUBSCRIPTION_ID']) ?? str(file.subscriptionId);
  const serviceKey = str(env['HANBILL_SVC_KEY']) ?? str(file.serviceKey);
  let subscription: CliSettings['subscription'];
  if (idText !== undefined || serviceKey !== undefined) {
    if (idText === undefined || serviceKey === undefined) {
      throw new UsageError('HANBILL_SUBSCRIPTION_ID와 HANBILL_SVC_KEY는 함께 필요합니다 (HANBILL_SUBSCRIPTION_ID and HANBILL_SVC_KEY go together)');
    }
    if (!/^[1-9]\d{0,14}$/.test(idText)) throw new UsageError(`HANBILL_SUBSCRIPTION_ID는 양의 정수여야 합니다 (must be a positive integer): ${idText}`);
    subscription = { id: Number(idText), serviceKey };
  }
  return { url, apiKey, subscription };
}

export function clientOf(settings: CliSettings): HanbillClient {
  return new HanbillClient({ baseUrl: settings.url, apiKey: settings.apiKey, subscription: settings.subscription, userAgent: 'hanbill-cli/0.1.0' });
}
