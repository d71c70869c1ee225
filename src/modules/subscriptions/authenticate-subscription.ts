/**
 * The caller of a document call: `sinch_no` + `svc_key` → the subscription (tenant) it acts for.
 * Every document use case receives the result; nothing reaches another subscription's rows.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { kstDate, fromSqlDate } from '../../platform/clock.ts';
import { serviceKeyMatches } from './service-key.ts';

export interface Tenant {
  subscriptionId: number;
  memberId: number;
  packageId: number;
}

export async function authenticateSubscription(ctx: Ctx, sinchno: number | undefined, svcKey: string | undefined): Promise<Tenant> {
  if (sinchno === undefined) throw new AppError('field_required', 'sinch_no: 필수 항목입니다 (required)', { field: 'sinch_no' });
  if (!svcKey) throw new AppError('field_required', 'svc_key: 필수 항목입니다 (required)', { field: 'svc_key' });
  const sub = await ctx.db
    .selectFrom('subscriptions')
    .select(['id', 'member_id', 'package_id', 'state', 'svc_key_hash', 'start_date', 'end_date'])
    .where('id', '=', sinchno)
    .executeTakeFirst();
  if (!sub) throw new AppError('subscription_not_found', `sinch_no: 신청번호 ${sinchno}이(가) 없습니다 (no such subscription)`, { field: 'sinch_no' });
  if (!serviceKeyMatches(svcKey, sub.svc_key_hash)) {
    throw new AppError('svc_key_mismatch', 'svc_key: 서비스키가 일치하지 않습니다 (service key does not match)', { field: 'svc_key' });
  }
  const today = kstDate(ctx.clock.now());
  const expired = sub.end_date !== null && fromSqlDate(sub.end_date) < today;
  if (sub.state !== 'active' || expired || fromSqlDate(sub.start_date) > today) {
    throw new AppError('subscription_inactive', `sinch_no: 사용할 수 없는 서비스입니다 (subscription is ${expired ? 'expired' : sub.state})`, {
      field: 'sinch_no',
    });
  }
  return { subscriptionId: sub.id, memberId: sub.member_id, packageId: sub.package_id };
}
