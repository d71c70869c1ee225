/**
 * 토큰 인증: the partner sends the token the admin received; Kakao answers the channel's 40-character senderKey
 * and the channel becomes `active`. A wrong token is refused naming `token`; after MAX_TOKEN_ATTEMPTS wrong
 * tokens the channel takes no more until a new token is requested (request-kakao-channel-token.ts).
 *
 * The refusal rolls back the caller's transaction (the REST face runs this inside its Idempotency-Key
 * transaction), so the wrong try is counted apart, committed on its own: the face calls `countWrongKakaoToken`
 * with the root context when `kakao_token_mismatch` comes out.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { readToken } from './kakao-channel-rules.ts';
import { kakaoChannelOf, kakaoChannelRows, MAX_TOKEN_ATTEMPTS, ownChannel, type KakaoChannel } from './kakao-channel-view.ts';
import type { KakaoGateway } from './kakao-gateway.ts';
import { askKakao } from './register-kakao-channel.ts';

export interface ConfirmKakaoChannelOptions {
  partnerId: number;
  id: number;
  /** `token`: the digits sent to the admin's KakaoTalk. */
  input: Input;
}

export async function confirmKakaoChannel(ctx: Ctx, gateway: KakaoGateway, opts: ConfirmKakaoChannelOptions): Promise<KakaoChannel> {
  const token = readToken(opts.input);
  return inTransaction(ctx.db, async (tx) => {
    const row = await ownChannel(tx, opts.partnerId, opts.id, { forUpdate: true });
    if (row.state !== 'pending') throw new AppError('kakao_channel_state_conflict', `이미 인증된 채널입니다: ${row.state} (already confirmed: ${row.state})`, { field: 'id' });
    if (row.token_attempts >= MAX_TOKEN_ATTEMPTS) {
      throw new AppError('kakao_token_attempts_exceeded', `토큰을 ${MAX_TOKEN_ATTEMPTS}번 틀렸습니다, 토큰을 다시 요청하세요 (${MAX_TOKEN_ATTEMPTS} wrong tokens: request a new token)`, { field: 'token' });
    }
    const outcome = await askKakao(() => gateway.confirmToken({ searchId: row.search_id, adminPhone: row.admin_phone, categoryCode: row.category_code, token }));
    if (outcome.kind === 'wrong_token') {
      const left = MAX_TOKEN_ATTEMPTS - row.token_attempts - 1;
      throw new AppError('kakao_token_mismatch', `토큰이 일치하지 않습니다, 남은 횟수 ${left} (the token does not match; ${left} tries left)`, { field: 'token', details: { attemptsLeft: left } });
    }
    if (outcome.kind === 'expired') throw new AppError('kakao_token_expired', '토큰이 만료되었습니다, 토큰을 다시 요청하세요 (the token expired: request a new token)', { field: 'token' });
    if (!/^[0-9A-Za-z]{40}$/.test(outcome.senderKey)) throw new Error(`Kakao answered a senderKey that is not 40 letters and digits (${outcome.senderKey.length} characters)`);
    const now = ctx.clock.now();
    await tx
      .updateTable('kakao_channels')
      .set({ state: 'active', sender_key: outcome.senderKey, confirmed_at: now, updated_at: now, token_attempts: 0 })
      .where('id', '=', row.id)
      .execute();
    return kakaoChannelOf(await kakaoChannelRows(tx).where('id', '=', row.id).executeTakeFirstOrThrow());
  });
}

/** Counts one wrong token (committed on its own, outside the refused request's transaction). */
export async function countWrongKakaoToken(ctx: Ctx, opts: { partnerId: number; id: number }): Promise<void> {
  await ctx.db
    .updateTable('kakao_channels')
    .set((eb) => ({ token_attempts: eb('token_attempts', '+', 1) }))
    .where('id', '=', opts.id)
    .where('partner_id', '=', opts.partnerId)
    .where('state', '=', 'pending')
    .execute();
}
