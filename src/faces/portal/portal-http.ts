/**
 * Session cookies, CSRF and Origin checks, language choice and the caller (actor) of portal requests.
 * The cookie `hb_session` is HttpOnly, SameSite=Lax, Path=/, and Secure whenever the site is served over
 * HTTPS. Every state-changing request of a session must carry its CSRF token (`X-CSRF-Token` header or a
 * `_csrf` form field); a cross-site `Origin` / `Sec-Fetch-Site` is refused even before that.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { safeEqual, sha256 } from '../../platform/tokens.ts';
import { csrfMatches, csrfTokenFor, resolveSession, SESSION, type Session } from '../../modules/accounts/sessions.ts';
import { getPortalUser, type PortalUser } from '../../modules/accounts/get-portal-user.ts';
import { getOperator } from '../../modules/accounts/get-operator.ts';
import type { Operator } from '../../modules/accounts/create-operator.ts';
import { callerIp } from '../../modules/access/ip-address.ts';
import type { Actor } from '../../modules/access/audit-log.ts';

export const SESSION_COOKIE = 'hb_session';
export const LANG_COOKIE = 'hb_lang';
export type Lang = 'ko' | 'en';

export function readCookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) {
      try {
        out[k] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        out[k] = part.slice(i + 1).trim();
      }
    }
  }
  return out;
}

export function sessionToken(req: FastifyRequest): string | undefined {
  return readCookies(req)[SESSION_COOKIE];
}

function secure(ctx: Ctx, req: FastifyRequest): boolean {
  return req.protocol === 'https' || ctx.config.publicUrl.startsWith('https://');
}

export function setSessionCookie(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, token: string, maxAgeMs = SESSION.absoluteMs): void {
  const attrs = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.floor(maxAgeMs / 1000)}`];
  if (secure(ctx, req)) attrs.push('Secure');
  reply.header('set-cookie', [...cookieList(reply), attrs.join('; ')]);
}

export function clearSessionCookie(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): void {
  const attrs = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (secure(ctx, req)) attrs.push('Secure');
  reply.header('set-cookie', [...cookieList(reply), attrs.join('; ')]);
}

function cookieList(reply: FastifyReply): string[] {
  const cur = reply.getHeader('set-cookie');
  return cur === undefined ? [] : Array.isArray(cur) ? cur.map(String) : [String(cur)];
}

/**
 * The fields of a parsed query string, form body or path: an object's own entries, or none (no body, a text
 * body). The values stay `unknown` (a repeated field is an array): every reader checks the one it takes.
 */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

/** One query value as text; absent, repeated or not text → undefined. */
export function queryText(req: FastifyRequest, name: string): string | undefined {
  const v = fieldsOf(req.query)[name];
  return typeof v === 'string' ? v : undefined;
}

export function langOf(req: FastifyRequest, reply?: FastifyReply): Lang {
  const q = queryText(req, 'lang');
  if (q === 'en' || q === 'ko') {
    reply?.header('set-cookie', [...(reply ? cookieList(reply) : []), `${LANG_COOKIE}=${q}; Path=/; SameSite=Lax; Max-Age=31536000`]);
    return q;
  }
  return readCookies(req)[LANG_COOKIE] === 'en' ? 'en' : 'ko';
}

export function clientIp(req: FastifyRequest): string {
  return callerIp(req.ip);
}

/** Refuse cross-site state changes (Origin / Sec-Fetch-Site), with or without a session. */
export function assertSameOrigin(req: FastifyRequest): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new AppError('csrf_invalid', '다른 사이트에서 보낸 요청은 처리할 수 없습니다 (cross-site request refused)', { field: 'Origin' });
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) throw new AppError('csrf_invalid', '다른 사이트에서 보낸 요청은 처리할 수 없습니다 (cross-site request refused)', { field: 'Origin' });
  } else if (origin === 'null') {
    throw new AppError('csrf_invalid', '다른 사이트에서 보낸 요청은 처리할 수 없습니다 (cross-site request refused)', { field: 'Origin' });
  }
}

