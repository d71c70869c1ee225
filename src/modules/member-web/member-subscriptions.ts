/**
 * The subscriptions (서비스 신청, tenants) a signed-in member may work in, and the chosen one as a `Tenant` — the
 * same shape the API's authenticate-subscription.ts gives, so the web calls the same document use cases. A
 * subscription not of this member is answered as not found; one that is not usable today (suspended, terminated,
 * expired, not started) is refused like the API refuses it.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { fromSqlDate, kstDate } from '../../platform/clock.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';

export interface MemberSubscription {
  subscriptionId: number;
  packageId: number;
  packageName: string;
  state: string;
  startDate: string;
  endDate: string | null;
  usable: boolean;
}

export async function listMemberSubscriptions(ctx: Ctx, memberId: number): Promise<MemberSubscription[]> {
  const rows = await ctx.db
    .selectFrom('subscriptions as s')
    .leftJoin('service_packages as p', 'p.id', 's.package_id')
    .select(['s.id', 's.package_id', 'p.name', 's.state', 's.start_date', 's.end_date'])
    .where('s.member_id', '=', memberId)
    .orderBy('s.id')
    .execute();
  const today = kstDate(ctx.clock.now());
  return rows.map((r) => {
    const start = fromSqlDate(r.start_date);
    const end = r.end_date === null ? null : fromSqlDate(r.end_date);
    return {
      subscriptionId: Number(r.id),
      packageId: Number(r.package_id),
      packageName: r.name ?? '',
      state: r.state,
      startDate: start,
      endDate: end,
      usable: r.state === 'active' && start <= today && (end === null || end >= today),
    };
  });
}

/** The member's subscription `subscriptionId` as a Tenant, or 404 / 403 naming `subscriptionId`. */
export async function memberTenant(ctx: Ctx, memberId: number, subscriptionId: number): Promise<Tenant> {
  const sub = (await listMemberSubscriptions(ctx, memberId)).find((s) => s.subscriptionId === subscriptionId);
  if (!sub) throw new AppError('subscription_not_found', `신청번호 ${subscriptionId}은(는) 이 회원의 서비스가 아닙니다 (not one of this member's subscriptions)`, { field: 'subscriptionId' });
  if (!sub.usable) throw new AppError('subscription_inactive', `사용할 수 없는 서비스입니다 (subscription is ${sub.state === 'active' ? 'expired or not started' : sub.state})`, { field: 'subscriptionId' });
  return { subscriptionId: sub.subscriptionId, memberId, packageId: sub.packageId };
}
