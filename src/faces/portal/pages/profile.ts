/** 회원정보: a member's account at a glance, and the form to change name, e-mail and mobile. */
import { html } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { field, str, type UserPage } from '../page-kit.ts';
import { updateProfile } from '../../../modules/accounts/update-profile.ts';

export const profilePage: UserPage = {
  path: '/portal/mypage/profile',
  title: (t) => t('회원정보', 'Member info'),
  render: async ({ call, t, form }) => {
    const u = call.user;
    return html`<h1>${t('회원정보', 'Member info')}</h1>
<table><tbody>
<tr><th scope="row">${t('아이디', 'Login ID')}</th><td>${u.loginId}</td></tr>
<tr><th scope="row">${t('회원 구분', 'Member type')}</th><td>${u.kind === 'company' ? t('기업회원', 'Company member') : t('개인회원', 'Individual member')}</td></tr>
${u.company ? html`<tr><th scope="row">${t('상호', 'Company')}</th><td>${u.company.comName} (${u.company.bizno})</td></tr><tr><th scope="row">${t('대표자', 'CEO')}</th><td>${u.company.ceoName}</td></tr>` : ''}
<tr><th scope="row">${t('연동 API 서비스', 'API service')}</th><td>${u.partner ? (u.partner.state === 'active' ? t('이용 중', 'active') : t('정지됨', 'suspended')) : t('미신청', 'not approved')}</td></tr>
<tr><th scope="row">${t('가입일', 'Joined')}</th><td>${kst(u.createdAt)}</td></tr>
</tbody></table>
<h2>${t('정보 변경', 'Edit')}</h2>
<form method="post" class="stack">${csrfField(call.csrfToken)}
${field('name', t('이름', 'Name'), { value: str(form, 'name') || u.name, required: true, autocomplete: 'name' })}
${field('email', t('이메일', 'E-mail'), { type: 'email', value: str(form, 'email') || u.email, required: true, autocomplete: 'email' })}
${field('phone', t('휴대전화', 'Mobile'), { type: 'tel', value: str(form, 'phone') || u.phone, autocomplete: 'tel' })}
<p><button type="submit">${t('저장', 'Save')}</button></p></form>`;
  },
  actions: [
    {
      path: '/portal/mypage/profile',
      run: async (ctx, call, form) => {
        await updateProfile(ctx, call.actor, form);
        return '/portal/mypage/profile?done=profile';
      },
    },
  ],
};
