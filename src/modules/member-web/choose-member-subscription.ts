/** Pick the subscription a member's session works in (after login, or 서비스 전환 from the menu): only its own, usable one. */
import type { Ctx } from '../../platform/context.ts';
import { requiredInteger, type Input } from '../../platform/input.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { memberTenant } from './member-subscriptions.ts';
import './member-web-tables.ts';

export async function chooseMemberSubscription(ctx: Ctx, session: { id: number; memberId: number }, input: Input): Promise<Tenant> {
  const subscriptionId = requiredInteger(input, 'subscriptionId', { min: 1, max: Number.MAX_SAFE_INTEGER });
  const tenant = await memberTenant(ctx, session.memberId, subscriptionId);
  await ctx.db.updateTable('member_sessions').set({ subscription_id: tenant.subscriptionId }).where('id', '=', session.id).execute();
  return tenant;
}
