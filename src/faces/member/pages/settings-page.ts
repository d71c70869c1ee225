/** 설정: the member's details, password change (current password required) and 보안로그인 (TOTP) on / off. */
import { changeMemberPassword } from '../../../modules/member-web/change-member-password.ts';
import { disableMemberSecondFactor, enableMemberSecondFactor, pendingMemberEnrolment, startMemberSecondFactor } from '../../../modules/member-web/member-second-factor.ts';
import { html, raw } from '../../html.ts';
import { csrfField, field, type MemberPage } from '../member-kit.ts';

export const settingsPage: MemberPage = {
  path: '/member/settings',
  title: (t) => t('설정', 'Settings'),
  menu: { order: 90, label: (t) => t('설정', 'Settings') },
  done: {
    password: (t) => t('비밀번호를 바꿨습니다. 다른 기기의 로그인은 종료되었습니다.', 'Password changed. Other sessions were ended.'),
    totp_on: (t) => t('보안로그인을 켰습니다. 다음 로그인부터 인증 코드를 묻습니다.', 'Secure login is on: the next login asks for a code.'),
    totp_off: (t) => t('보안로그인을 껐습니다.', 'Secure login is off.'),
  },
  async render(ctx, v) {
    const { t, call } = v;
    const m = call.member;
    const enrol = (v.extra['enrolment'] as { secret: string; qrSvg: string } | undefined) ?? (v.errors['code'] && !m.totpOn ? await pendingMemberEnrolment(ctx, m.id) : undefined);
    const totp = m.totpOn
      ? html`<p>${t('보안로그인 사용 중입니다.', 'Secure login is on.')}</p>
<form class="stack" method="post" action="/member/settings/totp/off">${csrfField(call.csrfToken)}
${field(v, 'currentPassword', t('현재 비밀번호', 'Current password'), { type: 'password', required: true, autocomplete: 'current-password' })}
${field(v, 'code', t('인증 코드', 'Code'), { required: true, inputmode: 'numeric', autocomplete: 'one-time-code' })}
<p><button type="submit" class="danger">${t('보안로그인 끄기', 'Turn secure login off')}</button></p></form>`
      : enrol
        ? html`<p>${t('인증 앱(Google Authenticator 등)으로 QR 코드를 찍거나 아래 키를 입력한 뒤, 표시된 6자리 코드를 입력하세요.', 'Scan the QR code with an authenticator app (or type the key), then enter the 6-digit code it shows.')}</p>
<div class="qr">${raw(enrol.qrSvg)}</div><p><code id="totp-secret">${enrol.secret}</code></p>
<form class="stack" method="post" action="/member/settings/totp/on">${csrfField(call.csrfToken)}
${field(v, 'code', t('인증 코드', 'Code'), { required: true, inputmode: 'numeric', autocomplete: 'one-time-code' })}
<p><button type="submit">${t('보안로그인 켜기', 'Turn secure login on')}</button></p></form>`
        : html`<p>${t('보안로그인을 켜면 로그인할 때 비밀번호와 함께 인증 앱의 코드를 묻습니다.', 'With secure login on, login also asks for a code from an authenticator app.')}</p>
<form method="post" action="/member/settings/totp/start">${csrfField(call.csrfToken)}<button type="submit">${t('보안로그인 설정 시작', 'Set up secure login')}</button></form>
${v.errors['code'] ? html`<p class="field-error">${v.errors['code']}</p>` : ''}`;
    return html`<h1>${t('설정', 'Settings')}</h1>
<h2>${t('회원 정보', 'Member')}</h2>
<table><tbody>
<tr><th>${t('상호', 'Company')}</th><td>${m.comName}</td><th>${t('사업자등록번호', 'Business number')}</th><td>${m.bizno}${m.subBizno ? ` / ${m.subBizno}` : ''}</td></tr>
<tr><th>${t('아이디', 'ID')}</th><td>${m.loginId}</td><th>${t('담당자', 'Contact')}</th><td>${m.userName} · ${m.email}</td></tr>
<tr><th>${t('서비스(신청번호)', 'Subscription')}</th><td>${call.tenant.subscriptionId} <a href="/member/subscriptions">${t('전환', 'switch')}</a></td><th></th><td></td></tr>
</tbody></table>
<h2 id="password">${t('비밀번호 변경', 'Change password')}</h2>
<p class="muted">${t('이 비밀번호는 API 호출의 회원 비밀번호이기도 합니다.', 'This password is also the member password of API calls.')}</p>
<form class="stack" method="post" action="/member/settings/password">${csrfField(call.csrfToken)}
${field(v, 'currentPassword', t('현재 비밀번호', 'Current password'), { type: 'password', required: true, autocomplete: 'current-password' })}
${field(v, 'newPassword', t('새 비밀번호', 'New password'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('8~64자', '8 to 64 characters') })}
${field(v, 'newPasswordConfirm', t('새 비밀번호 확인', 'Confirm new password'), { type: 'password', required: true, autocomplete: 'new-password' })}
<p><button type="submit">${t('비밀번호 변경', 'Change password')}</button></p></form>
<h2 id="totp">${t('보안로그인 (OTP)', 'Secure login (OTP)')}</h2>
${totp}`;
  },
  actions: [
    {
      path: '/member/settings/password',
      run: async (ctx, call, form) => {
        await changeMemberPassword(ctx, call.member.id, form, call.token);
        return '/member/settings?done=password';
      },
    },
    {
      path: '/member/settings/totp/start',
      run: async (ctx, call) => ({ render: { enrolment: await startMemberSecondFactor(ctx, call.member.id) } }),
    },
    {
      path: '/member/settings/totp/on',
      run: async (ctx, call, form) => {
        await enableMemberSecondFactor(ctx, call.member.id, form);
        return '/member/settings?done=totp_on';
      },
    },
    {
      path: '/member/settings/totp/off',
      run: async (ctx, call, form) => {
        await disableMemberSecondFactor(ctx, call.member.id, form);
        return '/member/settings?done=totp_off';
      },
    },
  ],
};
