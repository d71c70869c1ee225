/**
 * 발신 프로필 등록: the partner names a Kakao channel (search ID, admin phone, category code); Kakao sends a token
 * to the admin's KakaoTalk and the channel waits `pending` until the token is confirmed (confirm-kakao-channel.ts).
 * Kakao's refusal is answered naming the field it is about; nothing is stored then.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { sql } from 'kysely';
import { readChannelRequest } from './kakao-channel-rules.ts';
import { kakaoChannelOf, kakaoChannelRows, type KakaoChannel } from './kakao-channel-view.ts';
import { KakaoTransientError, type KakaoGateway } from './kakao-gateway.ts';

/** `searchId` (`@…`, ≤ 30 after the @), `adminPhone` (mobile, digits), `categoryCode` (11 digits). */
export type RegisterKakaoChannelOptions = Input;

const exists = () => new AppError('kakao_channel_exists', '이미 등록한 채널입니다 (this channel is already registered)', { field: 'searchId' });

export async function registerKakaoChannel(ctx: Ctx, gateway: KakaoGateway, partnerId: number, input: RegisterKakaoChannelOptions): Promise<KakaoChannel> {
  const req = readChannelRequest(input);
  const prior = await ctx.db
    .selectFrom('kakao_channels')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where(sql<string>`lower(search_id)`, '=', req.searchId.toLowerCase())
    .executeTakeFirst();
  if (prior) throw exists();
  const outcome = await askKakao(() => gateway.requestToken(req));
  if (outcome.kind === 'refused') {
    throw new AppError('kakao_channel_refused', `카카오가 거절했습니다: ${outcome.detail} (Kakao refused: ${outcome.code})`, { field: outcome.field, details: { kakaoCode: outcome.code } });
  }
  const now = ctx.clock.now();
  let id: number;
  try {
    const row = await ctx.db
      .insertInto('kakao_channels')
      .values({ partner_id: partnerId, search_id: req.searchId, admin_phone: req.adminPhone, category_code: req.categoryCode, token_sent_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  } catch (err) {
    if (isUniqueViolation(err, 'kakao_channels_partner_search_uq')) throw exists();
    throw err;
  }
  return kakaoChannelOf(await kakaoChannelRows(ctx.db).where('id', '=', id).executeTakeFirstOrThrow());
}

/** A gateway call; transient trouble becomes `kakao_unavailable` (502, nothing changed). */
export async function askKakao<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof KakaoTransientError) throw new AppError('kakao_unavailable', '카카오에 연결할 수 없습니다, 잠시 후 다시 시도하세요 (Kakao cannot be reached; try again later)', { cause: err });
    throw err;
  }
}
