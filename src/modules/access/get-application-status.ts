/** A member's API 연동 서비스 status: company or not, the latest application, and whether a rejection still blocks a new one. */
import type { Ctx } from '../../platform/context.ts';
import { applicationQuery, applicationView, documentsOf, oneYearAfter, type ApiApplication } from './application-view.ts';

export interface ApplicationStatus {
  isCompany: boolean;
  current: ApiApplication | undefined;
  /** A rejection blocks new applications until this moment (rejection + 1 year). */
  blockedUntil: Date | undefined;
  canApply: boolean;
}

export async function getApplicationStatus(ctx: Ctx, userId: number): Promise<ApplicationStatus> {
  const user = await ctx.db.selectFrom('portal_users').select('kind').where('id', '=', userId).executeTakeFirstOrThrow();
  const latest = await applicationQuery(ctx).where('a.user_id', '=', userId).orderBy('a.id', 'desc').limit(1).executeTakeFirst();
  const lastRejection = await ctx.db
    .selectFrom('api_applications')
    .select('rejected_at')
    .where('user_id', '=', userId)
    .where('state', '=', 'rejected')
    .orderBy('rejected_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const now = ctx.clock.now();
  const until = lastRejection?.rejected_at ? oneYearAfter(lastRejection.rejected_at) : undefined;
  const blockedUntil = until && until > now ? until : undefined;
  const current = latest ? applicationView(latest, (await documentsOf(ctx, [latest.id])).get(latest.id) ?? []) : undefined;
  const open = current && ['pending', 'documents_requested', 'approved'].includes(current.state);
  return { isCompany: user.kind === 'company', current, blockedUntil, canApply: user.kind === 'company' && !open && !blockedUntil };
}
