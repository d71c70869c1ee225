/** The operator's review queue: every partner's templates in one state (REQ unless asked), oldest first. */
import type { Ctx } from '../../../platform/context.ts';
import { readState } from './list-templates.ts';
import { templateView, type KakaoTemplate } from './template-repo.ts';

export interface ListTemplatesForReviewOptions {
  state?: string | undefined;
}

export async function listTemplatesForReview(ctx: Ctx, opts: ListTemplatesForReviewOptions): Promise<(KakaoTemplate & { partnerId: number })[]> {
  const state = readState(opts.state) ?? 'REQ';
  const rows = await ctx.db.selectFrom('kakao_templates').selectAll().where('state', '=', state).orderBy('id').limit(1000).execute();
  return rows.map((r) => ({ ...templateView(r), partnerId: Number(r.partner_id) }));
}
