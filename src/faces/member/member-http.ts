/**
 * Cookies, CSRF, language and the caller of member web requests. The cookie `hb_member` is HttpOnly,
 * SameSite=Lax, Path=/member, and Secure whenever the site is served over HTTPS. Every POST of a session must
 * carry its CSRF token (`_csrf` form field or `X-CSRF-Token`); a cross-site Origin / Sec-Fetch-Site is refused first.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { SESSION } from '../../modules/accounts/sessions.ts';
import { memberCsrfMatches, memberCsrfTokenFor, resolveMemberSession, type MemberSession } from '../../modules/member-web/member-sessions.ts';
import { getMemberProfile, type MemberProfile } from '../../modules/member-web/get-member-profile.ts';
import { memberTenant } from '../../modules/member-web/member-subscriptions.ts';
import type { Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import { callerIp } from '../../modules/access/ip-address.ts';
import { translator, type Lang, type T } from '../html.ts';

export const MEMBER_COOKIE = 'hb_member';
export const MEMBER_LANG_COOKIE = 'hb_member_lang';

export function readCookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) out[k] = part.slice(i + 1).trim();
  }
  return out;
}

export const memberToken = (req: FastifyRequest): string | undefined => readCookies(req)[MEMBER_COOKIE];

function secure(ctx: Ctx, req: FastifyRequest): boolean {
  return req.protocol === 'https' || ctx.config.publicUrl.startsWith('https://');
}

function cookieList(reply: FastifyReply): string[] {
  const cur = reply.getHeader('set-cookie');
  return cur === undefined ? [] : Array.isArray(cur) ? cur.map(String) : [String(cur)];
}

export function setMemberCookie(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, token: string, maxAgeMs = SESSION.absoluteMs): void {
  const attrs = [`${MEMBER_COOKIE}=${token}`, 'Path=/member', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.floor(maxAgeMs / 1000)}`];
  if (secure(ctx, req)) attrs.push('Secure');
  reply.header('set-cookie', [...cookieList(reply), attrs.join('; ')]);
}

export function clearMemberCookie(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): void {
  const attrs = [`${MEMBER_COOKIE}=`, 'Path=/member', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (secure(ctx, req)) attrs.push('Secure');
  reply.header('set-cookie', [...cookieList(reply), attrs.join('; ')]);
}

export function fieldsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

export function queryText(req: FastifyRequest, name: string): string | undefined {
  const v = fieldsOf(req.query)[name];
  return typeof v === 'string' ? v : undefined;
}

/** `?lang=en|ko` (remembered in a cookie), else the cookie, else Korean. */
export function langOf(req: FastifyRequest, reply?: FastifyReply): Lang {
  const q = queryText(req, 'lang');
  if (q === 'en' || q === 'ko') {
    if (reply) reply.header('set-cookie', [...cookieList(reply), `${MEMBER_LANG_COOKIE}=${q}; Path=/member; SameSite=Lax; Max-Age=31536000`]);
    return q;
  }
  return readCookies(req)[MEMBER_LANG_COOKIE] === 'en' ? 'en' : 'ko';
}

export const clientIp = (req: FastifyRequest): string => callerIp(req.ip);

/** Refuse cross-site state changes (Origin / Sec-Fetch-Site), with or without a session. */
export function assertSameOrigin(req: FastifyRequest): void {
  const refuse = () => new AppError('csrf_invalid', '다른 사이트에서 보낸 요청은 처리할 수 없습니다 (cross-site request refused)', { field: 'Origin' });
  if (req.headers['sec-fetch-site'] === 'cross-site') throw refuse();
  const origin = req.headers.origin;
  if (origin === 'null') throw refuse();
  if (origin) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) throw refuse();
  }
}

export function assertMemberCsrf(ctx: Ctx, req: FastifyRequest, token: string, formValue: unknown): void {
  assertSameOrigin(req);
  const header = req.headers['x-csrf-token'];
  const given = typeof header === 'string' ? header : typeof formValue === 'string' ? formValue : undefined;
  if (!memberCsrfMatches(ctx, token, given)) {
    throw new AppError('csrf_invalid', '보안 토큰이 없거나 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도하세요 (missing or wrong CSRF token)', { field: '_csrf' });
  }
}

/** A signed-in member's request: its session, profile, the chosen subscription as a Tenant, CSRF token and language. */
export interface MemberCall {
  token: string;
  session: MemberSession;
  member: MemberProfile;
  /** the subscription the session works in — the same Tenant the API's authenticateSubscription gives */
  tenant: Tenant;
  csrfToken: string;
  lang: Lang;
  t: T;
  ip: string;
}

/** Thrown when the session has no subscription chosen yet: the plugin redirects to the choice. */
export class SubscriptionChoiceNeeded extends Error {}

/**
 * The caller of a member request, or 401 naming `session` (the plugin redirects pages to the login).
 * `csrf`: check the CSRF token (default: on every non-GET request); `formCsrf` is the `_csrf` field of the body.
 */
export async function requireMember(ctx: Ctx, req: FastifyRequest, opts: { csrf?: boolean; formCsrf?: unknown; reply?: FastifyReply } = {}): Promise<MemberCall> {
  const token = memberToken(req);
  const session = await resolveMemberSession(ctx, token);
  if (!token || !session || session.mfaPending) throw new AppError('unauthenticated', '로그인이 필요합니다 (login required)', { field: 'session' });
  if (opts.csrf ?? !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) assertMemberCsrf(ctx, req, token, opts.formCsrf);
  if (session.subscriptionId === null) throw new SubscriptionChoiceNeeded();
  const tenant = await memberTenant(ctx, session.memberId, session.subscriptionId);
  const member = await getMemberProfile(ctx, session.memberId);
  const lang = langOf(req, opts.reply);
  return { token, session, member, tenant, csrfToken: memberCsrfTokenFor(ctx, token), lang, t: translator(lang), ip: clientIp(req) };
}
