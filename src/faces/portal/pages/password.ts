/** 비밀번호변경: the current password, then the new one twice; other sessions end. */
import { html } from '../../html.ts';
import { csrfField } from '../layout.ts';
import { field, type UserPage } from '../page-kit.ts';
import { changePassword } from '../../../modules/accounts/change-password.ts';

export const passwordPage: UserPage = {
  path: '/portal/mypage/password',
  title: (t) => t('비밀번호변경', 'Change password'),
  render: async ({ call, t }) => html`<h1>${t('비밀번호변경', 'Change password')}</h1>
<form method="post" class="stack">${csrfField(call.csrfToken)}
${field('currentPassword', t('현재 비밀번호', 'Current password'), { type: 'password', required: true, autocomplete: 'current-password' })}
${field('newPassword', t('새 비밀번호', 'New password'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('8~64자, 영문과 숫자 또는 특수문자를 섞어 주세요', '8–64 characters mixing letters with digits or symbols') })}
${field('newPasswordConfirm', t('새 비밀번호 확인', 'Confirm new password'), { type: 'password', required: true, autocomplete: 'new-password' })}
<p><button type="submit">${t('변경', 'Change')}</button></p></form>`,
  actions: [
    {
      path: '/portal/mypage/password',
      run: async (ctx, call, form) => {
        await changePassword(ctx, call.actor, { input: form, keepSessionToken: call.token });
        return '/portal/mypage/password?done=password';
      },
    },
  ],
};
