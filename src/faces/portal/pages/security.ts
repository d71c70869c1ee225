/** 보안로그인: set up (QR code, first code, recovery codes shown once), or turn off with the password and a code. */
import { html, raw } from '../../html.ts';
import { csrfField } from '../layout.ts';
import { field, type UserPage } from '../page-kit.ts';
import { countRecoveryCodes } from '../../../modules/accounts/count-recovery-codes.ts';
import { getPendingSecondFactor } from '../../../modules/accounts/get-pending-second-factor.ts';
import { startSecondFactor } from '../../../modules/accounts/start-second-factor.ts';
import { enableSecondFactor } from '../../../modules/accounts/enable-second-factor.ts';
import { disableSecondFactor } from '../../../modules/accounts/disable-second-factor.ts';

export const securityPage: UserPage = {
  path: '/portal/mypage/security',
  title: (t) => t('보안로그인', 'Secure login'),
  render: async ({ call, t, extra }, ctx) => {
    const h1 = html`<h1>${t('보안로그인', 'Secure login')}</h1>`;
    const codes = extra['recoveryCodes'] as string[] | undefined;
    if (codes) {
      return html`${h1}<p class="ok" role="status">${t('보안로그인을 사용합니다. 아래 복구 코드를 안전한 곳에 보관하세요. 다시 볼 수 없습니다.', 'Secure login is on. Keep these recovery codes somewhere safe: they are shown only now.')}</p>
<ul id="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul><p><a class="button" href="/portal/mypage/security">${t('확인', 'Done')}</a></p>`;
    }
    if (call.user.totpEnabled) {
      const left = await countRecoveryCodes(ctx, call.user.id);
      return html`${h1}<p class="state">${t('보안로그인(OTP)을 사용 중입니다.', 'Secure login (OTP) is on.')}</p>
<p class="muted">${t(`남은 복구 코드: ${left}개`, `Recovery codes left: ${left}`)}</p>
<h2>${t('보안로그인 해제', 'Turn off')}</h2>
<form method="post" action="/portal/mypage/security/disable" class="stack">${csrfField(call.csrfToken)}
${field('password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'current-password' })}
${field('code', t('인증 코드 또는 복구 코드', 'Code or recovery code'), { required: true, autocomplete: 'one-time-code', inputmode: 'numeric' })}
<p><button type="submit" class="danger">${t('해제', 'Turn off')}</button></p></form>`;
    }
    const pending = await getPendingSecondFactor(ctx, call.user.id);
    if (!pending) {
      return html`${h1}<p>${t('보안로그인을 사용하면 로그인할 때 비밀번호와 함께 인증 앱(Google Authenticator 등)의 6자리 코드를 입력합니다.', 'With secure login you enter a 6-digit code from an authenticator app after your password.')}</p>
<form method="post" action="/portal/mypage/security/start">${csrfField(call.csrfToken)}<button type="submit">${t('보안로그인 설정 시작', 'Set up secure login')}</button></form>`;
    }
    return html`${h1}<ol><li>${t('인증 앱으로 QR 코드를 스캔하세요.', 'Scan the QR code with your authenticator app.')}</li><li>${t('앱에 표시된 6자리 코드를 입력하세요.', 'Enter the 6-digit code it shows.')}</li></ol>
<div class="qr" role="img" aria-label="${t('보안로그인 QR 코드', 'Secure login QR code')}">${raw(pending.qrSvg)}</div>
<p>${t('QR 코드를 쓸 수 없으면 이 키를 직접 입력하세요', 'Cannot scan? Enter this key')}: <code id="totp-secret">${pending.secret}</code></p>
<form method="post" action="/portal/mypage/security/confirm" class="stack">${csrfField(call.csrfToken)}
${field('code', t('인증 코드', 'Code'), { required: true, autocomplete: 'one-time-code', inputmode: 'numeric' })}
<p><button type="submit">${t('확인하고 사용', 'Verify and turn on')}</button></p></form>`;
  },
  actions: [
    {
      path: '/portal/mypage/security/start',
      run: async (ctx, call) => {
        await startSecondFactor(ctx, call.actor);
        return '/portal/mypage/security';
      },
    },
    // the recovery codes are rendered in the answer to this post, once: never stored where a refresh could show them
    { path: '/portal/mypage/security/confirm', run: async (ctx, call, form) => ({ render: { recoveryCodes: (await enableSecondFactor(ctx, call.actor, form)).recoveryCodes } }) },
    {
      path: '/portal/mypage/security/disable',
      run: async (ctx, call, form) => {
        await disableSecondFactor(ctx, call.actor, form);
        return '/portal/mypage/security?done=totp_off';
      },
    },
  ],
};
