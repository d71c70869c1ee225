/**
 * Credentials → subscription id + service key (legacy `_auth.aspx cmd=GETSVCKEY` and `cmd=RESETKEY`, REST
 * `POST /v1/auth/service-key` and `/reset`). Input: `bizno`, `loginId`, `password` and an optional
 * `subscriptionId`; without it, the member's newest active subscription.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { fromSqlDate } from '../../platform/clock.ts';
import type { Input } from '../../platform/input.ts';
import { parseSubscriptionId } from './subscription-id.ts';
import { verifyMemberCredentials, type CredentialCaller, type VerifiedMember } from '../accounts/verify-member-credentials.ts';
import { deriveServiceKey, newServiceKeySalt, serviceKeyHash } from './service-key.ts';

export interface ServiceKeyAnswer {
  sinchno: number;
  svcKey: string;
  comName: string;
  endDate: string | null;
  state: string;
}

async function pickSubscription(ctx: Ctx, member: VerifiedMember, input: Input) {
  const raw = input['subscriptionId'];
  const sinchno = raw === undefined || raw === null || raw === '' ? undefined : parseSubscriptionId(raw, 'subscriptionId');
  let q = ctx.db
    .selectFrom('subscriptions')
    .select(['id', 'state', 'end_date', 'svc_key_salt'])
    .where('member_id', '=', member.id);
  q = sinchno !== undefined ? q.where('id', '=', sinchno) : q.where('state', '=', 'active').orderBy('id', 'desc').limit(1);
  const sub = await q.executeTakeFirst();
  if (!sub) {
    throw new AppError('subscription_not_found', '신청된 서비스가 없습니다 (no such subscription for this member)', { field: 'subscriptionId' });
  }
  return sub;
}

export async function getServiceKey(ctx: Ctx, input: Input, caller: CredentialCaller): Promise<ServiceKeyAnswer> {
  const member = await verifyMemberCredentials(ctx, input, caller);
  const sub = await pickSubscription(ctx, member, input);
  return {
    sinchno: sub.id,
    svcKey: deriveServiceKey(ctx.masterKey, sub.id, sub.svc_key_salt),
    comName: member.comName,
    endDate: sub.end_date ? fromSqlDate(sub.end_date) : null,
    state: sub.state,
  };
}

/** Draw a new salt: the old key stops working at once. */
export async function resetServiceKey(ctx: Ctx, input: Input, caller: CredentialCaller): Promise<ServiceKeyAnswer> {
  const member = await verifyMemberCredentials(ctx, input, caller);
  const sub = await pickSubscription(ctx, member, input);
  const salt = newServiceKeySalt();
  const svcKey = deriveServiceKey(ctx.masterKey, sub.id, salt);
  await ctx.db
    .updateTable('subscriptions')
    .set({ svc_key_salt: salt, svc_key_hash: serviceKeyHash(svcKey), svc_key_issued_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', sub.id)
    .execute();
  ctx.log.info({ sinchno: sub.id }, 'service key reset');
  return { sinchno: sub.id, svcKey, comName: member.comName, endDate: sub.end_date ? fromSqlDate(sub.end_date) : null, state: sub.state };
}
