/** The member portal pages (server-rendered; forms post back and redirect; errors re-render the form). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError, toAppError } from '../../platform/errors.ts';
import { changePassword, signUp, updateProfile, withdraw } from '../../modules/portal/portal-users.ts';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp, pendingTotpEnrolment, remainingRecoveryCodes } from '../../modules/portal/second-factor.ts';
import { cancelConversion, latestConversion, requestConversion } from '../../modules/portal/company-conversion.ts';
import { applicationStatus, applyForApiService, cancelApplication, uploadApplicationDocument } from '../../modules/portal/api-applications.ts';
import {
  addApiKeyIp, deleteApiKey, issueApiKey, listApiKeys, MAX_IPS_PER_KEY, MAX_KEYS_PER_PARTNER, reissueApiKey, removeApiKeyIp, replaceApiKeyIps, setApiKeyEnabled,
} from '../../modules/portal/api-keys.ts';
import { csrfTokenFor, resolveSession, setSessionFlash, takeSessionFlash } from '../../modules/portal/sessions.ts';
import { html, raw, translator, type Lang, type Raw, type T } from './html.ts';
import { csrfField, kst, page } from './layout.ts';
import { assertCsrf, assertSameOrigin, clientIp, currentUser, langOf, partnerOf, requireUser, sessionToken, type UserCall } from './portal-http.ts';
import { completeLoginCode, loginUser, logout } from './auth-flow.ts';
import { readUpload } from './portal-rest-routes.ts';

type Form = Record<string, unknown>;
interface View {
  call: UserCall;
  t: T;
  lang: Lang;
  form: Form;
  extra: Record<string, unknown>;
}

export function doneMessage(t: T, code: string | undefined): string | undefined {
  const m: Record<string, string> = {
    signup: t('회원가입이 완료되었습니다. 로그인하세요.', 'Signed up. Please log in.'),
    profile: t('회원정보를 저장했습니다.', 'Member info saved.'),
    password: t('비밀번호를 변경했습니다. 다른 기기의 로그인은 종료되었습니다.', 'Password changed. Other sessions were ended.'),
    conversion: t('기업회원전환을 신청했습니다. 관리자 승인 후 기업회원으로 전환됩니다.', 'Conversion requested. An operator will review it.'),
    conversion_cancelled: t('기업회원전환 신청을 취소했습니다.', 'Conversion request cancelled.'),
    applied: t('연동 API 서비스 신청이 완료되었습니다.', 'API service application submitted.'),
    app_cancelled: t('연동 API 서비스 신청을 취소했습니다.', 'Application cancelled.'),
    uploaded: t('서류를 제출했습니다.', 'Document submitted.'),
    totp_off: t('보안로그인을 해제했습니다.', 'Secure login turned off.'),
    ips: t('IP 목록을 저장했습니다.', 'IP list saved.'),
    key_on: t('API Key를 사용(ON)으로 바꿨습니다.', 'API key switched ON.'),
    key_off: t('API Key를 사용 중지(OFF)했습니다.', 'API key switched OFF.'),
    key_deleted: t('API Key를 삭제했습니다. 이미 요청이 완료된 건은 처리되며, 이후 요청은 거부됩니다.', 'API key deleted. Accepted requests complete; later calls are refused.'),
    withdrawn: t('회원탈퇴가 처리되었습니다.', 'Your account was closed.'),
    logout: t('로그아웃했습니다.', 'Logged out.'),
  };
  return code ? m[code] : undefined;
}

const daysAgo = (t: T, d: Date | null, now: Date) => {
  if (!d) return t('사용 기록 없음', 'never used');
  const days = Math.floor((now.getTime() - d.getTime()) / 86_400_000);
  return t(`${days}일 전`, days === 1 ? '1 day ago' : `${days} days ago`);
};

/** The review notice of the seed (My Page > API 연동 서비스). */
export function reviewNotice(t: T): Raw {
  return html`<div class="notice"><ul>
<li>${t('API 서비스 사용 검토 기간은 신청일로부터 3~5 영업일이 소요 됩니다.', 'The review takes 3–5 business days from the application date.')}</li>
<li>${t('검토를 위한 별도 서류가 요구될 수 있으며, 반려될 경우 서비스 이용 신청이 제한됩니다. (반려일로부터 1년)', 'Extra documents may be requested; after a rejection a new application is not possible for one year from the rejection date.')}</li>
<li>${t('이용 요금은 후불로 결제 가능하며, 매월 세금계산서를 통해 일괄 청구됩니다.', 'Usage is billed postpaid, once a month, by tax invoice.')}</li>
<li>${t('이용 요금 결제 예정일은 세금계산서 발행일 기준 + 7일 이며, 미납될 경우 API 사용이 중지됩니다.', 'Payment is due 7 days after the tax invoice date; when unpaid, API use is suspended.')}</li>
<li>${t('세금계산서 발행 여부는 자동으로 변경 됩니다.', 'The tax invoice status is updated automatically.')}</li>
</ul></div>`;
}

