/** Login and logout flows shared by the REST face and the pages: a new session token at every login. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { createSession, destroySession, SESSION } from '../../modules/portal/sessions.ts';
import { checkUserPassword, checkUserSecondFactor } from '../../modules/portal/portal-users.ts';
import { checkOperatorPassword } from '../../modules/portal/operators.ts';
import { assertSameOrigin, clearSessionCookie, clientIp, requirePendingUser, sessionToken, setSessionCookie } from './portal-http.ts';

export async function loginUser(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, input: Input): Promise<{ mfaRequired: boolean; csrfToken: string }> {
  assertSameOrigin(req);
  const ip = clientIp(req);
  const r = await checkUserPassword(ctx, ip, input);
  await destroySession(ctx, sessionToken(req)); // whatever session the browser brought ends: no fixation
  const s = await createSession(ctx, { kind: 'user', subjectId: r.userId, mfaPending: r.mfaRequired, ip, userAgent: req.headers['user-agent'] });
  setSessionCookie(ctx, req, reply, s.token, r.mfaRequired ? SESSION.mfaPendingMs : SESSION.absoluteMs);
  return { mfaRequired: r.mfaRequired, csrfToken: s.csrfToken };
}

export async function completeLoginCode(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, input: Input): Promise<{ csrfToken: string }> {
  const pending = await requirePendingUser(ctx, req, input['_csrf']);
  const ip = clientIp(req);
  await checkUserSecondFactor(ctx, ip, pending.session.subjectId, input);
  await destroySession(ctx, pending.token);
  const s = await createSession(ctx, { kind: 'user', subjectId: pending.session.subjectId, ip, userAgent: req.headers['user-agent'] });
  setSessionCookie(ctx, req, reply, s.token);
  return { csrfToken: s.csrfToken };
}

export async function loginOperator(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, input: Input): Promise<{ csrfToken: string }> {
  assertSameOrigin(req);
  const ip = clientIp(req);
  const op = await checkOperatorPassword(ctx, ip, input);
  await destroySession(ctx, sessionToken(req));
  const s = await createSession(ctx, { kind: 'operator', subjectId: op.id, ip, userAgent: req.headers['user-agent'] });
  setSessionCookie(ctx, req, reply, s.token);
  return { csrfToken: s.csrfToken };
}

export async function logout(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await destroySession(ctx, sessionToken(req));
  clearSessionCookie(ctx, req, reply);
}
