/**
 * The member web (/member): login (business number + ID + password, then the 보안로그인 code when on), the choice of
 * subscription, logout, password reset by mail, and every screen listed in pages/index.ts with the layout, the menu,
 * CSRF on POST and field errors beside the fields. Registered by the composition root. Thin: every decision is a
 * module's (modules/member-web/*, the documents use cases).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../platform/errors.ts';
import { logInMember } from '../../modules/member-web/log-in-member.ts';
import { completeMemberLogIn } from '../../modules/member-web/complete-member-log-in.ts';
import { chooseMemberSubscription } from '../../modules/member-web/choose-member-subscription.ts';
import { listMemberSubscriptions } from '../../modules/member-web/member-subscriptions.ts';
import { destroyMemberSession, memberCsrfTokenFor, resolveMemberSession } from '../../modules/member-web/member-sessions.ts';
import { requestPasswordReset, resetPassword } from '../../modules/member-web/password-reset.ts';
import { getMemberProfile } from '../../modules/member-web/get-member-profile.ts';
import { MEMBER_JS } from './member-assets.ts';
import { html, translator, type Lang, type Raw, type T } from '../html.ts';
import {
  assertMemberCsrf,
  assertSameOrigin,
  clearMemberCookie,
  clientIp,
  fieldsOf,
  langOf,
  memberToken,
  queryText,
  requireMember,
  setMemberCookie,
  SubscriptionChoiceNeeded,
  type MemberCall,
} from './member-http.ts';
import { layout } from './member-layout.ts';
import { csrfField, field, type Form, type MemberPage } from './member-kit.ts';
import { errorsOf, renderScreen, type ScreenState } from './member-screen.ts';
import { sendHtml } from '../security-headers.ts';
import { MEMBER_PAGES } from './pages/index.ts';

/** application/x-www-form-urlencoded → an object; a repeated name → an array. */
function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const cur = out[k];
    out[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
  }
  return out;
}

const urlOf = (req: FastifyRequest) => req.url;