export function keyNotice(t: T): Raw {
  return html`<div class="notice"><ul>
<li>${t('Access Key는 처음 발급 시, 1회만 노출되며 분실 시 API Key를 다시 발급 받아야 합니다. 유의해주세요.', 'The Access Key is shown once, when issued; if lost, reissue the key.')}</li>
<li>${t('API Key 유출 시, 책임은 API Key를 발급받은 사용자에게 있습니다.', 'The holder of a key is responsible when it leaks.')}</li>
<li>${t(`IP는 최대 ${MAX_IPS_PER_KEY}개까지 등록 가능합니다.`, `Up to ${MAX_IPS_PER_KEY} IP addresses per key.`)}</li>
</ul></div>`;
}

const field = (id: string, label: string, opts: { type?: string; value?: string; required?: boolean; autocomplete?: string; hint?: string; inputmode?: string } = {}) =>
  html`<label for="${id}"${opts.required ? raw(' class="req"') : ''}>${label}</label>
<input id="${id}" name="${id}" type="${opts.type ?? 'text'}" value="${opts.value ?? ''}"${opts.required ? raw(' required') : ''}${opts.autocomplete ? raw(` autocomplete="${opts.autocomplete}"`) : ''}${opts.inputmode ? raw(` inputmode="${opts.inputmode}"`) : ''}${opts.hint ? raw(` aria-describedby="${id}-hint"`) : ''}>
${opts.hint ? html`<div class="muted" id="${id}-hint">${opts.hint}</div>` : ''}`;

const str = (f: Form, k: string) => (typeof f[k] === 'string' ? (f[k] as string) : '');

