/** The operator approves a template under review (REQ → APR, 승인): from now on it can send. */
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { audit, type Actor } from '../../access/audit-log.ts';
import { findTemplate, stateConflict, templateView, type KakaoTemplate } from './template-repo.ts';

export interface ApproveTemplateOptions {
  templateId: number;
  /** who approved (the console's operator): recorded in the audit log */
  actor?: Actor | undefined;
}

export async function approveTemplate(ctx: Ctx, opts: ApproveTemplateOptions): Promise<KakaoTemplate> {
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (tx) => {
    const row = await tx
      .updateTable('kakao_templates')
      .set({ state: 'APR', reviewed_at: now, approved_at: now, review_comment: null, updated_at: now })
      .where('id', '=', opts.templateId)
      .where('state', '=', 'REQ')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw stateConflict((await findTemplate(tx, opts.templateId)).state, '승인할 수 없습니다, 검수 요청(REQ) 상태가 아닙니다');
    if (opts.actor) await audit(tx, opts.actor, { action: 'kakao_template.approved', targetKind: 'kakao_template', targetId: Number(row.id), details: { partnerId: Number(row.partner_id), template: row.code } });
    return templateView(row);
  });
}
