/**
 * 회원탈퇴: with the password. Personal data is erased, open requests are cancelled, sessions end; the ID
 * stays reserved. A company with the integration API (a partner) must first ask the operator to end it.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { requiredString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { assertCurrentPassword } from './current-password.ts';

/** The withdrawal form: `password`. */
export type WithdrawOptions = Input;

export async function withdraw(ctx: Ctx, who: Actor & { id: number }, input: WithdrawOptions): Promise<void> {
  const password = requiredString(input, 'password', { max: 200 });
  await assertCurrentPassword(ctx, who.id, password, 'password');
  await inTransaction(ctx.db, async (tx) => {
    const partner = await tx.selectFrom('partners').select('id').where('user_id', '=', who.id).executeTakeFirst();
    if (partner) {
      throw new AppError('partner_cannot_withdraw', '연동 API 서비스 이용 중에는 탈퇴할 수 없습니다. 운영자에게 해지를 요청하세요 (an API partner cannot withdraw; ask the operator to end the service first)', {
        field: 'password',
      });
    }
    const now = ctx.clock.now();
    await tx
      .updateTable('portal_users')
      .set({ withdrawn_at: now, name: '', email: '', phone: '', totp_secret_sealed: null, totp_pending_sealed: null, totp_enabled_at: null, updated_at: now })
      .where('id', '=', who.id)
      .execute();
    await tx.deleteFrom('portal_recovery_codes').where('user_id', '=', who.id).execute();
    await tx.updateTable('company_conversions').set({ state: 'cancelled', updated_at: now }).where('user_id', '=', who.id).where('state', '=', sql.lit('pending')).execute();
    await tx
      .updateTable('api_applications')
      .set({ state: 'cancelled', cancelled_at: now, updated_at: now })
      .where('user_id', '=', who.id)
      .where('state', 'in', ['pending', 'documents_requested'])
      .execute();
    await tx.deleteFrom('portal_sessions').where('subject_kind', '=', 'user').where('subject_id', '=', who.id).execute();
    await audit(tx, who, { action: 'user.withdrawn', targetKind: 'user', targetId: who.id });
  });
}
