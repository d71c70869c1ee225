/**
 * Login and logout for the pages and the REST face. The policy (password, lockout, no session fixation, the second
 * factor) is the accounts module's (log-in.ts, complete-log-in.ts, log-in-operator.ts); this face only checks the
 * request's origin and CSRF token, hands over the cookie it got, and sets the new cookie.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { destroySession } from '../../modules/accounts/sessions.ts';
import { logIn } from '../../modules/accounts/log-in.ts';
import { completeLogIn } from '../../modules/accounts/complete-log-in.ts';
import { logInOperator } from '../../modules/accounts/log-in-operator.ts';
import { assertSameOrigin, clearSessionCookie, clientIp, requirePendingUser, sessionToken, setSessionCookie } from './portal-http.ts';

export async function loginUser(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, input: Input): Promise<{ mfaRequired: boolean; csrfToken: string }> {
  assertSameOrigin(req);
  const r = await logIn(ctx, { input, ip: clientIp(req), userAgent: req.headers['user-agent'], previousToken: sessionToken(req) });
  setSessionCookie(ctx, req, reply, r.session.token, r.session.maxAgeMs);
  return { mfaRequired: r.mfaRequired, csrfToken: r.session.csrfToken };
}

export async function completeLoginCode(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, input: Input): Promise<{ csrfToken: string }> {
  const pending = await requirePendingUser(ctx, req, input['_csrf']);
  const s = await completeLogIn(ctx, { pendingToken: pending.token, userId: pending.session.subjectId, input, ip: clientIp(req), userAgent: req.headers['user-agent'] });
  setSessionCookie(ctx, req, reply, s.token, s.maxAgeMs);
  return { csrfToken: s.csrfToken };
}

export async function loginOperator(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, input: Input): Promise<{ csrfToken: string }> {
  assertSameOrigin(req);
  const r = await logInOperator(ctx, { input, ip: clientIp(req), userAgent: req.headers['user-agent'], previousToken: sessionToken(req) });
  setSessionCookie(ctx, req, reply, r.session.token, r.session.maxAgeMs);
  return { csrfToken: r.session.csrfToken };
}

export async function logout(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await destroySession(ctx, sessionToken(req));
  clearSessionCookie(ctx, req, reply);
}
