/** The view of a Kakao channel (발신 프로필) as every face shows it. */
import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/transaction.ts';
import type { KakaoChannelState } from './tables.ts';

/** Wrong tokens allowed per token sent; then a new token must be requested. */
export const MAX_TOKEN_ATTEMPTS = 5;

export interface KakaoChannel {
  id: number;
  partnerId: number;
  searchId: string;
  adminPhone: string;
  categoryCode: string;
  /** Kakao's 40-character key, once the token is confirmed. */
  senderKey: string | null;
  state: KakaoChannelState;
  stateComment: string;
  /** Wrong tokens still allowed for the outstanding token (pending channels). */
  tokenAttemptsLeft: number;
  tokenSentAt: Date | null;
  confirmedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function kakaoChannelRows(db: Db) {
  return db.selectFrom('kakao_channels').selectAll();
}

type Row = Awaited<ReturnType<ReturnType<typeof kakaoChannelRows>['executeTakeFirstOrThrow']>>;

export function kakaoChannelOf(r: Row): KakaoChannel {
  return {
    id: r.id,
    partnerId: r.partner_id,
    searchId: r.search_id,
    adminPhone: r.admin_phone,
    categoryCode: r.category_code,
    senderKey: r.sender_key,
    state: r.state,
    stateComment: r.state_comment,
    tokenAttemptsLeft: r.state === 'pending' ? Math.max(0, MAX_TOKEN_ATTEMPTS - r.token_attempts) : 0,
    tokenSentAt: r.token_sent_at,
    confirmedAt: r.confirmed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A partner's channel, or `kakao_channel_not_found` (another partner's is unknown too). */
export async function ownChannel(db: Db, partnerId: number, id: number, opts: { forUpdate?: boolean } = {}): Promise<Row> {
  let q = kakaoChannelRows(db).where('id', '=', id).where('partner_id', '=', partnerId);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('kakao_channel_not_found', '카카오 채널이 없습니다 (no such Kakao channel)', { field: 'id' });
  return row;
}
