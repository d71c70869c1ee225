/**
 * A partner edits a template's content while it is REG (registered) or REJ (rejected): it goes back to REG and
 * must be submitted again. Under review (REQ) or approved (APR, as at Kakao) it cannot be edited; channel and
 * code never change.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Input } from '../../../platform/input.ts';
import { readTemplateEdit } from './template-model.ts';
import { contentColumns, findOwnTemplate, stateConflict, templateView, type KakaoTemplate } from './template-repo.ts';

export interface UpdateTemplateOptions {
  partnerId: number;
  templateId: number;
  input: Input;
}

export async function updateTemplate(ctx: Ctx, opts: UpdateTemplateOptions): Promise<KakaoTemplate> {
  // another partner's template is unknown before its content is even read
  await findOwnTemplate(ctx.db, opts.partnerId, opts.templateId);
  const { variables, ...content } = readTemplateEdit(opts.input);
  const row = await ctx.db
    .updateTable('kakao_templates')
    .set({
      ...contentColumns(content, variables),
      state: 'REG',
      updated_at: ctx.clock.now(),
    })
    .where('id', '=', opts.templateId)
    .where('partner_id', '=', opts.partnerId)
    .where('state', 'in', ['REG', 'REJ'])
    .returningAll()
    .executeTakeFirst();
  if (!row) throw stateConflict((await findOwnTemplate(ctx.db, opts.partnerId, opts.templateId)).state, '수정할 수 없습니다');
  return templateView(row);
}
