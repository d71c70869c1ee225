/** One of the partner's templates (another partner's is unknown: template_not_found). */
import type { Ctx } from '../../../platform/context.ts';
import { findOwnTemplate, templateView, type KakaoTemplate } from './template-repo.ts';

export interface GetTemplateOptions {
  partnerId: number;
  templateId: number;
}

export async function getTemplate(ctx: Ctx, opts: GetTemplateOptions): Promise<KakaoTemplate> {
  return templateView(await findOwnTemplate(ctx.db, opts.partnerId, opts.templateId));
}
