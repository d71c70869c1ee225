/** 회원탈퇴: with the password; the member is logged out at once. */
import { html } from '../../html.ts';
import { csrfField } from '../layout.ts';
import { field, type UserPage } from '../page-kit.ts';
import { logout } from '../auth-flow.ts';
import { withdraw } from '../../../modules/accounts/withdraw.ts';

export const withdrawPage: UserPage = {
  path: '/portal/mypage/withdraw',
  title: (t) => t('회원탈퇴', 'Withdraw'),
  render: async ({ call, t }) => html`<h1>${t('회원탈퇴', 'Withdraw')}</h1>
<p>${t('탈퇴하면 개인정보가 삭제되고 다시 로그인할 수 없습니다. 아이디는 재사용할 수 없습니다.', 'Your personal data is erased and you can no longer log in. The ID cannot be reused.')}</p>
<form method="post" class="stack" data-confirm="${t('정말 탈퇴할까요?', 'Really close your account?')}">${csrfField(call.csrfToken)}
${field('password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'current-password' })}
<p><button type="submit" class="danger">${t('회원탈퇴', 'Withdraw')}</button></p></form>`,
  actions: [
    {
      path: '/portal/mypage/withdraw',
      run: async (ctx, call, form, req, reply) => {
        await withdraw(ctx, call.actor, form);
        await logout(ctx, req, reply);
        return '/portal/login?done=withdrawn';
      },
    },
  ],
};
