/**
 * API 연동 서비스: a company member applies, follows the review (documents asked for, uploads), cancels, or sees
 * the rejection and the date a new application is possible.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { toAppError, type AppError } from '../../../platform/errors.ts';
import { html, type Raw, type T } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { readUpload, str, type UserPage, type View } from '../page-kit.ts';
import { billingTermsNotice } from './bills.ts';
import { requireUser, type UserCall } from '../portal-http.ts';
import { getApplicationStatus } from '../../../modules/access/get-application-status.ts';
import { applyForApiService } from '../../../modules/access/apply-for-api-service.ts';
import { cancelApplication } from '../../../modules/access/cancel-application.ts';
import { uploadApplicationDocument } from '../../../modules/access/upload-application-document.ts';

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

/** The state of the member's application and what it can do now. */
async function applicationSection({ call, t, form }: View, ctx: Ctx): Promise<Raw> {
  const s = await getApplicationStatus(ctx, call.user.id);
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
}

export const apiServicePage: UserPage = {
  path: '/portal/mypage/api-service',
  title: (t) => t('API 연동 서비스', 'API service'),
  // the settlement terms of the seed (§04), with the configured billing day and due days, under every state
  render: async (v, ctx) => html`${await applicationSection(v, ctx)}<h2>${v.t('이용 요금 및 정산', 'Charges and settlement')}</h2>${billingTermsNotice(v.t, ctx)}`,
  actions: [
    {
      path: '/portal/mypage/api-service',
      run: async (ctx, call, form) => {
        await applyForApiService(ctx, call.actor, { input: form });
        return '/portal/mypage/api-service?done=applied';
      },
    },
    {
      path: '/portal/mypage/api-service/cancel',
      run: async (ctx, call) => {
        await cancelApplication(ctx, call.actor);
        return '/portal/mypage/api-service?done=app_cancelled';
      },
    },
  ],
};

type RenderUserPage = (req: FastifyRequest, reply: FastifyReply, path: string, o: { call: UserCall; error: AppError }) => Promise<FastifyReply>;

/** 심사 서류 제출: multipart, so the CSRF field is read with the file; errors re-render the screen. */
export function documentUploadRoute(app: FastifyInstance, ctx: Ctx, renderUserPage: RenderUserPage): void {
  app.post('/portal/mypage/api-service/documents', { schema: { hide: true } }, async (req, reply) => {
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
}
