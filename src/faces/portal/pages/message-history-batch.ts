/**
 * One batch of the send history (연동 API 발송내역 > 상세): its row and its recipients, each with its state, result
 * code, every attempt (the Kakao attempt and its SMS/LMS fallback side by side) and times; 100 recipients a page.
 * Also the recipients of a reservation (예약목록 links here).
 */
import { AppError } from '../../../platform/errors.ts';
import { html, type T } from '../../html.ts';
import { kst } from '../layout.ts';
import { str, type UserPage } from '../page-kit.ts';
import { partnerOf } from '../portal-http.ts';
import { getHistoryBatch } from '../../../modules/messaging/history/get-history-batch.ts';
import type { RecipientState } from '../../../modules/messaging/sending/tables.ts';
import { stateName, typeName } from '../../../modules/messaging/history/history-rows.ts';

const PATH = '/portal/api/history/batch';

function recipientState(t: T, s: RecipientState): string {
  const m: Record<RecipientState, [string, string]> = { reserved: ['예약', 'Reserved'], queued: ['대기', 'Queued'], sending: ['발송중', 'Sending'], delivered: ['성공', 'Delivered'], failed: ['실패', 'Failed'], cancelled: ['취소', 'Cancelled'] };
  return t(...m[s]);
}

export const messageHistoryBatchPage: UserPage = {
  path: PATH,
  title: (t) => t('발송내역 상세', 'Send details'),
  render: async ({ call, t, lang, query }, ctx) => {
    const partnerId = partnerOf(call);
    const id = Number(str(query, 'id'));
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('message_batch_not_found', '발송내역이 없습니다 (no such send in your history)', { field: 'id' });
    const pageNo = Math.max(1, Number(str(query, 'page')) || 1);
    const d = await getHistoryBatch(ctx, partnerId, id, pageNo);
    const b = d.batch;
    const back = b.state === 'reserved' ? html`<a href="/portal/api/reservations">${t('예약목록으로', 'Back to reservations')}</a>` : html`<a href="/portal/api/history">${t('발송내역으로', 'Back to the history')}</a>`;
    return html`<h1>${t('발송내역 상세', 'Send details')} <span class="muted">#${b.id}</span></h1><p>${back}</p>
<table><tbody>
<tr><th scope="row">${t('유형', 'Type')}</th><td>${typeName(b, lang)}</td></tr>
<tr><th scope="row">${t('템플릿 제목', 'Template title')}</th><td>${b.title}</td></tr>
<tr><th scope="row">${t('발신번호 / 채널ID', 'Sender / channel')}</th><td>${b.sender}</td></tr>
<tr><th scope="row">${t('상태', 'State')}</th><td>${stateName(b.state, lang)}</td></tr>
<tr><th scope="row">${t('발송 건수 / 성공 / 실패 / 대기', 'Sent / success / failure / pending')}</th><td>${b.total} / ${b.success} / ${b.failure} / ${b.pending}${b.cancelled ? html` · ${t('취소', 'cancelled')} ${b.cancelled}` : ''}</td></tr>
<tr><th scope="row">${t('접수 일시', 'Accepted')}</th><td>${kst(b.acceptedAt)}</td></tr>
${b.reserveAt ? html`<tr><th scope="row">${t('예약 일시', 'Reserved for')}</th><td>${kst(b.reserveAt)}</td></tr>` : ''}
<tr><th scope="row">${t('최근 발송 일시', 'Last sent')}</th><td>${kst(b.lastSentAt)}</td></tr>
</tbody></table>
<h2>${t('수신자', 'Recipients')}</h2>
<table class="recipients"><thead><tr><th scope="col">${t('순번', 'No.')}</th><th scope="col">${t('수신번호', 'Phone')}</th><th scope="col">clientRef</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('결과 코드', 'Result')}</th>
<th scope="col">${t('시도', 'Attempts')}</th><th scope="col">${t('발송 일시', 'Sent')}</th><th scope="col">${t('완료 일시', 'Done')}</th></tr></thead>
<tbody>${d.recipients.map((r) => html`<tr data-recipient-id="${r.id}"><td>${r.index + 1}</td><td>${r.to}</td><td>${r.clientRef ?? ''}</td><td>${recipientState(t, r.state)}</td><td>${r.resultCode ?? ''}${r.resultMessage ? html` <span class="muted">${r.resultMessage}</span>` : ''}</td>
<td><ul class="attempts">${r.attempts.map((a) => html`<li>#${a.attemptNo} ${a.kind.toUpperCase()}${a.isFallback ? html` <strong>${t('대체발송', 'fallback')}</strong>` : ''} · ${a.state}${a.resultCode ? ` · ${a.resultCode}` : ''}${a.resultMessage ? ` ${a.resultMessage}` : ''}${a.reportedAt ? html` <span class="muted">${kst(a.reportedAt)}</span>` : ''}</li>`)}</ul></td>
<td>${kst(r.sentAt)}</td><td>${kst(r.doneAt)}</td></tr>`)}</tbody></table>
<nav class="row" aria-label="${t('페이지', 'Pages')}">${d.page > 1 ? html`<a href="${PATH}?id=${b.id}&page=${d.page - 1}" rel="prev">${t('이전', 'Previous')}</a>` : ''}
${d.nextPage ? html`<a href="${PATH}?id=${b.id}&page=${d.nextPage}" rel="next">${t('다음', 'Next')}</a>` : ''}</nav>`;
  },
};
