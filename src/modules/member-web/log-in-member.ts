/**
 * Member web login, password step: business number + ID + password through the API's own check
 * (accounts/verify-member-credentials.ts: same throttle per (business number, ID) and per IP, same 2001 answer for
 * every mismatch), then a new session — the one the browser brought ends (no fixation). With 보안로그인 on the
 * session is pending the code (complete-member-log-in.ts); a member with exactly one usable subscription has it
 * chosen at once, else it picks one (choose-member-subscription.ts).
 */
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { verifyMemberCredentials } from '../accounts/verify-member-credentials.ts';
import { createMemberSession, destroyMemberSession, type StartedMemberSession } from './member-sessions.ts';
import { listMemberSubscriptions } from './member-subscriptions.ts';

export interface MemberLogInOptions {
  /** The login form: `bizno`, `loginId`, `password`. */
  input: Input;
  ip: string;
  userAgent: string | undefined;
  previousToken: string | undefined;
}

export async function logInMember(ctx: Ctx, opts: MemberLogInOptions): Promise<{ mfaRequired: boolean; session: StartedMemberSession }> {
  const member = await verifyMemberCredentials(ctx, opts.input, { ip: opts.ip });
  const row = await ctx.db.selectFrom('members').select(['totp_enabled_at']).where('id', '=', member.id).executeTakeFirstOrThrow();
  const mfaRequired = row.totp_enabled_at !== null;
  const usable = (await listMemberSubscriptions(ctx, member.id)).filter((s) => s.usable);
  await destroyMemberSession(ctx, opts.previousToken);
  const session = await createMemberSession(ctx, {
    memberId: member.id,
    mfaPending: mfaRequired,
    subscriptionId: usable.length === 1 ? usable[0]!.subscriptionId : null,
    ip: opts.ip,
    userAgent: opts.userAgent,
  });
  ctx.log.info({ memberId: member.id, ip: opts.ip, mfaRequired }, 'member web login');
  return { mfaRequired, session };
}
