/**
 * The operator sets a confirmed channel `blocked` (spam, sanctions), `dormant` (unused) or back to `active`,
 * with an optional comment the partner reads. A pending channel (no senderKey yet) cannot be changed.
 */
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { kakaoChannelOf, kakaoChannelRows, type KakaoChannel } from './kakao-channel-view.ts';

export interface SetKakaoChannelStateOptions {
  id: number;
  /** `state` (active | dormant | blocked), optional `comment` (≤ 500, multi-line). */
  input: Input;
  /** who changed it (the console's operator): recorded in the audit log */
  actor?: Actor | undefined;
}

const TARGETS = ['active', 'dormant', 'blocked'] as const;

export async function setKakaoChannelState(ctx: Ctx, opts: SetKakaoChannelStateOptions): Promise<KakaoChannel> {
  const state = requiredString(opts.input, 'state');
  if (!(TARGETS as readonly string[]).includes(state)) throw invalidError('state', 'active, dormant, blocked 중 하나여야 합니다 (one of active, dormant, blocked)');
  const comment = optionalString(opts.input, 'comment', { max: 500, multiline: true }) ?? '';
  return inTransaction(ctx.db, async (tx) => {
    const row = await kakaoChannelRows(tx).where('id', '=', opts.id).forUpdate().executeTakeFirst();
    if (!row) throw new AppError('kakao_channel_not_found', '카카오 채널이 없습니다 (no such Kakao channel)', { field: 'id' });
    if (row.state === 'pending') throw new AppError('kakao_channel_state_conflict', '토큰 인증 전인 채널입니다 (the channel is not confirmed yet)', { field: 'state' });
    await tx
      .updateTable('kakao_channels')
      .set({ state: state as (typeof TARGETS)[number], state_comment: comment, updated_at: ctx.clock.now() })
      .where('id', '=', row.id)
      .execute();
    if (opts.actor) {
      await audit(tx, opts.actor, { action: 'kakao_channel.state', targetKind: 'kakao_channel', targetId: row.id, details: { partnerId: row.partner_id, searchId: row.search_id, from: row.state, to: state, comment } });
    }
    return kakaoChannelOf(await kakaoChannelRows(tx).where('id', '=', row.id).executeTakeFirstOrThrow());
  });
}
