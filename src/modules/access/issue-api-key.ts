/**
 * 신규 API Key 발급: at most 5 live keys per partner, each with 1 to 5 server IPs. The Access Key is in the
 * answer and nowhere else, ever: only SHA-256 of it and a short visible prefix are stored (api-key-secrets.ts).
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit-log.ts';
import { recordEvent } from '../events/record-event.ts';
import { accessKeyHash, newAccessKey, visiblePrefix } from './api-key-secrets.ts';
import { storeIps, type ApiKeyView } from './api-key-rows.ts';
import { readIpList } from './ip-list.ts';
import { getApiKey } from './get-api-key.ts';

export const MAX_KEYS_PER_PARTNER = 5;

export interface IssueApiKeyOptions {
  partnerId: number;
  /** `ips`: the server IPs allowed to use the key (at least one). */
  input: Input;
}

export async function issueApiKey(ctx: Ctx, who: Actor, opts: IssueApiKeyOptions): Promise<{ key: ApiKeyView; accessKey: string }> {
  const { partnerId } = opts;
  const ips = readIpList(opts.input, 'ips', { min: 1 });
  const accessKey = newAccessKey();
  const id = await inTransaction(ctx.db, async (tx) => {
    await tx.selectFrom('partners').select('id').where('id', '=', partnerId).forUpdate().executeTakeFirstOrThrow(); // serialises concurrent issues
    const n = await tx.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('partner_id', '=', partnerId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    if (Number(n.n) >= MAX_KEYS_PER_PARTNER) {
      throw new AppError('api_key_limit_reached', `API Key는 최대 ${MAX_KEYS_PER_PARTNER}개까지 발급할 수 있습니다. 사용하지 않는 Key를 삭제하세요 (at most ${MAX_KEYS_PER_PARTNER} keys: delete one first)`, {
        field: 'keys',
      });
    }
    const now = ctx.clock.now();
    const row = await tx
      .insertInto('api_keys')
      .values({ partner_id: partnerId, prefix: visiblePrefix(accessKey), key_hash: accessKeyHash(accessKey), issued_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await storeIps(tx, row.id, ips);
    await audit(tx, who, { action: 'api_key.issued', targetKind: 'api_key', targetId: row.id, details: { partnerId, keyPrefix: visiblePrefix(accessKey), ips } });
    // the event names the key by its id; never the key or any part of it
    await recordEvent(tx, { type: 'api_key.created', partnerId, objectId: String(row.id), state: 'active', at: now, data: { by: who.kind, ips: ips.length } });
    return row.id;
  });
  return { key: await getApiKey(ctx, { partnerId, keyId: id }), accessKey };
}
