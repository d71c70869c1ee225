/**
 * Browser sessions of portal users and operators. The cookie holds a 256-bit random token; the table
 * holds only its SHA-256. Every login makes a new token (no session fixation); a session ends after
 * 12 hours, or 2 hours without use. The CSRF token of a session is HMAC(master key, "csrf:" ‖ token):
 * bound to the session, rotated with it, never stored.
 */
import { hmacSha256, randomToken, safeEqual, sha256 } from '../../platform/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import type { SubjectKind } from './account-tables.ts';

export const SESSION = {
  absoluteMs: 12 * 60 * 60_000,
  idleMs: 2 * 60 * 60_000,
  mfaPendingMs: 5 * 60_000,
  touchEveryMs: 60_000,
};

export interface Session {
  id: number;
  kind: SubjectKind;
  subjectId: number;
  mfaPending: boolean;
  createdAt: Date;
  expiresAt: Date;
}

/** What the table keeps of a session token (the token itself is only in the cookie). */
export const tokenHash = (token: string) => sha256(`portal_session:${token}`);

export async function createSession(
  ctx: Ctx,
  s: { kind: SubjectKind; subjectId: number; mfaPending?: boolean; ip: string; userAgent: string | undefined },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomToken(32);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + (s.mfaPending ? SESSION.mfaPendingMs : SESSION.absoluteMs));
  await ctx.db
    .insertInto('portal_sessions')
    .values({
      token_hash: tokenHash(token),
      subject_kind: s.kind,
      subject_id: s.subjectId,
      mfa_pending: s.mfaPending ?? false,
      ip: s.ip,
      user_agent: (s.userAgent ?? '').slice(0, 300),
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, csrfToken: csrfTokenFor(ctx, token), expiresAt };
}

/** The live session of a cookie token, or undefined (unknown, expired, idle too long). */
export async function resolveSession(ctx: Ctx, token: string | undefined): Promise<Session | undefined> {
  if (!token || token.length > 200) return undefined;
  const row = await ctx.db.selectFrom('portal_sessions').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!row) return undefined;
  const now = ctx.clock.now();
  if (row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > SESSION.idleMs) {
    await ctx.db.deleteFrom('portal_sessions').where('id', '=', row.id).execute();
    return undefined;
  }
  if (now.getTime() - row.last_seen_at.getTime() > SESSION.touchEveryMs) {
    await ctx.db.updateTable('portal_sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  }
  return { id: row.id, kind: row.subject_kind, subjectId: row.subject_id, mfaPending: row.mfa_pending, createdAt: row.created_at, expiresAt: row.expires_at };
}

export async function destroySession(ctx: Ctx, token: string | undefined): Promise<void> {
  if (!token) return;
  await ctx.db.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash(token)).execute();
}

/** End every session of a subject (password change, withdrawal), except the one given. */
export async function destroySubjectSessions(ctx: Ctx, kind: SubjectKind, subjectId: number, keepToken?: string): Promise<void> {
  let q = ctx.db.deleteFrom('portal_sessions').where('subject_kind', '=', kind).where('subject_id', '=', subjectId);
  if (keepToken) q = q.where('token_hash', '<>', tokenHash(keepToken));
  await q.execute();
}

export function csrfTokenFor(ctx: Ctx, sessionToken: string): string {
  return hmacSha256(ctx.masterKey, `csrf:${sessionToken}`).toString('base64url');
}

export function csrfMatches(ctx: Ctx, sessionToken: string, given: string | undefined): boolean {
  if (!given) return false;
  return safeEqual(Buffer.from(csrfTokenFor(ctx, sessionToken)), Buffer.from(given));
}
