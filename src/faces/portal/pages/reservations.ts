/**
 * 연동 API 예약목록 (partners only): pending reserved batches, soonest first (예약 일시, 유형, 템플릿/내용, 발신, 건수),
 * a link to their recipients, and 취소 with a confirmation — refused from 10 minutes before the reserved time
 * (the module's message says so).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import { html, raw } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str, type UserPage } from '../page-kit.ts';
import { fieldsOf, partnerOf } from '../portal-http.ts';
import { listReservations } from '../../../modules/messaging/sending/list-reservations.ts';
import { cancelReservation, CANCEL_DEADLINE_MS } from '../../../modules/messaging/sending/cancel-reservation.ts';
import { historyRowsByIds, typeName } from '../../../modules/messaging/history/history-rows.ts';

const PATH = '/portal/api/reservations';
const PAGE = 50;

const batchIdOf = (req: FastifyRequest) => {
  const id = Number(fieldsOf(req.params)['id']);
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError('reservation_not_found', '예약이 없습니다 (no such reservation)', { field: 'id' });
  return id;
};

export const reservationsPage: UserPage = {
  path: PATH,
  title: (t) => t('연동 API 예약목록', 'Reservations'),
  render: async ({ call, t, lang, query }, ctx) => {
    const partnerId = partnerOf(call);
    const pageNo = Math.max(1, Number(str(query, 'page')) || 1);
    const list = await listReservations(ctx, partnerId, { offset: (pageNo - 1) * PAGE, limit: PAGE });
    const rows = await historyRowsByIds(ctx.db, partnerId, list.data.map((b) => b.id));
    const now = ctx.clock.now().getTime();
    const h1 = html`<h1>${t('연동 API 예약목록', 'Reservations')}</h1>
<div class="notice"><ul><li>${t('예약 발송은 예약 일시 10분 전까지 취소할 수 있습니다.', 'A reservation can be cancelled until 10 minutes before its time.')}</li>
<li>${t('취소한 예약은 발송내역에 취소로 남습니다.', 'A cancelled reservation stays in the history as cancelled.')}</li></ul></div>
<p class="state" role="status">${t(`예약 ${list.total}건`, `${list.total} reservations`)}</p>`;
    if (!list.data.length) return html`${h1}<p class="muted">${t('예약된 발송이 없습니다.', 'Nothing reserved.')}</p>`;
    return html`${h1}<table class="reservations"><thead><tr><th scope="col">${t('예약 일시', 'Reserved for')}</th><th scope="col">${t('유형', 'Type')}</th><th scope="col">${t('템플릿/내용', 'Template / text')}</th>
<th scope="col">${t('발신', 'Sender')}</th><th scope="col">${t('건수', 'Recipients')}</th><th scope="col">${t('접수 일시', 'Accepted')}</th><th scope="col">${t('취소', 'Cancel')}</th></tr></thead>
<tbody>${list.data.map((b) => {
      const row = rows.get(b.id);
      const late = b.reserveAt !== null && now > b.reserveAt.getTime() - CANCEL_DEADLINE_MS;
      return html`<tr data-batch-id="${b.id}"><td>${kst(b.reserveAt)}${b.holdReason ? html` <span class="muted">(${t('야간 광고 보류', 'held: night ad')})</span>` : ''}</td>
<td>${row ? typeName(row, lang) : b.type}</td><td><a href="/portal/api/history/batch?id=${b.id}">${row?.title || b.templateName || t('(내용 없음)', '(no text)')}</a></td>
<td>${b.channelSearchId ?? b.senderNumber ?? ''}</td><td>${b.total.toLocaleString('ko-KR')}</td><td>${kst(b.acceptedAt)}</td>
<td><form method="post" action="${PATH}/${b.id}/cancel" class="inline" data-confirm="${t(`${kst(b.reserveAt)} 예약을 취소할까요? 수신자 ${b.total}명 모두 취소됩니다.`, `Cancel the reservation of ${kst(b.reserveAt)} for ${b.total} recipients?`)}">${csrfField(call.csrfToken)}
<button type="submit" class="secondary"${late ? raw(` title="${t('예약 10분 전부터는 취소할 수 없습니다', 'Too late: within 10 minutes of the time')}"`) : ''}>${t('예약취소', 'Cancel')}</button></form></td></tr>`;
    })}</tbody></table>
<nav class="row" aria-label="${t('페이지', 'Pages')}">${pageNo > 1 ? html`<a href="${PATH}?page=${pageNo - 1}" rel="prev">${t('이전', 'Previous')}</a>` : ''}
${pageNo * PAGE < list.total ? html`<a href="${PATH}?page=${pageNo + 1}" rel="next">${t('다음', 'Next')}</a>` : ''}</nav>`;
  },
  actions: [
    {
      path: `${PATH}/:id/cancel`,
      run: async (ctx, call, _form, req) => {
        await cancelReservation(ctx, partnerOf(call), batchIdOf(req));
        return `${PATH}?done=reservation_cancelled`;
      },
    },
  ],
};
