/** A partner's templates, newest first; optionally of one channel and / or in one review state. */
import type { Ctx } from '../../../platform/context.ts';
import { invalidError } from '../../../platform/errors.ts';
import { TEMPLATE_STATES, type TemplateState } from './tables.ts';
import { templateView, type KakaoTemplate } from './template-repo.ts';

export interface ListTemplatesOptions {
  partnerId: number;
  channelId?: number | undefined;
  state?: string | undefined;
}

export function readState(state: string | undefined): TemplateState | undefined {
  if (state === undefined || state === '') return undefined;
  if (!(TEMPLATE_STATES as readonly string[]).includes(state)) throw invalidError('state', `${TEMPLATE_STATES.join(', ')} 중 하나여야 합니다 (one of ${TEMPLATE_STATES.join(', ')})`);
  return state as TemplateState;
}

export async function listTemplates(ctx: Ctx, opts: ListTemplatesOptions): Promise<KakaoTemplate[]> {
  const state = readState(opts.state);
  let q = ctx.db.selectFrom('kakao_templates').selectAll().where('partner_id', '=', opts.partnerId);
  if (opts.channelId !== undefined) q = q.where('channel_id', '=', opts.channelId);
  if (state !== undefined) q = q.where('state', '=', state);
  return (await q.orderBy('id', 'desc').execute()).map(templateView);
}
