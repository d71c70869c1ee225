/**
 * API 연동 서비스 신청 (company members only). A rejection blocks a new application for one year from the
 * rejection date; one open application at a time (the unique index decides a race). Approval makes the company a
 * partner (approve-application.ts) and shows the 연동 API 관리 menu.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { audit, type Actor } from './audit-log.ts';
import type { ApiApplication } from './application-view.ts';
import { getApplicationStatus } from './get-application-status.ts';

export interface ApplyForApiServiceOptions {
  /** `note`: an optional message to the reviewer. */
  input: Input;
}

const alreadyOpen = (what: string) => new AppError('application_already_open', `이미 ${what}`, { field: 'application' });

export async function applyForApiService(ctx: Ctx, who: Actor & { id: number }, opts: ApplyForApiServiceOptions): Promise<ApiApplication> {
  const note = optionalString(opts.input, 'note', { max: 1000, multiline: true }) ?? '';
  const status = await getApplicationStatus(ctx, who.id);
  if (!status.isCompany) {
    throw new AppError('forbidden', '연동 API 서비스는 기업회원만 신청할 수 있습니다. 먼저 기업회원전환을 신청하세요 (company members only: convert first)', { field: 'user' });
  }
  if (status.blockedUntil) {
    const d = status.blockedUntil;
    throw new AppError(
      'application_blocked',
      `반려일로부터 1년간 재신청할 수 없습니다. ${d.toISOString().slice(0, 10)} 이후 신청할 수 있습니다 (re-application is blocked for one year after a rejection, until ${d.toISOString()})`,
      { field: 'application', details: { blockedUntil: d.toISOString() } },
    );
  }
  if (!status.canApply) {
    throw alreadyOpen(`${status.current?.state === 'approved' ? '승인된' : '심사 중인'} 신청이 있습니다 (an application is already ${status.current?.state})`);
  }
  let id: number;
  try {
    id = (await ctx.db.insertInto('api_applications').values({ user_id: who.id, note }).returning('id').executeTakeFirstOrThrow()).id;
  } catch (err) {
    if (isUniqueViolation(err, 'api_applications_open_uq')) throw alreadyOpen('심사 중인 신청이 있습니다 (an application is already open)');
    throw err;
  }
  await audit(ctx, who, { action: 'application.submitted', targetKind: 'application', targetId: id });
  return (await getApplicationStatus(ctx, who.id)).current!;
}
