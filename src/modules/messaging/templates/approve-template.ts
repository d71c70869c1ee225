/** The operator approves a template under review (REQ → APR, 승인): from now on it can send. */
import type { Ctx } from '../../../platform/context.ts';
import { findTemplate, stateConflict, templateView, type KakaoTemplate } from './template-repo.ts';

export interface ApproveTemplateOptions {
  templateId: number;
}

export async function approveTemplate(ctx: Ctx, opts: ApproveTemplateOptions): Promise<KakaoTemplate> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .updateTable('kakao_templates')
    .set({ state: 'APR', reviewed_at: now, approved_at: now, review_comment: null, updated_at: now })
    .where('id', '=', opts.templateId)
    .where('state', '=', 'REQ')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw stateConflict((await findTemplate(ctx.db, opts.templateId)).state, '승인할 수 없습니다, 검수 요청(REQ) 상태가 아닙니다');
  return templateView(row);
}
