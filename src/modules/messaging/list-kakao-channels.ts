/** A partner's Kakao channels, newest first. */
import type { Ctx } from '../../platform/context.ts';
import { kakaoChannelOf, kakaoChannelRows, type KakaoChannel } from './kakao-channel-view.ts';

export async function listKakaoChannels(ctx: Ctx, partnerId: number): Promise<KakaoChannel[]> {
  return (await kakaoChannelRows(ctx.db).where('partner_id', '=', partnerId).orderBy('id', 'desc').execute()).map(kakaoChannelOf);
}
