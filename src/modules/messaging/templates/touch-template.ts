/** The sending module records a send with an approved template: `last_used_at`, which keeps it awake (markDormantTemplates). */
import type { Ctx } from '../../../platform/context.ts';
import { findTemplate, stateConflict } from './template-repo.ts';

export interface TouchTemplateOptions {
  templateId: number;
}

export async function touchTemplate(ctx: Ctx, opts: TouchTemplateOptions): Promise<void> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .updateTable('kakao_templates')
    .set({ last_used_at: now })
    .where('id', '=', opts.templateId)
    .where('state', '=', 'APR')
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now)]))
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    const t = await findTemplate(ctx.db, opts.templateId);
    if (t.state !== 'APR') throw stateConflict(t.state, '발송에 쓸 수 없습니다');
    // a later use was recorded already: nothing to do
  }
}
