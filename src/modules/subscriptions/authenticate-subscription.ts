/**
 * The caller of a document call: subscription id + service key (legacy `sinch_no` + `svc_key`, REST the
 * path id + `X-Svc-Key`) → the subscription (tenant) it acts for. Every document use case receives the
 * result; nothing reaches another subscription's rows. Errors name `subscriptionId` or `serviceKey`.
 */
import { AppError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { serviceKeyMatches } from './service-key.ts';
import { subscriptionInactiveError } from './subscription-usable.ts';
import { parseSubscriptionId } from './subscription-id.ts';

export interface Tenant {
  subscriptionId: number;
  memberId: number;
  packageId: number;
}

/**
 * `partner`: the partner whose API key made the call (the API guard accepted it). A partner reaches only
 * its own members' subscriptions: any other one is answered as not found.
 */
export async function authenticateSubscription(ctx: Ctx, subscriptionId: number | undefined, svcKey: string | undefined, partner?: { partnerId: number }): Promise<Tenant> {
  if (subscriptionId === undefined) throw requiredError('subscriptionId');
  // REST passes a JSON number: 1e20 is an "integer" to the schema but overflows bigint in SQL
  const sinchno = parseSubscriptionId(subscriptionId, 'subscriptionId');
  if (!svcKey) throw requiredError('serviceKey');
  const sub = await ctx.db
    .selectFrom('subscriptions')
    .select(['id', 'member_id', 'package_id', 'state', 'svc_key_hash', 'start_date', 'end_date'])
    .where('id', '=', sinchno)
    .executeTakeFirst();
  if (!sub) throw new AppError('subscription_not_found', `신청번호 ${sinchno}이(가) 없습니다 (no such subscription)`, { field: 'subscriptionId' });
  if (partner) {
    const owner = await ctx.db.selectFrom('members').select('partner_id').where('id', '=', sub.member_id).executeTakeFirst();
    if (owner?.partner_id !== partner.partnerId) {
      throw new AppError('subscription_not_found', `신청번호 ${sinchno}은(는) 이 파트너의 회원 서비스가 아닙니다 (no such subscription among this partner's members)`, { field: 'subscriptionId' });
    }
  }
  if (!serviceKeyMatches(svcKey, sub.svc_key_hash)) {
    throw new AppError('svc_key_mismatch', '서비스키가 일치하지 않습니다 (service key does not match)', { field: 'serviceKey' });
  }
  const inactive = subscriptionInactiveError(sub, ctx.clock.now());
  if (inactive) throw inactive;
  return { subscriptionId: sub.id, memberId: sub.member_id, packageId: sub.package_id };
}
