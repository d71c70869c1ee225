/** A partner submits a REG (or rejected, REJ) template for review: state REQ (검수요청). Its channel must still be active. */
import type { Ctx } from '../../../platform/context.ts';
import { assertActiveChannel, findOwnTemplate, stateConflict, templateView, type KakaoTemplate } from './template-repo.ts';

export interface SubmitTemplateOptions {
  partnerId: number;
  templateId: number;
}

export async function submitTemplate(ctx: Ctx, opts: SubmitTemplateOptions): Promise<KakaoTemplate> {
  const current = await findOwnTemplate(ctx.db, opts.partnerId, opts.templateId);
  await assertActiveChannel(ctx.db, opts.partnerId, Number(current.channel_id));
  const now = ctx.clock.now();
  const row = await ctx.db
    .updateTable('kakao_templates')
    .set({ state: 'REQ', submitted_at: now, updated_at: now })
    .where('id', '=', opts.templateId)
    .where('partner_id', '=', opts.partnerId)
    .where('state', 'in', ['REG', 'REJ'])
    .returningAll()
    .executeTakeFirst();
  if (!row) throw stateConflict((await findOwnTemplate(ctx.db, opts.partnerId, opts.templateId)).state, '검수 요청할 수 없습니다');
  return templateView(row);
}
