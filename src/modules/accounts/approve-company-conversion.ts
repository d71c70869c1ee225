/** 기업회원전환 승인 (operator): the member becomes a company member with the requested company fields. */
import { withDb, type Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { biznoTaken, companyBiznoTaken, pendingForReview } from './company-conversion-view.ts';

export async function approveCompanyConversion(ctx: Ctx, op: Actor, id: number): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const c = await pendingForReview(tx, id);
    if (await companyBiznoTaken(withDb(ctx, tx), c.bizno, c.user_id)) throw biznoTaken();
    const now = ctx.clock.now();
    await tx.updateTable('company_conversions').set({ state: 'approved', reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    await tx
      .updateTable('portal_users')
      .set({ kind: 'company', bizno: c.bizno, com_name: c.com_name, ceo_name: c.ceo_name, uptae: c.uptae, jongmok: c.jongmok, addr: c.addr, tel: c.tel, updated_at: now })
      .where('id', '=', c.user_id)
      .execute();
    await audit(tx, op, { action: 'conversion.approved', targetKind: 'conversion', targetId: id, details: { userId: c.user_id, bizno: c.bizno } });
  });
}
