/**
 * A partner deletes a template that was never approved and never used (Solapi deletes only 대기/반려
 * templates; Kakao keeps approved ones, FACTS §2.6). An APR template stays.
 */
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { findOwnTemplate } from './template-repo.ts';

export interface DeleteTemplateOptions {
  partnerId: number;
  templateId: number;
}

export async function deleteTemplate(ctx: Ctx, opts: DeleteTemplateOptions): Promise<{ id: number; deleted: true }> {
  const row = await ctx.db
    .deleteFrom('kakao_templates')
    .where('id', '=', opts.templateId)
    .where('partner_id', '=', opts.partnerId)
    .where('state', '<>', 'APR')
    .where('approved_at', 'is', null)
    .where('last_used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    await findOwnTemplate(ctx.db, opts.partnerId, opts.templateId);
    throw new AppError('template_delete_refused', '승인되었거나 사용된 템플릿은 삭제할 수 없습니다 (an approved or used template cannot be deleted)', { field: 'id' });
  }
  return { id: Number(row.id), deleted: true };
}
