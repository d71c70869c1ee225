/**
 * The caller of a document call: subscription id + service key (legacy `sinch_no` + `svc_key`, REST the
 * path id + `X-Svc-Key`) → the subscription (tenant) it acts for. Every document use case receives the
 * result; nothing reaches another subscription's rows. Errors name `subscriptionId` or `serviceKey`.
 */
import { sql, type Selectable } from 'kysely';
import { AppError, requiredError } from '../../platform/errors.ts';
import type { MembersTable } from '../../platform/db/schema.ts';
import type { Ctx } from '../../platform/context.ts';
import { serviceKeyMatches } from './service-key.ts';
import { subscriptionInactiveError } from './subscription-usable.ts';
import { parseSubscriptionId } from './subscription-id.ts';

export interface Tenant {
  subscriptionId: number;
  memberId: number;
  packageId: number;
  /**
   * The member's profile columns, when the caller was authenticated here: read with the subscription, so a document
   * write needs no query of its own for its issuer (documents/prepare-document.ts tenantProfile). Absent on tenants
   * made by jobs (a batch, a bill), which read it when they need it.
   */
  member?: MemberProfileRow;
  /**
   * false: none of the subscription's units had a usage limit (its own, or its partner's contract price of it) when
   * the caller was authenticated, so an issue needs no limit check (documents/issue-document.ts). Absent: unknown.
   */
  unitLimited?: boolean;
}

/** The columns of the member a document write fills its issuer from (documents/prepare-document.ts). */
export const MEMBER_PROFILE_COLUMNS = ['bizno', 'sub_bizno', 'com_name', 'ceo_name', 'addr1', 'addr2', 'uptae', 'jongmok', 'dept', 'user_name', 'user_tel', 'tel', 'email'] as const;
export type MemberProfileRow = Pick<Selectable<MembersTable>, (typeof MEMBER_PROFILE_COLUMNS)[number]>;

/**
 * `partner`: the partner whose API key made the call (the API guard accepted it). A partner reaches only
 * its own members' subscriptions: any other one is answered as not found.
 */
export async function authenticateSubscription(ctx: Ctx, subscriptionId: number | undefined, svcKey: string | undefined, partner?: { partnerId: number }): Promise<Tenant> {
  if (subscriptionId === undefined) throw requiredError('subscriptionId');
  // REST passes a JSON number: 1e20 is an "integer" to the schema but overflows bigint in SQL
  const sinchno = parseSubscriptionId(subscriptionId, 'subscriptionId');
  if (!svcKey) throw requiredError('serviceKey');
  // the subscription with its member: the partner that owns it, the member's profile, and whether any of its units has
  // a limit (any item, any validity: a unit limited only later or for another item just costs the issue its check)
  const sub = await ctx.db
    .selectFrom('subscriptions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .select(['s.id', 's.member_id', 's.package_id', 's.state', 's.svc_key_hash', 's.start_date', 's.end_date', 'm.partner_id'])
    .select(MEMBER_PROFILE_COLUMNS.map((c) => `m.${c}` as const))
    .select(
      sql<boolean>`EXISTS (
        SELECT 1 FROM subscription_units su JOIN service_units u ON u.id = su.unit_id
         WHERE su.subscription_id = s.id
           AND (u.limit_per_period > 0
                OR EXISTS (SELECT 1 FROM partner_unit_prices p WHERE p.partner_id = m.partner_id AND p.unit_id = u.id AND p.limit_per_period > 0)))`.as('unit_limited'),
    )
    .where('s.id', '=', sinchno)
    .executeTakeFirst();
  if (!sub) throw new AppError('subscription_not_found', `신청번호 ${sinchno}이(가) 없습니다 (no such subscription)`, { field: 'subscriptionId' });
  if (partner) {
    if (sub.partner_id !== partner.partnerId) {
      throw new AppError('subscription_not_found', `신청번호 ${sinchno}은(는) 이 파트너의 회원 서비스가 아닙니다 (no such subscription among this partner's members)`, { field: 'subscriptionId' });
    }
  }
  if (!serviceKeyMatches(svcKey, sub.svc_key_hash)) {
    throw new AppError('svc_key_mismatch', '서비스키가 일치하지 않습니다 (service key does not match)', { field: 'serviceKey' });
  }
  const inactive = subscriptionInactiveError(sub, ctx.clock.now());
  if (inactive) throw inactive;
  const member = Object.fromEntries(MEMBER_PROFILE_COLUMNS.map((c) => [c, sub[c]])) as MemberProfileRow;
  return { subscriptionId: sub.id, memberId: sub.member_id, packageId: sub.package_id, member, unitLimited: sub.unit_limited };
}
