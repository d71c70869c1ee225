/** 토큰 재요청: a pending channel asks Kakao for a new token (the old one is void, the wrong-token count restarts). */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { kakaoChannelOf, kakaoChannelRows, ownChannel, type KakaoChannel } from './kakao-channel-view.ts';
import type { KakaoGateway } from './kakao-gateway.ts';
import { askKakao } from './register-kakao-channel.ts';

export interface RequestKakaoChannelTokenOptions {
  partnerId: number;
  id: number;
}

export async function requestKakaoChannelToken(ctx: Ctx, gateway: KakaoGateway, opts: RequestKakaoChannelTokenOptions): Promise<KakaoChannel> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await ownChannel(tx, opts.partnerId, opts.id, { forUpdate: true });
    if (row.state !== 'pending') throw new AppError('kakao_channel_state_conflict', `이미 인증된 채널입니다: ${row.state} (already confirmed: ${row.state})`, { field: 'id' });
    const outcome = await askKakao(() => gateway.requestToken({ searchId: row.search_id, adminPhone: row.admin_phone, categoryCode: row.category_code }));
    if (outcome.kind === 'refused') {
      throw new AppError('kakao_channel_refused', `카카오가 거절했습니다: ${outcome.detail} (Kakao refused: ${outcome.code})`, { field: outcome.field, details: { kakaoCode: outcome.code } });
    }
    const now = ctx.clock.now();
    await tx.updateTable('kakao_channels').set({ token_attempts: 0, token_sent_at: now, updated_at: now }).where('id', '=', row.id).execute();
    return kakaoChannelOf(await kakaoChannelRows(tx).where('id', '=', row.id).executeTakeFirstOrThrow());
  });
}
