/**
 * For the sending module: the approved template `code` of the partner's channel, or a refusal —
 * template_not_found (no such code on that channel of this partner), template_not_approved (REG / REQ / REJ:
 * only APR sends, FACTS §2.6), template_dormant (approved, but a year without sends).
 */
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { templateNotFound, templateView, type KakaoTemplate } from './template-repo.ts';

export async function approvedTemplateFor(ctx: Ctx, partnerId: number, channelId: number, code: string): Promise<KakaoTemplate> {
  const row = await ctx.db
    .selectFrom('kakao_templates')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('channel_id', '=', channelId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw templateNotFound('templateCode');
  if (row.state !== 'APR') throw new AppError('template_not_approved', `승인되지 않은 템플릿입니다, 상태 ${row.state} (the template is not approved: state ${row.state})`, { field: 'templateCode' });
  if (row.dormant_at !== null) throw new AppError('template_dormant', '1년 동안 발송하지 않아 휴면 상태인 템플릿입니다 (the template is dormant: no send for a year)', { field: 'templateCode' });
  return templateView(row);
}