export function memberPlugin(opts: { ctx: Ctx; pages?: MemberPage[] }) {
  const { ctx } = opts;
  const pages = opts.pages ?? MEMBER_PAGES;

  return async function member(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => {
      try {
        done(null, parseForm(String(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    await app.register(import('@fastify/multipart'), { limits: { fileSize: 10 * 1024 * 1024, files: 2, fields: 40 }, throwFileSizeLimit: true });

    app.get('/member/assets/member.js', { schema: { hide: true } }, (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(MEMBER_JS),
    );

    const bare = (reply: FastifyReply, status: number, lang: Lang, url: string, title: string, body: Raw, extra: { error?: string | undefined; done?: string | undefined } = {}) =>
      sendHtml(reply, status, layout({ lang, url, title, body, ...extra }));

    // ---- login ---------------------------------------------------------------------------------------------
    const loginForm = (t: T, v: { form: Form; errors: Record<string, string> }) => html`<div class="login">
<h1>${t('회원 로그인', 'Member login')}</h1>
<p class="muted">${t('서비스 신청 때 등록한 사업자번호, 아이디, 비밀번호로 로그인합니다.', 'Log in with the business number, ID and password of your service application.')}</p>
<form class="stack" method="post" action="/member/login">
${field(v, 'bizno', t('사업자등록번호', 'Business number'), { required: true, inputmode: 'numeric', autocomplete: 'username', hint: t('숫자 10자리 (- 없이도 됩니다)', '10 digits') })}
${field(v, 'loginId', t('아이디', 'ID'), { required: true, autocomplete: 'username' })}
${field(v, 'password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'current-password' })}
<p><button type="submit">${t('로그인', 'Log in')}</button></p>
</form>
<p><a href="/member/forgot">${t('비밀번호를 잊으셨나요?', 'Forgot your password?')}</a></p>
</div>`;

    app.get('/member', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req, reply);
      const t = translator(lang);
      const s = await resolveMemberSession(ctx, memberToken(req));
      if (s && !s.mfaPending) return reply.code(303).header('location', s.subscriptionId === null ? '/member/subscriptions' : '/member/sales').send();
      const done = queryText(req, 'done');
      const doneText = done === 'logout' ? t('로그아웃했습니다.', 'Logged out.') : done === 'reset' ? t('비밀번호를 바꿨습니다. 새 비밀번호로 로그인하세요.', 'Password changed. Log in with the new one.') : undefined;
      return bare(reply, 200, lang, urlOf(req), t('회원 로그인', 'Member login'), loginForm(t, { form: {}, errors: {} }), { done: doneText });
    });

    app.post('/member/login', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req);
      const t = translator(lang);
      const form = fieldsOf(req.body);
      try {
        assertSameOrigin(req);
        const r = await logInMember(ctx, { input: form, ip: clientIp(req), userAgent: req.headers['user-agent'], previousToken: memberToken(req) });
        setMemberCookie(ctx, req, reply, r.session.token, r.session.maxAgeMs);
        const s = await resolveMemberSession(ctx, r.session.token);
        return reply.code(303).header('location', r.mfaRequired ? '/member/login/code' : s?.subscriptionId == null ? '/member/subscriptions' : '/member/sales').send();
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        const { errors, top } = errorsOf(e, t);
        return bare(reply, e.status, lang, '/member', t('회원 로그인', 'Member login'), loginForm(t, { form: { bizno: form['bizno'], loginId: form['loginId'] }, errors }), { error: top });
      }
    });

    const codeForm = (t: T, csrf: string, errors: Record<string, string>) => html`<div class="login"><h1>${t('보안로그인', 'Secure login')}</h1>
<p>${t('인증 앱에 표시된 6자리 코드를 입력하세요.', 'Enter the 6-digit code your authenticator app shows.')}</p>
<form class="stack" method="post" action="/member/login/code">${csrfField(csrf)}
${field({ form: {}, errors }, 'code', t('인증 코드', 'Code'), { required: true, inputmode: 'numeric', autocomplete: 'one-time-code' })}
<p><button type="submit">${t('확인', 'Confirm')}</button></p></form></div>`;

    app.get('/member/login/code', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req, reply);
      const t = translator(lang);
      const token = memberToken(req);
      const s = await resolveMemberSession(ctx, token);
      if (!token || !s?.mfaPending) return reply.code(303).header('location', '/member').send();
      return bare(reply, 200, lang, urlOf(req), t('보안로그인', 'Secure login'), codeForm(t, memberCsrfTokenFor(ctx, token), {}));
    });

    app.post('/member/login/code', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req);
      const t = translator(lang);
      const form = fieldsOf(req.body);
      const token = memberToken(req);
      try {
        if (!token) throw new AppError('unauthenticated', '로그인을 다시 시작하세요 (start the login again)', { field: 'session' });
        assertMemberCsrf(ctx, req, token, form['_csrf']);
        const s = await completeMemberLogIn(ctx, { pendingToken: token, input: form, ip: clientIp(req), userAgent: req.headers['user-agent'] });
        setMemberCookie(ctx, req, reply, s.token, s.maxAgeMs);
        const now = await resolveMemberSession(ctx, s.token);
        return reply.code(303).header('location', now?.subscriptionId == null ? '/member/subscriptions' : '/member/sales').send();
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        if (e.code === 'unauthenticated') return reply.code(303).header('location', '/member').send();
        const { errors, top } = errorsOf(e, t);
        return bare(reply, e.status, lang, '/member/login/code', t('보안로그인', 'Secure login'), codeForm(t, memberCsrfTokenFor(ctx, token!), errors), { error: top });
      }
    });

    // ---- subscription choice --------------------------------------------------------------------------------
    app.get('/member/subscriptions', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req, reply);
      const t = translator(lang);
      const token = memberToken(req);
      const s = await resolveMemberSession(ctx, token);
      if (!token || !s || s.mfaPending) return reply.code(303).header('location', '/member').send();
      const subs = await listMemberSubscriptions(ctx, s.memberId);
      const profile = await getMemberProfile(ctx, s.memberId);
      const csrf = memberCsrfTokenFor(ctx, token);
      const body = html`<h1>${t('서비스 선택', 'Choose a subscription')}</h1>
<p>${profile.comName} (${profile.bizno}) · ${profile.loginId}</p>
${subs.length === 0 ? html`<p class="alert">${t('신청된 서비스가 없습니다.', 'No subscription.')}</p>` : ''}
<table><thead><tr><th>${t('신청번호', 'Subscription')}</th><th>${t('패키지', 'Package')}</th><th>${t('상태', 'State')}</th><th>${t('기간', 'Period')}</th><th></th></tr></thead><tbody>
${subs.map((x) => html`<tr><td>${x.subscriptionId}</td><td>${x.packageName}</td><td>${x.usable ? t('사용 중', 'active') : x.state}</td><td>${x.startDate} ~ ${x.endDate ?? ''}</td><td>${x.usable ? html`<form method="post" action="/member/subscriptions">${csrfField(csrf)}<input type="hidden" name="subscriptionId" value="${x.subscriptionId}"><button type="submit"${s.subscriptionId === x.subscriptionId ? ' class="secondary"' : ''}>${s.subscriptionId === x.subscriptionId ? t('선택됨', 'Chosen') : t('선택', 'Choose')}</button></form>` : ''}</td></tr>`)}
</tbody></table>
<form method="post" action="/member/logout">${csrfField(csrf)}<button type="submit" class="secondary">${t('로그아웃', 'Log out')}</button></form>`;
      return bare(reply, 200, lang, urlOf(req), t('서비스 선택', 'Choose a subscription'), body);
    });

    app.post('/member/subscriptions', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req);
      const t = translator(lang);
      const form = fieldsOf(req.body);
      const token = memberToken(req);
      try {
        const s = await resolveMemberSession(ctx, token);
        if (!token || !s || s.mfaPending) throw new AppError('unauthenticated', '로그인이 필요합니다 (login required)', { field: 'session' });
        assertMemberCsrf(ctx, req, token, form['_csrf']);
        await chooseMemberSubscription(ctx, s, form);
        return reply.code(303).header('location', '/member/sales?done=chosen').send();
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        if (e.code === 'unauthenticated') return reply.code(303).header('location', '/member').send();
        return bare(reply, e.status, lang, '/member/subscriptions', t('서비스 선택', 'Choose a subscription'), html`<p><a href="/member/subscriptions">${t('다시 선택', 'Choose again')}</a></p>`, { error: errorsOf(e, t).errors['subscriptionId'] ?? errorsOf(e, t).top });
      }
    });

    app.post('/member/logout', { schema: { hide: true } }, async (req, reply) => {
      const token = memberToken(req);
      try {
        if (token) assertMemberCsrf(ctx, req, token, fieldsOf(req.body)['_csrf']);
      } catch (err) {
        const e = toAppError(err);
        return bare(reply, e.status, langOf(req), '/member', 'Hanbill', html``, { error: composeMessage(e) });
      }
      await destroyMemberSession(ctx, token);
      clearMemberCookie(ctx, req, reply);
      return reply.code(303).header('location', '/member?done=logout').send();
    });

    // ---- password reset by mail -----------------------------------------------------------------------------
    const forgotForm = (t: T, v: { form: Form; errors: Record<string, string> }) => html`<div class="login"><h1>${t('비밀번호 재설정', 'Reset password')}</h1>
<p>${t('사업자번호와 아이디를 입력하면 등록된 메일 주소로 재설정 링크를 보냅니다 (30분, 한 번만 사용).', 'Enter your business number and ID: a reset link (30 minutes, once) goes to your registered e-mail address.')}</p>
<form class="stack" method="post" action="/member/forgot">
${field(v, 'bizno', t('사업자등록번호', 'Business number'), { required: true, inputmode: 'numeric' })}
${field(v, 'loginId', t('아이디', 'ID'), { required: true })}
<p><button type="submit">${t('재설정 메일 받기', 'Send the reset mail')}</button></p></form>
<p><a href="/member">${t('로그인으로', 'Back to login')}</a></p></div>`;

    app.get('/member/forgot', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req, reply);
      const t = translator(lang);
      return bare(reply, 200, lang, urlOf(req), t('비밀번호 재설정', 'Reset password'), forgotForm(t, { form: {}, errors: {} }));
    });

    app.post('/member/forgot', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req);
      const t = translator(lang);
      const form = fieldsOf(req.body);
      try {
        assertSameOrigin(req);
        await requestPasswordReset(ctx, form);
        return bare(reply, 200, lang, '/member/forgot', t('비밀번호 재설정', 'Reset password'), html`<div class="login"><h1>${t('비밀번호 재설정', 'Reset password')}</h1><p><a href="/member">${t('로그인으로', 'Back to login')}</a></p></div>`, {
          done: t('회원 정보가 맞으면 등록된 메일 주소로 재설정 링크를 보냈습니다.', 'If the member exists, a reset link went to its registered e-mail address.'),
        });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        const { errors, top } = errorsOf(e, t);
        return bare(reply, e.status, lang, '/member/forgot', t('비밀번호 재설정', 'Reset password'), forgotForm(t, { form, errors }), { error: top });
      }
    });

    const resetForm = (t: T, token: string, errors: Record<string, string>) => html`<div class="login"><h1>${t('새 비밀번호', 'New password')}</h1>
<form class="stack" method="post" action="/member/reset"><input type="hidden" name="token" value="${token}">
${errors['token'] ? html`<p class="field-error">${errors['token']}</p>` : ''}
${field({ form: {}, errors }, 'newPassword', t('새 비밀번호', 'New password'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('8~64자', '8 to 64 characters') })}
${field({ form: {}, errors }, 'newPasswordConfirm', t('새 비밀번호 확인', 'Confirm'), { type: 'password', required: true, autocomplete: 'new-password' })}
<p><button type="submit">${t('비밀번호 바꾸기', 'Change password')}</button></p></form></div>`;

    app.get('/member/reset', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req, reply);
      const t = translator(lang);
      reply.header('referrer-policy', 'no-referrer');
      return bare(reply, 200, lang, '/member/reset', t('새 비밀번호', 'New password'), resetForm(t, queryText(req, 'token') ?? '', {}));
    });

    app.post('/member/reset', { schema: { hide: true } }, async (req, reply) => {
      const lang = langOf(req);
      const t = translator(lang);
      const form = fieldsOf(req.body);
      try {
        assertSameOrigin(req);
        await resetPassword(ctx, form);
        return reply.code(303).header('location', '/member?done=reset').send();
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        const { errors, top } = errorsOf(e, t);
        return bare(reply, e.status, lang, '/member/reset', t('새 비밀번호', 'New password'), resetForm(t, typeof form['token'] === 'string' ? form['token'] : '', errors), { error: top });
      }
    });

    // ---- the screens ----------------------------------------------------------------------------------------
    const render = (req: FastifyRequest, reply: FastifyReply, p: MemberPage, call: MemberCall, status: number, state: ScreenState) => renderScreen(ctx, req, reply, pages, p, call, status, state);

    const failPage = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
      if (err instanceof SubscriptionChoiceNeeded) return reply.code(303).header('location', '/member/subscriptions').send();
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated' && req.method === 'GET') return reply.code(303).header('location', '/member').send();
      // the chosen subscription was suspended, terminated or expired since: choose again
      if ((e.code === 'subscription_inactive' || e.code === 'subscription_not_found') && e.field === 'subscriptionId' && req.method === 'GET') return reply.code(303).header('location', '/member/subscriptions').send();
      const lang = langOf(req);
      const t = translator(lang);
      // no screen here to mark the field on: name it in the message (a bad query value of a page's render)
      const { errors, top } = errorsOf(e, t);
      const named = Object.entries(errors)[0];
      return bare(reply, e.status, lang, urlOf(req), e.status === 404 ? t('찾을 수 없습니다', 'Not found') : t('처리할 수 없습니다', 'Cannot be done'), html`<p><a href="/member/sales">${t('매출 문서함으로', 'To the sales ledger')}</a></p>`, { error: named ? `${named[0]}: ${named[1]}` : top });
    };

    for (const p of pages) {
      app.get(p.path, { schema: { hide: true } }, async (req, reply) => {
        try {
          const call = await requireMember(ctx, req, { reply });
          return await render(req, reply, p, call, 200, { params: fieldsOf(req.params) as Record<string, string> });
        } catch (err) {
          return failPage(req, reply, err);
        }
      });
      for (const a of p.actions ?? []) {
        app.post(a.path, { schema: { hide: true } }, async (req, reply) => {
          const form = fieldsOf(req.body);
          const params = fieldsOf(req.params) as Record<string, string>;
          let call: MemberCall;
          try {
            call = await requireMember(ctx, req, { formCsrf: form['_csrf'] });
          } catch (err) {
            return failPage(req, reply, err);
          }
          try {
            const r = await a.run(ctx, call, form, req, reply, params);
            if (reply.sent) return reply;
            if (typeof r === 'string') return reply.code(303).header('location', r).send();
            return await render(req, reply, p, call, 200, { form, extra: r.render, params });
          } catch (err) {
            const e = toAppError(err);
            if (e.code === 'internal') throw err;
            const { errors, top } = errorsOf(e, call.t);
            return render(req, reply, p, call, e.status, { form, errors, error: top, params });
          }
        });
      }
      p.routes?.(app, ctx);
    }
  };
}
