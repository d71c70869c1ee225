/** The anonymous screens: home, login, the second login step (보안로그인), sign-up, and logout. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError } from '../../../platform/errors.ts';
import { csrfTokenFor, resolveSession } from '../../../modules/accounts/sessions.ts';
import { signUp } from '../../../modules/accounts/sign-up.ts';
import { html, translator, type Raw, type T } from '../../html.ts';
import { csrfField, page } from '../layout.ts';
import { doneMessage, field, formOf, str, type Form } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';
import { assertCsrf, assertSameOrigin, clientIp, langOf, queryText, sessionToken } from '../portal-http.ts';
import { completeLoginCode, loginUser, logout } from '../auth-flow.ts';

function loginBody(t: T, form: Form, next: string): Raw {
  return html`<h1>${t('로그인', 'Log in')}</h1>
<form method="post" action="/portal/login" class="stack"><input type="hidden" name="next" value="${next}">
${field('loginId', t('아이디', 'Login ID'), { value: str(form, 'loginId'), required: true, autocomplete: 'username' })}
${field('password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'current-password' })}
<p><button type="submit">${t('로그인', 'Log in')}</button></p></form>
<p>${t('처음이신가요?', 'New here?')} <a href="/portal/signup">${t('회원가입', 'Sign up')}</a></p>
<p class="muted"><a href="/console/login">${t('운영자 로그인', 'Operator login')}</a></p>`;
}

function signupBody(t: T, form: Form): Raw {
  return html`<h1>${t('회원가입', 'Sign up')}</h1>
<p>${t('회원가입 후 [마이페이지 > 기업회원전환]에서 기업회원으로 전환하면 연동 API 서비스를 신청할 수 있습니다.', 'After signing up, convert to a company member (My Page) to apply for the API service.')}</p>
<form method="post" action="/portal/signup" class="stack">
${field('loginId', t('아이디', 'Login ID'), { value: str(form, 'loginId'), required: true, autocomplete: 'username', hint: t('영문·숫자로 시작하는 4~30자', '4–30 letters, digits, _ . -') })}
${field('password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('8~64자, 영문과 숫자 또는 특수문자를 섞어 주세요', '8–64 characters mixing letters with digits or symbols') })}
${field('passwordConfirm', t('비밀번호 확인', 'Confirm password'), { type: 'password', required: true, autocomplete: 'new-password' })}
${field('name', t('이름', 'Name'), { value: str(form, 'name'), required: true, autocomplete: 'name' })}
${field('email', t('이메일', 'E-mail'), { type: 'email', value: str(form, 'email'), required: true, autocomplete: 'email' })}
${field('phone', t('휴대전화', 'Mobile'), { type: 'tel', value: str(form, 'phone'), autocomplete: 'tel' })}
<p><button type="submit">${t('회원가입', 'Sign up')}</button></p></form>`;
}

function codeBody(t: T, csrf: string): Raw {
  return html`<h1>${t('보안로그인', 'Secure login')}</h1>
<p>${t('인증 앱에 표시된 6자리 코드 또는 복구 코드를 입력하세요.', 'Enter the 6-digit code from your authenticator app, or a recovery code.')}</p>
<form method="post" action="/portal/login/code" class="stack">${csrfField(csrf)}
${field('code', t('인증 코드', 'Code'), { required: true, autocomplete: 'one-time-code', inputmode: 'numeric' })}
<p><button type="submit">${t('확인', 'Verify')}</button></p></form>`;
}

/** Only a portal path (never another site) is a place to go after login. */
const safeNext = (n: unknown) => (typeof n === 'string' && /^\/portal\/[A-Za-z0-9/_-]*$/.test(n) ? n : '/portal/mypage/profile');

export async function authPageRoutes(app: FastifyInstance, opts: { ctx: Ctx }): Promise<void> {
  const { ctx } = opts;
  const hide = { schema: { hide: true } };
  const anon = async (req: FastifyRequest, reply: FastifyReply, title: (t: T) => string, path: string, body: (t: T) => Raw, status = 200, error?: string) => {
    const lang = langOf(req, reply);
    const t = translator(lang);
    return sendHtml(reply, status, page({ lang, title: title(t), path, body: body(t), error, done: doneMessage(t, queryText(req, 'done')) }));
  };
  app.get('/', hide, (_req, reply) => reply.redirect('/portal', 302));
  app.get('/portal', hide, async (req, reply) => {
    const s = await resolveSession(ctx, sessionToken(req));
    return reply.redirect(s?.kind === 'user' && !s.mfaPending ? '/portal/mypage/profile' : '/portal/login', 303);
  });
  app.get('/portal/login', hide, (req, reply) => anon(req, reply, (t) => t('로그인', 'Log in'), '/portal/login', (t) => loginBody(t, {}, safeNext(queryText(req, 'next')))));
  app.post('/portal/login', hide, async (req, reply) => {
    const form = formOf(req);
    try {
      const r = await loginUser(ctx, req, reply, form);
      return reply.redirect(r.mfaRequired ? '/portal/login/code' : safeNext(form['next']), 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return anon(req, reply, (t) => t('로그인', 'Log in'), '/portal/login', (t) => loginBody(t, form, safeNext(form['next'])), e.status, composeMessage(e));
    }
  });
  app.get('/portal/login/code', hide, async (req, reply) => {
    const token = sessionToken(req);
    const s = await resolveSession(ctx, token);
    if (!token || !s?.mfaPending) return reply.redirect('/portal/login', 303);
    return anon(req, reply, (t) => t('보안로그인', 'Secure login'), '/portal/login/code', (t) => codeBody(t, csrfTokenFor(ctx, token)));
  });
  app.post('/portal/login/code', hide, async (req, reply) => {
    const form = formOf(req);
    try {
      await completeLoginCode(ctx, req, reply, form);
      return reply.redirect('/portal/mypage/profile', 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.redirect('/portal/login', 303);
      const token = sessionToken(req)!;
        return anon(req, reply, (t) => t('보안로그인', 'Secure login'), '/portal/login/code', (t) => codeBody(t, csrfTokenFor(ctx, token)), e.status, composeMessage(e));
    }
  });
  app.get('/portal/signup', hide, (req, reply) => anon(req, reply, (t) => t('회원가입', 'Sign up'), '/portal/signup', (t) => signupBody(t, {})));
  app.post('/portal/signup', hide, async (req, reply) => {
    const form = formOf(req);
    try {
      assertSameOrigin(req);
      await signUp(ctx, { kind: 'anonymous', ip: clientIp(req) }, form);
      return reply.redirect('/portal/login?done=signup', 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return anon(req, reply, (t) => t('회원가입', 'Sign up'), '/portal/signup', (t) => signupBody(t, form), e.status, composeMessage(e));
    }
  });
  app.post('/portal/logout', hide, async (req, reply) => {
    const token = sessionToken(req);
    if (token) {
      try {
        assertCsrf(ctx, req, token, formOf(req)['_csrf']);
      } catch {
        return reply.redirect('/portal', 303);
      }
    }
    await logout(ctx, req, reply);
    return reply.redirect('/portal/login?done=logout', 303);
  });}