export function assertCsrf(ctx: Ctx, req: FastifyRequest, token: string, formValue?: unknown): void {
  assertSameOrigin(req);
  const header = req.headers['x-csrf-token'];
  const given = typeof header === 'string' ? header : typeof formValue === 'string' ? formValue : undefined;
  if (!csrfMatches(ctx, token, given)) {
    throw new AppError('csrf_invalid', '보안 토큰이 없거나 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도하세요 (missing or wrong CSRF token)', { field: '_csrf' });
  }
}

const isUnsafe = (req: FastifyRequest) => !['GET', 'HEAD', 'OPTIONS'].includes(req.method);

export interface UserCall {
  token: string;
  session: Session;
  user: PortalUser;
  actor: Actor & { id: number };
  csrfToken: string;
}

export const loginRequired = () => new AppError('unauthenticated', '로그인이 필요합니다 (login required)', { field: 'session' });

/** The signed-in portal user of a request (CSRF checked on state changes), or a 401. */
export async function requireUser(ctx: Ctx, req: FastifyRequest, formCsrf?: unknown): Promise<UserCall> {
  return currentUser(ctx, req, { csrf: isUnsafe(req), formCsrf });
}

/** The signed-in member; `csrf: false` only to render a page (never to change anything). */
export async function currentUser(ctx: Ctx, req: FastifyRequest, opts: { csrf: boolean; formCsrf?: unknown }): Promise<UserCall> {
  const token = sessionToken(req);
  const session = await resolveSession(ctx, token);
  if (!token || !session || session.kind !== 'user' || session.mfaPending) throw loginRequired();
  if (opts.csrf) assertCsrf(ctx, req, token, opts.formCsrf);
  const user = await getPortalUser(ctx, session.subjectId);
  return { token, session, user, actor: { kind: 'user', id: user.id, label: user.loginId, ip: clientIp(req) }, csrfToken: csrfTokenFor(ctx, token) };
}

/** A session whose password step passed and whose TOTP code is still due. */
export async function requirePendingUser(ctx: Ctx, req: FastifyRequest, formCsrf?: unknown): Promise<{ token: string; session: Session }> {
  const token = sessionToken(req);
  const session = await resolveSession(ctx, token);
  if (!token || !session || session.kind !== 'user' || !session.mfaPending) throw loginRequired();
  assertCsrf(ctx, req, token, formCsrf);
  return { token, session };
}

export interface OperatorCall {
  token: string | undefined;
  operator: Operator | undefined;
  actor: Actor;
  csrfToken: string;
}

/** An operator: a console session, or (REST only) `Authorization: Bearer <HANBILL_OPERATOR_TOKEN>`. */
export async function requireOperator(ctx: Ctx, req: FastifyRequest, opts: { operatorToken?: string; formCsrf?: unknown; csrf?: boolean } = {}): Promise<OperatorCall> {
  const auth = req.headers.authorization ?? '';
  if (opts.operatorToken && auth.toLowerCase().startsWith('bearer ')) {
    if (!safeEqual(sha256(auth.slice(7).trim()), sha256(opts.operatorToken))) {
      throw new AppError('unauthenticated', '운영자 토큰이 맞지 않습니다 (wrong operator token)', { field: 'Authorization' });
    }
    return { token: undefined, operator: undefined, actor: { kind: 'operator', id: null, label: 'operator-token', ip: clientIp(req) }, csrfToken: '' };
  }
  const token = sessionToken(req);
  const session = await resolveSession(ctx, token);
  if (!token || !session || session.kind !== 'operator') throw new AppError('unauthenticated', '운영자 로그인이 필요합니다 (operator login required)', { field: 'session' });
  if (opts.csrf ?? isUnsafe(req)) assertCsrf(ctx, req, token, opts.formCsrf);
  const operator = await getOperator(ctx, session.subjectId);
  return { token, operator, actor: { kind: 'operator', id: operator.id, label: operator.loginId, ip: clientIp(req) }, csrfToken: csrfTokenFor(ctx, token) };
}

/** The partner of a signed-in company member, or a clear 403 (the 연동 API 관리 menu is for partners only). */
export function partnerOf(call: UserCall): number {
  const p = call.user.partner;
  if (!p) throw new AppError('forbidden', '연동 API 서비스 승인 후 이용할 수 있습니다 (available once the API service is approved)', { field: 'partner' });
  return p.id;
}
