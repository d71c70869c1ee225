/** 기업회원전환: an individual member requests (or cancels) the conversion to a company member. */
import { html } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { field, str, type UserPage } from '../page-kit.ts';
import { getLatestConversion } from '../../../modules/accounts/get-latest-conversion.ts';
import { requestCompanyConversion } from '../../../modules/accounts/request-company-conversion.ts';
import { cancelCompanyConversion } from '../../../modules/accounts/cancel-company-conversion.ts';

export const companyPage: UserPage = {
  path: '/portal/mypage/company',
  title: (t) => t('기업회원전환', 'Company conversion'),
  render: async ({ call, t, form }, ctx) => {
    const c = await getLatestConversion(ctx, call.user.id);
    const stateText: Record<string, string> = {
      pending: t('기업회원전환 신청이 관리자 승인 대기 중입니다.', 'Your conversion request is waiting for an operator.'),
      approved: t('기업회원으로 전환되었습니다.', 'You are a company member.'),
      rejected: t('기업회원전환 신청이 반려되었습니다.', 'Your conversion request was rejected.'),
      cancelled: t('기업회원전환 신청을 취소했습니다.', 'You cancelled your conversion request.'),
    };
    const status = c ? html`<p class="state" role="status">${stateText[c.state]}</p>
<table><tbody><tr><th scope="row">${t('신청일', 'Requested')}</th><td>${kst(c.createdAt)}</td></tr>
<tr><th scope="row">${t('사업자등록번호', 'Business no.')}</th><td>${c.bizno}</td></tr><tr><th scope="row">${t('상호', 'Company')}</th><td>${c.comName}</td></tr>
${c.reason ? html`<tr><th scope="row">${t('반려 사유', 'Reason')}</th><td>${c.reason}</td></tr>` : ''}</tbody></table>` : '';
    if (call.user.kind === 'company') return html`<h1>${t('기업회원전환', 'Company conversion')}</h1><p class="state">${t('기업회원으로 전환되었습니다.', 'You are a company member.')}</p>
<p><a href="/portal/mypage/api-service">${t('API 연동 서비스 신청하기', 'Apply for the API service')}</a></p>`;
    if (c?.state === 'pending') {
      return html`<h1>${t('기업회원전환', 'Company conversion')}</h1>${status}
<form method="post" action="/portal/mypage/company/cancel" data-confirm="${t('신청을 취소할까요?', 'Cancel the request?')}">${csrfField(call.csrfToken)}<button type="submit" class="secondary">${t('신청취소', 'Cancel request')}</button></form>`;
    }
    return html`<h1>${t('기업회원전환', 'Company conversion')}</h1>${status}
<p>${t('개인회원은 기업회원전환 신청 후 관리자 승인이 완료되면 기업회원으로 전환되어 연동 API 서비스를 신청할 수 있습니다.', 'After an operator approves the conversion you become a company member and can apply for the API service.')}</p>
<form method="post" class="stack">${csrfField(call.csrfToken)}
${field('bizno', t('사업자등록번호', 'Business registration no.'), { value: str(form, 'bizno'), required: true, inputmode: 'numeric', hint: t('10자리 숫자 (- 포함 가능)', '10 digits, hyphens allowed') })}
${field('comName', t('상호', 'Company name'), { value: str(form, 'comName'), required: true, autocomplete: 'organization' })}
${field('ceoName', t('대표자', 'CEO'), { value: str(form, 'ceoName'), required: true })}
${field('uptae', t('업태', 'Business type'), { value: str(form, 'uptae') })}
${field('jongmok', t('종목', 'Business item'), { value: str(form, 'jongmok') })}
${field('addr', t('주소', 'Address'), { value: str(form, 'addr'), autocomplete: 'street-address' })}
${field('tel', t('대표 전화', 'Phone'), { type: 'tel', value: str(form, 'tel') })}
<p><button type="submit">${t('기업회원전환 신청', 'Request conversion')}</button></p></form>`;
  },
  actions: [
    {
      path: '/portal/mypage/company',
      run: async (ctx, call, form) => {
        await requestCompanyConversion(ctx, call.actor, form);
        return '/portal/mypage/company?done=conversion';
      },
    },
    {
      path: '/portal/mypage/company/cancel',
      run: async (ctx, call) => {
        await cancelCompanyConversion(ctx, call.actor);
        return '/portal/mypage/company?done=conversion_cancelled';
      },
    },
  ],
};
