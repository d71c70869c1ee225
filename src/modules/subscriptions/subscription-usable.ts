/**
 * Whether a subscription may be used today (document calls, and a document batch's background chunks): active,
 * started and not expired (KST dates). The one rule `authenticateSubscription` and the batches apply.
 */
import { AppError } from '../../platform/errors.ts';
import { fromSqlDate, kstDate } from '../../platform/clock.ts';

export interface SubscriptionTerm {
  state: string;
  start_date: string;
  end_date: string | null;
}

/** The subscription_inactive error when `sub` may not be used at `now`; undefined when it may. */
export function subscriptionInactiveError(sub: SubscriptionTerm, now: Date): AppError | undefined {
  const today = kstDate(now);
  const expired = sub.end_date !== null && fromSqlDate(sub.end_date) < today;
  if (sub.state === 'active' && !expired && fromSqlDate(sub.start_date) <= today) return undefined;
  return new AppError('subscription_inactive', `사용할 수 없는 서비스입니다 (subscription is ${expired ? 'expired' : sub.state})`, { field: 'subscriptionId' });
}
