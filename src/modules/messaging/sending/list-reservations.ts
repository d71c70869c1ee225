/**
 * A partner's pending reservations (GET /v1/reservations; the portal's 연동 API 예약목록): batches still
 * reserved — a reserveAt, or an ad held to 08:00 KST — soonest first, paged by offset (≤ 1,000).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { batchView, type MessageBatchView } from './get-message-batch.ts';

export const MAX_RESERVATION_PAGE = 1000;

export async function listReservations(ctx: Ctx, partnerId: number, opts: { offset?: number; limit?: number } = {}): Promise<{ data: MessageBatchView[]; total: number }> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), MAX_RESERVATION_PAGE);
  const base = ctx.db.selectFrom('message_batches as b').where('b.partner_id', '=', partnerId).where('b.state', '=', sql.lit('reserved'));
  const [rows, count] = await Promise.all([
    base
      .leftJoin('kakao_channels as k', 'k.id', 'b.channel_id')
      .selectAll('b')
      .select('k.search_id as channel_search_id')
      .orderBy('b.reserve_at')
      .orderBy('b.id')
      .offset(opts.offset ?? 0)
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { data: rows.map(batchView), total: Number(count.n) };
}
