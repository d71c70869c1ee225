/** The operator's view of every partner's Kakao channels (발신 프로필), in one state or all, oldest first. */
import type { Ctx } from '../../platform/context.ts';
import { kakaoChannelOf, kakaoChannelRows, type KakaoChannel } from './kakao-channel-view.ts';
import type { KakaoChannelState } from './tables.ts';

export interface ListKakaoChannelsForReviewOptions {
  state?: KakaoChannelState | undefined;
  limit?: number | undefined;
}

export async function listKakaoChannelsForReview(ctx: Ctx, opts: ListKakaoChannelsForReviewOptions = {}): Promise<KakaoChannel[]> {
  let q = kakaoChannelRows(ctx.db);
  if (opts.state) q = q.where('state', '=', opts.state);
  return (await q.orderBy('id', 'asc').limit(opts.limit ?? 1000).execute()).map(kakaoChannelOf);
}
