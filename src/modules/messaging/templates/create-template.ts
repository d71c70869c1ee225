/** A partner registers an AlimTalk template on one of its active Kakao channels: state REG (등록, not sendable). */
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Input } from '../../../platform/input.ts';
import { readTemplateDraft } from './template-model.ts';
import { assertActiveChannel, contentColumns, templateView, type KakaoTemplate } from './template-repo.ts';

export interface CreateTemplateOptions {
  partnerId: number;
  input: Input;
}

export async function createTemplate(ctx: Ctx, opts: CreateTemplateOptions): Promise<KakaoTemplate> {
  const { channelId, code, variables, ...content } = readTemplateDraft(opts.input);
  await assertActiveChannel(ctx.db, opts.partnerId, channelId);
  const now = ctx.clock.now();
  const row = await ctx.db
    .insertInto('kakao_templates')
    .values({
      partner_id: opts.partnerId,
      channel_id: channelId,
      code,
      ...contentColumns(content, variables),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('template_code_taken', '이 채널에 같은 코드의 템플릿이 있습니다 (the channel already has a template with this code)', { field: 'code' });
  return templateView(row);
}
