/**
 * `Idempotency-Key` on REST POSTs: the use case and the record of its answer commit in one transaction,
 * so a retry (or a concurrent duplicate, which waits on the key's unique index) gets the first answer
 * replayed and nothing is done twice. A key reused with a different request is refused.
 */
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, invalidError } from '../../platform/errors.ts';
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';

export interface RestResult<B = unknown> {
  status: number;
  body: B;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * A replayed answer is the body this route stored for the first request (same scope, method and route),
 * so it has the type `fn` returns; the route's response schema serializes it again.
 */
export async function runIdempotent<B>(ctx: Ctx, req: FastifyRequest, scope: string, fn: (ctx: Ctx) => Promise<RestResult<B>>): Promise<RestResult<B> & { replayed: boolean }> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return { ...(await fn(ctx)), replayed: false };
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw invalidError('Idempotency-Key', '1~255자의 출력 가능한 ASCII 문자여야 합니다 (1 to 255 printable ASCII characters)');
  const fullScope = `${scope} ${req.method} ${req.routeOptions.url ?? req.url}`;
  const requestHash = crypto
    .createHash('sha256')
    .update(JSON.stringify({ params: req.params ?? null, body: req.body ?? null }))
    .digest('hex');

  return inTransaction(ctx.db, async (tx) => {
    const inserted = await tx
      .insertInto('idempotency_keys')
      .values({ scope: fullScope, key, request_hash: requestHash })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!inserted) {
      const prior = await tx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status', 'response_body'])
        .where('scope', '=', fullScope)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (prior.request_hash !== requestHash) {
        throw new AppError('idempotency_conflict', '같은 키로 다른 요청을 보냈습니다 (key was used with a different request)', {
          field: 'Idempotency-Key',
        });
      }
      return { status: prior.status ?? 200, body: prior.response_body as B, replayed: true };
    }
    const result = await fn(withDb(ctx, tx));
    await tx
      .updateTable('idempotency_keys')
      .set({ status: result.status, response_body: JSON.stringify(result.body) })
      .where('scope', '=', fullScope)
      .where('key', '=', key)
      .execute();
    return { ...result, replayed: false };
  });
}
