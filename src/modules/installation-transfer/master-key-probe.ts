/**
 * Does this master key open the installation's secrets? Checked on the loaded rows before the import commits:
 * a service key (HMAC of the master key, stored only as a hash), a certificate's sealed private key and a webhook
 * endpoint's sealed secret, a few of each. Services would start on a wrong key and fail at every call; the import
 * refuses instead, naming HANBILL_MASTER_KEY.
 */
import type pg from 'pg';
import { openSecret, SecretBoxError } from '../../platform/secret-box.ts';
import { safeEqual } from '../../platform/tokens.ts';
import { certificateAad } from '../certificates/signing-material.ts';
import { deriveServiceKey, serviceKeyHash } from '../subscriptions/service-key.ts';
import { openEndpointSecret } from '../webhooks/endpoint-secrets.ts';
import { TransferRefused } from './dump-format.ts';

const SAMPLE = 3;

export interface ProbeResult {
  checked: number;
}

export async function probeMasterKey(db: Pick<pg.ClientBase, 'query'>, masterKey: Buffer): Promise<ProbeResult> {
  const failures: string[] = [];
  let checked = 0;
  // an older dump is probed at its own migration level: a table a later migration adds is not there yet
  const present = new Set(
    (await db.query<{ name: string }>("SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname IN ('subscriptions', 'signing_certificates', 'webhook_endpoints')")).rows.map((r) => r.name),
  );
  const rowsOf = async <R extends pg.QueryResultRow>(table: string, text: string) => (present.has(table) ? (await db.query<R>(text)).rows : []);
  const subs = await rowsOf<{ id: string; salt: Buffer; hash: Buffer }>(
    'subscriptions',
    `SELECT id::text AS id, svc_key_salt AS salt, svc_key_hash AS hash FROM subscriptions ORDER BY id DESC LIMIT ${SAMPLE}`,
  );
  for (const s of subs) {
    checked++;
    if (!safeEqual(serviceKeyHash(deriveServiceKey(masterKey, Number(s.id), s.salt)), s.hash)) failures.push(`subscription ${s.id} (서비스키 svc_key)`);
  }
  const certs = await rowsOf<{ id: string; member_id: string; fingerprint256: string; sealed: Buffer }>(
    'signing_certificates',
    `SELECT id::text AS id, member_id::text AS member_id, fingerprint256, private_key_sealed AS sealed FROM signing_certificates ORDER BY id DESC LIMIT ${SAMPLE}`,
  );
  for (const c of certs) {
    checked++;
    try {
      openSecret(masterKey, c.sealed, `${certificateAad(Number(c.member_id), c.fingerprint256)}:key`);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      failures.push(`signing certificate ${c.id} (인증서 개인키 private key)`);
    }
  }
  const hooks = await rowsOf<{ public_id: string; sealed: Buffer }>(
    'webhook_endpoints',
    `SELECT public_id, secret_sealed AS sealed FROM webhook_endpoints ORDER BY id DESC LIMIT ${SAMPLE}`,
  );
  for (const h of hooks) {
    checked++;
    try {
      openEndpointSecret(masterKey, h.public_id, h.sealed);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      failures.push(`webhook endpoint ${h.public_id} (웹훅 비밀 secret)`);
    }
  }
  if (failures.length) {
    throw new TransferRefused(
      `HANBILL_MASTER_KEY로 덤프의 비밀을 열 수 없습니다: ${failures.join(', ')} — 원래 설치의 마스터 키(secrets.json의 masterKey)를 HANBILL_MASTER_KEY에 지정하세요 ` +
        `(HANBILL_MASTER_KEY does not open the dump's secrets: ${failures.join(', ')}; set HANBILL_MASTER_KEY to the source installation's master key, the masterKey of its secrets.json)`,
    );
  }
  return { checked };
}
