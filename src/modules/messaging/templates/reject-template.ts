/** The operator rejects a template under review with a comment saying why (REQ → REJ, 반려). */
import type { Ctx } from '../../../platform/context.ts';
import { requiredString, type Input } from '../../../platform/input.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { audit, type Actor } from '../../access/audit-log.ts';
import { findTemplate, stateConflict, templateView, type KakaoTemplate } from './template-repo.ts';

export interface RejectTemplateOptions {
  templateId: number;
  /** `comment`: the reviewer's reason, required, ≤ 1,000 characters, multi-line */
  input: Input;
  /** who rejected (the console's operator): recorded in the audit log */
  actor?: Actor | undefined;
}

export async function rejectTemplate(ctx: Ctx, opts: RejectTemplateOptions): Promise<KakaoTemplate> {
  const comment = requiredString(opts.input, 'comment', { max: 1000, multiline: true });
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (tx) => {
    const row = await tx
      .updateTable('kakao_templates')
      .set({ state: 'REJ', reviewed_at: now, review_comment: comment, updated_at: now })
      .where('id', '=', opts.templateId)
      .where('state', '=', 'REQ')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw stateConflict((await findTemplate(tx, opts.templateId)).state, '반려할 수 없습니다, 검수 요청(REQ) 상태가 아닙니다');
    if (opts.actor) await audit(tx, opts.actor, { action: 'kakao_template.rejected', targetKind: 'kakao_template', targetId: Number(row.id), details: { partnerId: Number(row.partner_id), template: row.code, comment } });
    return templateView(row);
  });
}