// ---------------------------------------------------------------- pages of a signed-in member
const PAGES: Record<string, { title: (t: T) => string; render: (v: View, ctx: Ctx) => Promise<Raw> }> = {
  '/portal/mypage/profile': {
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
  },
  '/portal/mypage/company': {
    title: (t) => t('기업회원전환', 'Company conversion'),
    render: async ({ call, t, form }, ctx) => {
      const c = await latestConversion(ctx, call.user.id);
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
  },
  '/portal/mypage/api-service': {
    title: (t) => t('API 연동 서비스', 'API service'),
    render: async ({ call, t, form }, ctx) => {
      const s = await applicationStatus(ctx, call.user.id);
      const h1 = html`<h1>${t('API 연동 서비스', 'API service')}</h1>`;
      if (!s.isCompany) {
        return html`${h1}<p class="state">${t('연동 API 서비스는 기업회원만 이용 가능합니다.', 'The API service is for company members only.')}</p>
<p>${t('기업회원전환이 필요한 경우 [마이페이지 > 기업회원전환] 메뉴에서 신청해주세요.', 'Request a company conversion first under My Page > Company conversion.')} <a href="/portal/mypage/company">${t('기업회원전환 바로가기', 'Go to company conversion')}</a></p>${reviewNotice(t)}`;
      }
      const a = s.current;
      const cancel = html`<form method="post" action="/portal/mypage/api-service/cancel" data-confirm="${t('신청을 취소할까요?', 'Cancel the application?')}">${csrfField(call.csrfToken)}<button type="submit" class="secondary">${t('신청취소', 'Cancel application')}</button></form>`;
      const docs = a && a.documents.length
        ? html`<h2>${t('제출한 서류', 'Submitted documents')}</h2><ul>${a.documents.map((d) => html`<li>${d.fileName} (${Math.ceil(d.sizeBytes / 1024)} KB, ${kst(d.uploadedAt)})</li>`)}</ul>`
        : '';
      const upload = html`<form method="post" action="/portal/mypage/api-service/documents" enctype="multipart/form-data" class="stack">
<input type="hidden" name="_csrf" value="${call.csrfToken}">
<label for="file">${t('서류 파일 (PDF, PNG, JPEG, 5MB 이하)', 'Document (PDF, PNG, JPEG, ≤ 5 MB)')}</label>
<input id="file" name="file" type="file" accept="application/pdf,image/png,image/jpeg" required>
<p><button type="submit">${t('서류 제출', 'Submit document')}</button></p></form>`;
      if (a?.state === 'pending') {
        return html`${h1}<p class="state" role="status">${t('현재 관리자 승인 대기 상태입니다.', 'Waiting for the operator’s approval.')}</p>${reviewNotice(t)}
<p>${t('내부 심사 기준에 적합한 기업인 경우, 담당자로부터 계약서를 받아 작성하게 됩니다.', 'If your company meets the review criteria, our staff will send you a contract.')}</p>
${cancel}${docs}<h2>${t('심사 서류 추가 제출', 'Add a document')}</h2>${upload}`;
      }
      if (a?.state === 'documents_requested') {
        return html`${h1}<p class="state" role="status">${t('심사를 위한 추가 서류 제출이 필요합니다.', 'More documents are needed for the review.')}</p>
<p><strong>${t('요청 내용', 'Requested')}:</strong> ${a.reviewNote}</p>${upload}${docs}${reviewNotice(t)}${cancel}`;
      }
      if (a?.state === 'approved') {
        return html`${h1}<p class="state" role="status">${t('API연동 서비스 이용 가능한 상태입니다.', 'The API service is available.')}</p>${reviewNotice(t)}
<p>${t('API 연동 서비스 승인이 완료 되었으므로 API 연동서비스 이용이 가능합니다. 사이트 좌측 하단의 [연동 API 관리] 메뉴를 확인해주세요.', 'Your application was approved: use the [API management] menu at the bottom left.')}</p>
<p><a href="/portal/api/keys">${t('연동 API Key 발급 바로가기', 'Go to API keys')}</a></p>`;
      }
      const rejected = a?.state === 'rejected'
        ? html`<p class="state" role="status">${t('API 연동 서비스 신청이 반려되었습니다.', 'Your application was rejected.')}</p>
<table><tbody><tr><th scope="row">${t('반려일', 'Rejected on')}</th><td>${kst(a.rejectedAt)}</td></tr><tr><th scope="row">${t('반려 사유', 'Reason')}</th><td>${a.reviewNote}</td></tr>
${s.blockedUntil ? html`<tr><th scope="row">${t('재신청 가능일', 'Re-apply from')}</th><td><strong id="blocked-until">${kst(s.blockedUntil)}</strong> ${t('(반려일로부터 1년)', '(one year after the rejection)')}</td></tr>` : ''}</tbody></table>`
        : a?.state === 'cancelled' ? html`<p class="muted">${t('이전 신청은 취소되었습니다.', 'Your previous application was cancelled.')}</p>` : '';
      return html`${h1}${rejected}${reviewNotice(t)}
${s.canApply ? html`<form method="post" class="stack">${csrfField(call.csrfToken)}
<label for="note">${t('신청 메모 (선택)', 'Note (optional)')}</label><textarea id="note" name="note" rows="3" maxlength="1000">${str(form, 'note')}</textarea>
<p><button type="submit">${t('신청', 'Apply')}</button></p></form>` : ''}`;
    },
  },
  '/portal/mypage/password': {
    title: (t) => t('비밀번호변경', 'Change password'),
    render: async ({ call, t }) => html`<h1>${t('비밀번호변경', 'Change password')}</h1>
<form method="post" class="stack">${csrfField(call.csrfToken)}
${field('currentPassword', t('현재 비밀번호', 'Current password'), { type: 'password', required: true, autocomplete: 'current-password' })}
${field('newPassword', t('새 비밀번호', 'New password'), { type: 'password', required: true, autocomplete: 'new-password', hint: t('8~64자, 영문과 숫자 또는 특수문자를 섞어 주세요', '8–64 characters mixing letters with digits or symbols') })}
${field('newPasswordConfirm', t('새 비밀번호 확인', 'Confirm new password'), { type: 'password', required: true, autocomplete: 'new-password' })}
<p><button type="submit">${t('변경', 'Change')}</button></p></form>`,
  },
  '/portal/mypage/security': {
    title: (t) => t('보안로그인', 'Secure login'),
    render: async ({ call, t, extra }, ctx) => {
      const h1 = html`<h1>${t('보안로그인', 'Secure login')}</h1>`;
      const codes = extra['recoveryCodes'] as string[] | undefined;
      if (codes) {
        return html`${h1}<p class="ok" role="status">${t('보안로그인을 사용합니다. 아래 복구 코드를 안전한 곳에 보관하세요. 다시 볼 수 없습니다.', 'Secure login is on. Keep these recovery codes somewhere safe: they are shown only now.')}</p>
<ul id="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul><p><a class="button" href="/portal/mypage/security">${t('확인', 'Done')}</a></p>`;
      }
      if (call.user.totpEnabled) {
        const left = await remainingRecoveryCodes(ctx, call.user.id);
        return html`${h1}<p class="state">${t('보안로그인(OTP)을 사용 중입니다.', 'Secure login (OTP) is on.')}</p>
<p class="muted">${t(`남은 복구 코드: ${left}개`, `Recovery codes left: ${left}`)}</p>
<h2>${t('보안로그인 해제', 'Turn off')}</h2>
<form method="post" action="/portal/mypage/security/disable" class="stack">${csrfField(call.csrfToken)}
${field('password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'current-password' })}
${field('code', t('인증 코드 또는 복구 코드', 'Code or recovery code'), { required: true, autocomplete: 'one-time-code', inputmode: 'numeric' })}
<p><button type="submit" class="danger">${t('해제', 'Turn off')}</button></p></form>`;
      }
      const pending = await pendingTotpEnrolment(ctx, call.user.id);
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
  },
  '/portal/mypage/withdraw': {
    title: (t) => t('회원탈퇴', 'Withdraw'),
    render: async ({ call, t }) => html`<h1>${t('회원탈퇴', 'Withdraw')}</h1>
<p>${t('탈퇴하면 개인정보가 삭제되고 다시 로그인할 수 없습니다. 아이디는 재사용할 수 없습니다.', 'Your personal data is erased and you can no longer log in. The ID cannot be reused.')}</p>
<form method="post" class="stack" data-confirm="${t('정말 탈퇴할까요?', 'Really close your account?')}">${csrfField(call.csrfToken)}
${field('password', t('비밀번호', 'Password'), { type: 'password', required: true, autocomplete: 'current-password' })}
<p><button type="submit" class="danger">${t('회원탈퇴', 'Withdraw')}</button></p></form>`,
  },
  '/portal/api/keys': {
    title: (t) => t('연동 API Key 발급', 'API keys'),
    render: async ({ call, t, extra, form }, ctx) => {
      const partnerId = partnerOf(call);
      const keys = await listApiKeys(ctx, partnerId);
      const now = ctx.clock.now();
      const issued = extra['issued'] as { accessKey: string; reissued: boolean } | undefined;
      const shown = issued
        ? html`<section class="key" aria-labelledby="issued-title" role="dialog" aria-modal="false">
<h2 id="issued-title">${issued.reissued ? t('API Key 재발급', 'API key reissued') : t('API Key 발급', 'API key issued')}</h2>
<p>${issued.reissued ? t('API Key가 재발급되었습니다. 기존 Access Key는 더 이상 사용할 수 없습니다.', 'The key was reissued; the old Access Key no longer works.') : t('새로운 API Key가 발급되었습니다.', 'A new API key was issued.')}</p>
<p><strong>Access Key</strong><br><span class="accesskey" id="access-key">${issued.accessKey}</span></p>
<p class="alert">${t('Access Key는 지금 한 번만 표시됩니다. 다른 곳에 복사하여 보관해주세요.', 'The Access Key is shown only now: copy it somewhere safe.')}</p>
<p class="row"><button type="button" class="secondary" data-copy="access-key" data-copied="${t('복사됨', 'Copied')}">${t('복사', 'Copy')}</button> <a class="button" href="/portal/api/keys">${t('확인', 'OK')}</a></p></section>`
        : '';
      const full = keys.length >= MAX_KEYS_PER_PARTNER;
      const suspended = call.user.partner?.state === 'suspended'
        ? html`<p class="alert" role="alert">${t('연동 API 사용이 정지되었습니다', 'API use is suspended')}: ${call.user.partner.suspendedReason}</p>` : '';
      const newIps = Array.isArray(form['ips']) ? (form['ips'] as string[]) : [str(form, 'ips')];
      const issueForm = html`<h2 id="new-key">${t('신규 API Key 발급', 'Issue a new API key')}</h2>
<p>${t('API를 연동할 서버가 속한 IP를 입력해주세요.', 'Enter the IP addresses of the servers that will call the API.')}</p>
<form method="post" class="stack" aria-labelledby="new-key">${csrfField(call.csrfToken)}
${Array.from({ length: MAX_IPS_PER_KEY }, (_, i) => html`<label for="new-ip-${i}"${i === 0 ? raw(' class="req"') : ''}>IP ${i + 1}</label><input id="new-ip-${i}" name="ips" type="text" value="${newIps[i] ?? ''}" placeholder="${i === 0 ? '203.0.113.10' : ''}" autocomplete="off"${i === 0 ? raw(' required') : ''}>`)}
<p><button type="submit"${full ? raw(' disabled') : ''}>${t('API Key 발급', 'Issue API key')}</button> ${full ? html`<span class="muted">${t(`API Key는 최대 ${MAX_KEYS_PER_PARTNER}개까지 발급 가능합니다.`, `At most ${MAX_KEYS_PER_PARTNER} keys.`)}</span>` : ''}</p></form>`;
      const list = keys.map((k, n) => html`<section class="key" aria-labelledby="key-${k.id}-title" data-key-id="${k.id}">
<h3 id="key-${k.id}-title">${t('API Key 발급 내역 상세', 'API key details')} #${n + 1} <code>${k.prefix}…</code> <span class="badge ${k.enabled ? 'on' : 'off'}">${k.enabled ? 'ON' : 'OFF'}</span></h3>
<table><tbody>
<tr><th scope="row">${t('발급 일시', 'Issued')}</th><td>${kst(k.issuedAt)}</td></tr>
<tr><th scope="row">${t('마지막 사용일', 'Last used')}</th><td>${daysAgo(t, k.lastUsedAt, now)}${k.lastUsedAt ? html` <span class="muted">(${kst(k.lastUsedAt)})</span>` : ''}</td></tr>
</tbody></table>
<h4>${t('IP 입력', 'IP addresses')}</h4>
${k.ips.length === 0 ? html`<p class="alert">${t('등록된 IP가 없어 이 Key로는 호출할 수 없습니다.', 'No IP registered: every call with this key is refused.')}</p>` : ''}
<ul>${k.ips.map((ip) => html`<li class="row"><code>${ip}</code>
<form method="post" action="/portal/api/keys/${k.id}/ips/delete" class="inline">${csrfField(call.csrfToken)}<input type="hidden" name="ip" value="${ip}"><button type="submit" class="secondary" aria-label="${t(`${ip} 삭제`, `Delete ${ip}`)}">${t('삭제', 'Delete')}</button></form></li>`)}</ul>
${k.ips.length < MAX_IPS_PER_KEY ? html`<form method="post" action="/portal/api/keys/${k.id}/ips/add" class="row">${csrfField(call.csrfToken)}
<label for="add-ip-${k.id}">${t('IP 추가', 'Add IP')}</label><input id="add-ip-${k.id}" name="ip" type="text" autocomplete="off" required style="max-width:16em"><button type="submit">${t('추가', 'Add')}</button></form>` : ''}
<details><summary>${t('IP 목록 수정', 'Edit IP list')}</summary>
<form method="post" action="/portal/api/keys/${k.id}/ips" class="stack">${csrfField(call.csrfToken)}
${Array.from({ length: MAX_IPS_PER_KEY }, (_, i) => html`<label for="edit-ip-${k.id}-${i}">IP ${i + 1}</label><input id="edit-ip-${k.id}-${i}" name="ips" type="text" value="${k.ips[i] ?? ''}" autocomplete="off">`)}
<p><button type="submit">${t('저장', 'Save')}</button></p></form></details>
<div class="row">
<form method="post" action="/portal/api/keys/${k.id}/toggle" class="inline">${csrfField(call.csrfToken)}<input type="hidden" name="enabled" value="${k.enabled ? 'false' : 'true'}">
<button type="submit" class="secondary" aria-pressed="${k.enabled ? 'true' : 'false'}">${k.enabled ? t('OFF (사용 중지)', 'Switch OFF') : t('ON (사용)', 'Switch ON')}</button></form>
<form method="post" action="/portal/api/keys/${k.id}/reissue" class="inline" data-confirm="${t('재발급하면 기존 Access Key는 즉시 사용할 수 없습니다. 재발급할까요?', 'The old Access Key stops working at once. Reissue?')}">${csrfField(call.csrfToken)}<button type="submit" class="secondary">${t('API Key 재발급', 'Reissue API key')}</button></form>
<form method="post" action="/portal/api/keys/${k.id}/delete" class="inline" data-confirm="${t('이 API Key를 삭제할까요? 이후 요청은 거부됩니다.', 'Delete this key? Later calls will be refused.')}">${csrfField(call.csrfToken)}<button type="submit" class="danger">${t('삭제', 'Delete')}</button></form>
</div></section>`);
      return html`<h1>${t('연동 API Key 발급', 'API keys')}</h1>${suspended}${shown}${keyNotice(t)}
<p><a href="/portal/api/guide">${t('연동 API 사용 가이드 확인하기', 'Read the API guide')}</a></p>
${issueForm}<h2>${t(`발급된 API Key (${keys.length}/${MAX_KEYS_PER_PARTNER})`, `Issued keys (${keys.length}/${MAX_KEYS_PER_PARTNER})`)}</h2>${list.length ? list : html`<p class="muted">${t('발급된 API Key가 없습니다.', 'No keys yet.')}</p>`}`;
    },
  },
  '/portal/api/guide': {
    title: (t) => t('연동 API 사용 가이드', 'API guide'),
    render: async ({ call, t }) => {
      partnerOf(call);
      return html`<h1>${t('연동 API 사용 가이드', 'API guide')}</h1>
<p>${t('발급받은 Access Key를 모든 요청의 HTTP 헤더에 넣어 보내세요. 등록한 IP에서 보낸 요청만 처리됩니다.', 'Send the Access Key in an HTTP header with every request. Only requests from the registered IPs are accepted.')}</p>
<pre><code>Authorization: Bearer hbk_…</code></pre>
<h2>${t('예: 회원 등록 (레거시 API)', 'Example: register a member (legacy API)')}</h2>
<pre><code>curl -H "Authorization: Bearer $ACCESS_KEY" -d cmd=INSERT -d bizno=… -d com_name=… -d ceo_name=… \\
     -d id=… -d pwd=… -d user_name=… -d email=… ${raw('&lt;server&gt;')}/_member.aspx</code></pre>
<h2>${t('예: 키 확인 (REST)', 'Example: check a key (REST)')}</h2>
<pre><code>curl -H "Authorization: Bearer $ACCESS_KEY" ${raw('&lt;server&gt;')}/v1/partner/me</code></pre>
<p>${t('거부된 요청은 사유를 알려 줍니다: 등록되지 않은 Key, 사용 중지(OFF), 삭제 또는 재발급된 Key, 등록되지 않은 IP, 서비스 정지. REST는 401/403, 레거시 API는 결과 코드 2005/2006입니다.', 'Refusals say why: unknown, OFF, deleted or reissued key, IP not registered, service suspended — REST 401/403, legacy result codes 2005/2006.')}</p>
<p><a href="/docs">${t('REST API 레퍼런스', 'REST API reference')}</a></p>`;
    },
  },
};

// ---------------------------------------------------------------- anonymous pages
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

// ---------------------------------------------------------------- routes
const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(SECURITY_HEADERS).send(body);
}

const safeNext = (n: unknown) => (typeof n === 'string' && /^\/portal\/[A-Za-z0-9/_-]*$/.test(n) ? n : '/portal/mypage/profile');

export async function portalPageRoutes(app: FastifyInstance, opts: { ctx: Ctx }): Promise<void> {
  const { ctx } = opts;
  const hide = { schema: { hide: true } };
  const formOf = (req: FastifyRequest): Form => (req.body && typeof req.body === 'object' ? (req.body as Form) : {});

  async function renderUserPage(req: FastifyRequest, reply: FastifyReply, path: string, o: { call?: UserCall; form?: Form; extra?: Record<string, unknown>; error?: AppError } = {}) {
    const lang = langOf(req, reply);
    const t = translator(lang);
    let call = o.call;
    if (!call) {
      try {
        call = await currentUser(ctx, req, { csrf: false });
      } catch {
        return reply.redirect(`/portal/login?next=${encodeURIComponent(path)}`, 303);
      }
    }
    const def = PAGES[path]!;
    // what the POST before the redirect left for this page (Post/Redirect/Get), shown once
    const flash = o.extra === undefined && req.method === 'GET' ? await takeSessionFlash(ctx, call.token) : undefined;
    const extra = o.extra ?? (flash && typeof flash === 'object' ? (flash as Record<string, unknown>) : {});
    let body: Raw;
    let status = o.error ? o.error.status : 200;
    try {
      body = await def.render({ call, t, lang, form: o.form ?? {}, extra }, ctx);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      status = e.status;
      body = html`<h1>${def.title(t)}</h1><p class="alert" role="alert">${e.message}</p>`;
    }
    const done = doneMessage(t, (req.query as Record<string, string>)['done']);
    return sendHtml(reply, status, page({ lang, title: def.title(t), path, body, user: call.user, csrfToken: call.csrfToken, error: o.error?.message, done }));
  }

  for (const path of Object.keys(PAGES)) app.get(path, hide, (req, reply) => renderUserPage(req, reply, path));

  /** A form post of a signed-in member: do it, then redirect (303) with a message, or re-render with the error. */
  function post(path: string, pagePath: string, action: (call: UserCall, form: Form, req: FastifyRequest, reply: FastifyReply) => Promise<string | { render: Record<string, unknown> }>) {
    app.post(path, hide, async (req, reply) => {
      const form = formOf(req);
      let call: UserCall;
      try {
        call = await requireUser(ctx, req, form['_csrf']);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'csrf_invalid') return sendHtml(reply, 403, page({ lang: langOf(req), title: 'CSRF', path: pagePath, body: html`<h1>403</h1><p class="alert" role="alert">${e.message}</p><p><a href="${pagePath}">${pagePath}</a></p>` }));
        return reply.redirect(`/portal/login?next=${encodeURIComponent(pagePath)}`, 303);
      }
      try {
        const r = await action(call, form, req, reply);
        if (typeof r === 'string') return reply.redirect(r, 303);
        return renderUserPage(req, reply, pagePath, { call: await currentUser(ctx, req, { csrf: false }), extra: r.render });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        return renderUserPage(req, reply, pagePath, { call, form, error: e });
      }
    });
  }

  post('/portal/mypage/profile', '/portal/mypage/profile', async (call, form) => {
    await updateProfile(ctx, call.actor, form);
    return '/portal/mypage/profile?done=profile';
  });
  post('/portal/mypage/company', '/portal/mypage/company', async (call, form) => {
    await requestConversion(ctx, call.actor, form);
    return '/portal/mypage/company?done=conversion';
  });
  post('/portal/mypage/company/cancel', '/portal/mypage/company', async (call) => {
    await cancelConversion(ctx, call.actor);
    return '/portal/mypage/company?done=conversion_cancelled';
  });
  post('/portal/mypage/api-service', '/portal/mypage/api-service', async (call, form) => {
    await applyForApiService(ctx, call.actor, form);
    return '/portal/mypage/api-service?done=applied';
  });
  post('/portal/mypage/api-service/cancel', '/portal/mypage/api-service', async (call) => {
    await cancelApplication(ctx, call.actor);
    return '/portal/mypage/api-service?done=app_cancelled';
  });
  post('/portal/mypage/password', '/portal/mypage/password', async (call, form) => {
    await changePassword(ctx, call.actor, form, call.token);
    return '/portal/mypage/password?done=password';
  });
  post('/portal/mypage/security/start', '/portal/mypage/security', async (call) => {
    await beginTotpEnrolment(ctx, call.actor);
    return '/portal/mypage/security';
  });
  post('/portal/mypage/security/confirm', '/portal/mypage/security', async (call, form) => ({ render: { recoveryCodes: (await confirmTotpEnrolment(ctx, call.actor, form)).recoveryCodes } }));
  post('/portal/mypage/security/disable', '/portal/mypage/security', async (call, form) => {
    await disableTotp(ctx, call.actor, form);
    return '/portal/mypage/security?done=totp_off';
  });
  post('/portal/mypage/withdraw', '/portal/mypage/withdraw', async (call, form, req, reply) => {
    await withdraw(ctx, call.actor, form);
    await logout(ctx, req, reply);
    return '/portal/login?done=withdrawn';
  });
  // issue and reissue redirect (Post/Redirect/Get): a refresh must not issue again and kill the key just copied;
  // the new Access Key travels to the next page in the session (sealed), never in the URL
  post('/portal/api/keys', '/portal/api/keys', async (call, form) => {
    const { accessKey } = await issueApiKey(ctx, call.actor, partnerOf(call), form);
    await setSessionFlash(ctx, call.token, { issued: { accessKey, reissued: false } });
    return '/portal/api/keys#issued-title';
  });
  const keyIdOf = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'keyId: API Key가 없습니다 (no such key)', { field: 'keyId' });
    return id;
  };
  post('/portal/api/keys/:id/ips', '/portal/api/keys', async (call, form, req) => {
    await replaceApiKeyIps(ctx, call.actor, partnerOf(call), keyIdOf(req), { ips: Array.isArray(form['ips']) ? form['ips'] : [form['ips']] });
    return '/portal/api/keys?done=ips';
  });
  post('/portal/api/keys/:id/ips/add', '/portal/api/keys', async (call, form, req) => {
    await addApiKeyIp(ctx, call.actor, partnerOf(call), keyIdOf(req), form);
    return '/portal/api/keys?done=ips';
  });
  post('/portal/api/keys/:id/ips/delete', '/portal/api/keys', async (call, form, req) => {
    await removeApiKeyIp(ctx, call.actor, partnerOf(call), keyIdOf(req), str(form, 'ip'));
    return '/portal/api/keys?done=ips';
  });
  post('/portal/api/keys/:id/toggle', '/portal/api/keys', async (call, form, req) => {
    const enabled = form['enabled'] === 'true';
    await setApiKeyEnabled(ctx, call.actor, partnerOf(call), keyIdOf(req), enabled);
    return `/portal/api/keys?done=${enabled ? 'key_on' : 'key_off'}`;
  });
  post('/portal/api/keys/:id/reissue', '/portal/api/keys', async (call, _form, req) => {
    const { accessKey } = await reissueApiKey(ctx, call.actor, partnerOf(call), keyIdOf(req));
    await setSessionFlash(ctx, call.token, { issued: { accessKey, reissued: true } });
    return '/portal/api/keys#issued-title';
  });
  post('/portal/api/keys/:id/delete', '/portal/api/keys', async (call, _form, req) => {
    await deleteApiKey(ctx, call.actor, partnerOf(call), keyIdOf(req));
    return '/portal/api/keys?done=key_deleted';
  });

  // upload: multipart, so the CSRF field is read with the file
  app.post('/portal/mypage/api-service/documents', hide, async (req, reply) => {
    let upload: Awaited<ReturnType<typeof readUpload>> | undefined;
    let error: AppError | undefined;
    try {
      upload = await readUpload(req);
    } catch (err) {
      error = toAppError(err);
    }
    let call: UserCall;
    try {
      call = await requireUser(ctx, req, upload?.fields['_csrf']);
    } catch {
      return reply.redirect('/portal/login?next=/portal/mypage/api-service', 303);
    }
    if (!error && upload) {
      try {
        await uploadApplicationDocument(ctx, call.actor, upload);
        return reply.redirect('/portal/mypage/api-service?done=uploaded', 303);
      } catch (err) {
        error = toAppError(err);
      }
    }
    return renderUserPage(req, reply, '/portal/mypage/api-service', { call, error: error! });
  });

  // ---- anonymous: home, login, 2nd step, signup, logout
  const anon = async (req: FastifyRequest, reply: FastifyReply, title: (t: T) => string, path: string, body: (t: T) => Raw, status = 200, error?: string) => {
    const lang = langOf(req, reply);
    const t = translator(lang);
    return sendHtml(reply, status, page({ lang, title: title(t), path, body: body(t), error, done: doneMessage(t, (req.query as Record<string, string>)['done']) }));
  };
  app.get('/', hide, (_req, reply) => reply.redirect('/portal', 302));
  app.get('/portal', hide, async (req, reply) => {
    const s = await resolveSession(ctx, sessionToken(req));
    return reply.redirect(s?.kind === 'user' && !s.mfaPending ? '/portal/mypage/profile' : '/portal/login', 303);
  });
  app.get('/portal/login', hide, (req, reply) => anon(req, reply, (t) => t('로그인', 'Log in'), '/portal/login', (t) => loginBody(t, {}, safeNext((req.query as Form)['next']))));
  app.post('/portal/login', hide, async (req, reply) => {
    const form = formOf(req);
    try {
      const r = await loginUser(ctx, req, reply, form);
      return reply.redirect(r.mfaRequired ? '/portal/login/code' : safeNext(form['next']), 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return anon(req, reply, (t) => t('로그인', 'Log in'), '/portal/login', (t) => loginBody(t, form, safeNext(form['next'])), e.status, e.message);
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
        return anon(req, reply, (t) => t('보안로그인', 'Secure login'), '/portal/login/code', (t) => codeBody(t, csrfTokenFor(ctx, token)), e.status, e.message);
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
      return anon(req, reply, (t) => t('회원가입', 'Sign up'), '/portal/signup', (t) => signupBody(t, form), e.status, e.message);
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
  });
}
