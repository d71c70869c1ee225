/**
 * Browser sessions of members (the member web, /member). Like the portal's (accounts/sessions.ts): the cookie holds
 * a 256-bit random token, the table only its SHA-256; every login makes a new token; a session ends after 12 hours,
 * or 2 hours without use; a session pending the second factor lives 5 minutes. The CSRF token is
 * HMAC(master key, "member-csrf:" ‖ token): bound to the session, never stored. A session carries the subscription
 * the member chose (its tenant); it can only be one of the member's own.
 */
import { hmacSha256, randomToken, safeEqual, sha256 } from '../../platform/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { SESSION } from '../accounts/sessions.ts';
import './member-web-tables.ts';

export interface MemberSession {
  id: number;
  memberId: number;
  subscriptionId: number | null;
  mfaPending: boolean;
  expiresAt: Date;
}

export interface StartedMemberSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  maxAgeMs: number;
}

export const memberTokenHash = (token: string) => sha256(`member_session:${token}`);

export async function createMemberSession(
  ctx: Ctx,
  s: { memberId: number; mfaPending: boolean; subscriptionId: number | null; ip: string; userAgent: string | undefined },
): Promise<StartedMemberSession> {
  const token = randomToken(32);
  const now = ctx.clock.now();
  const maxAgeMs = s.mfaPending ? SESSION.mfaPendingMs : SESSION.absoluteMs;
  const expiresAt = new Date(now.getTime() + maxAgeMs);
  await ctx.db
    .insertInto('member_sessions')
    .values({
      token_hash: memberTokenHash(token),
      member_id: s.memberId,
      subscription_id: s.subscriptionId,
      mfa_pending: s.mfaPending,
      ip: s.ip,
      user_agent: (s.userAgent ?? '').slice(0, 300),
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, csrfToken: memberCsrfTokenFor(ctx, token), expiresAt, maxAgeMs };
}

/** The live session of a cookie token, or undefined (unknown, expired, idle too long). */
export async function resolveMemberSession(ctx: Ctx, token: string | undefined): Promise<MemberSession | undefined> {
  if (!token || token.length > 200) return undefined;
  const row = await ctx.db.selectFrom('member_sessions').selectAll().where('token_hash', '=', memberTokenHash(token)).executeTakeFirst();
  if (!row) return undefined;
  const now = ctx.clock.now();
  if (row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > SESSION.idleMs) {
    await ctx.db.deleteFrom('member_sessions').where('id', '=', row.id).execute();
    return undefined;
  }
  if (now.getTime() - row.last_seen_at.getTime() > SESSION.touchEveryMs) {
    await ctx.db.updateTable('member_sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  }
  return { id: Number(row.id), memberId: Number(row.member_id), subscriptionId: row.subscription_id === null ? null : Number(row.subscription_id), mfaPending: row.mfa_pending, expiresAt: row.expires_at };
}

export async function destroyMemberSession(ctx: Ctx, token: string | undefined): Promise<void> {
  if (!token) return;
  await ctx.db.deleteFrom('member_sessions').where('token_hash', '=', memberTokenHash(token)).execute();
}

/** End every session of a member (password change or reset), except the one given. */
export async function destroyMemberSessions(ctx: Ctx, memberId: number, keepToken?: string): Promise<void> {
  let q = ctx.db.deleteFrom('member_sessions').where('member_id', '=', memberId);
  if (keepToken) q = q.where('token_hash', '<>', memberTokenHash(keepToken));
  await q.execute();
}

export function memberCsrfTokenFor(ctx: Ctx, sessionToken: string): string {
  return hmacSha256(ctx.masterKey, `member-csrf:${sessionToken}`).toString('base64url');
}

export function memberCsrfMatches(ctx: Ctx, sessionToken: string, given: string | undefined): boolean {
  if (!given) return false;
  return safeEqual(Buffer.from(memberCsrfTokenFor(ctx, sessionToken)), Buffer.from(given));
}
