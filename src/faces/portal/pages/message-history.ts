/**
 * 연동 API 발송내역 (partners only): filters (유형, 발송일시 최근 1시간 / 오늘 / 7일 / 1달 / 직접 입력, 상태, 검색어) in a
 * GET form, the period's 발송건수, the table of batches with checkboxes, and one POST form for 선택삭제, 전체삭제
 * and 엑셀 다운로드. Both deletions take a confirmation step on the server (a page saying what goes, with a
 * second button) — no recovery; the download streams the .xlsx of the selection, or of the whole query.
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../../platform/errors.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { html, raw, translator, type Raw, type T } from '../../html.ts';
import { csrfField, kst, page } from '../layout.ts';
import { formOf, str, type Form, type UserPage } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';
import { langOf, partnerOf, requireUser } from '../portal-http.ts';
import { HISTORY_PERIODS, HISTORY_STATES, HISTORY_TYPES, readIds } from '../../../modules/messaging/history/history-query.ts';
import { stateName, typeName } from '../../../modules/messaging/history/history-rows.ts';
import { listMessageHistory, type HistoryPage } from '../../../modules/messaging/history/list-message-history.ts';
import { deleteMessageHistory } from '../../../modules/messaging/history/delete-message-history.ts';
import { exportMessageHistory } from '../../../modules/messaging/history/export-message-history.ts';

const PATH = '/portal/api/history';
const QUERY_KEYS = ['type', 'period', 'from', 'to', 'state', 'q', 'page'] as const;

/** The filter fields of a query string or form, as text. */
export function historyFilters(f: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of QUERY_KEYS) if (str(f, k) !== '') out[k] = str(f, k);
  return out;
}

const qs = (f: Record<string, string>, extra: Record<string, string> = {}) => {
  const s = new URLSearchParams({ ...f, ...extra }).toString();
  return s ? `?${s}` : '';
};

const hiddenFilters = (f: Record<string, string>): Raw[] => Object.entries(f).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);

function typeLabel(t: T, type: string): string {
  if (type === 'friendtalk') return t('친구톡', 'FriendTalk');
  return typeName({ type: type as (typeof HISTORY_TYPES)[number], photo: false }, t('ko', 'en') as 'ko' | 'en');
}

function filterForm(t: T, f: Record<string, string>): Raw {
  const period = f['period'] ?? (f['from'] || f['to'] ? 'custom' : '1m');
  const names: Record<(typeof HISTORY_PERIODS)[number], string> = { '1h': t('최근 1시간', 'Last hour'), today: t('오늘', 'Today'), '7d': t('7일', '7 days'), '1m': t('1달', '1 month'), custom: t('직접 입력', 'Custom') };
  const select = (id: string, label: string, values: readonly string[], name: (v: string) => string) =>
    html`<label for="${id}">${label}</label><select id="${id}" name="${id}" style="max-width:12em"><option value="">${t('전체', 'All')}</option>${values.map((v) => html`<option value="${v}"${f[id] === v ? raw(' selected') : ''}>${name(v)}</option>`)}</select>`;
  return html`<form method="get" action="${PATH}" class="filters" aria-label="${t('발송내역 조회 조건', 'History filters')}">
<div class="row">${select('type', t('유형', 'Type'), HISTORY_TYPES, (v) => typeLabel(t, v))}
${select('state', t('상태', 'State'), HISTORY_STATES, (v) => stateName(v as (typeof HISTORY_STATES)[number], t('ko', 'en') as 'ko' | 'en'))}
<label for="q">${t('검색어', 'Search')}</label><input id="q" name="q" type="text" value="${f['q'] ?? ''}" placeholder="${t('템플릿 제목 또는 내용', 'Template title or text')}" style="max-width:16em">
<button type="submit" name="period" value="${period}">${t('조회', 'Search')}</button> <a href="${PATH}">${t('필터초기화', 'Reset filters')}</a></div>
<div class="row" role="group" aria-label="${t('발송일시', 'Sent')}"><span>${t('발송일시', 'Sent')}</span>
${(['1h', 'today', '7d', '1m'] as const).map((p) => html`<button type="submit" name="period" value="${p}" class="${period === p ? '' : 'secondary'}" aria-pressed="${period === p ? 'true' : 'false'}">${names[p]}</button>`)}</div>
<div class="row"><label for="from">${t('시작일', 'From')}</label><input id="from" name="from" type="date" value="${period === 'custom' ? (f['from'] ?? '') : ''}" style="max-width:11em">
<label for="to">${t('종료일', 'To')}</label><input id="to" name="to" type="date" value="${period === 'custom' ? (f['to'] ?? '') : ''}" style="max-width:11em">
<button type="submit" name="period" value="custom" class="${period === 'custom' ? '' : 'secondary'}" aria-pressed="${period === 'custom' ? 'true' : 'false'}">${names.custom}</button></div>
</form>`;
}

function notice(t: T): Raw {
  return html`<div class="notice"><ul>
<li>${t('API 발송내역은 통신사 결과값을 기반으로 표시됩니다.', 'Results are the carriers\' results.')}</li>
<li>${t('문자 발송 후 48시간까지 결과값이 수신되지 않은 경우 실패(비과금)처리 됩니다.', 'No result within 48 hours after sending: failed, not charged.')}</li>
<li>${t('발송내역은 최대 12개월 간 보관되며, 삭제 시 복구가 불가능합니다.', 'History is kept for 12 months; deleted rows cannot be recovered.')}</li>
<li>${t('예약된 발송은 예약목록에서 먼저 취소해야 삭제할 수 있으며, 발송 중인 내역은 결과가 나온 뒤 삭제할 수 있습니다.', 'A reservation is deleted after cancelling it in the reservation list; a batch still sending, once its results are in.')}</li>
</ul></div>`;
}

function table(t: T, h: HistoryPage): Raw {
  if (!h.rows.length) return html`<p class="muted">${t('조회된 발송내역이 없습니다.', 'No sends in this period.')}</p>`;
  const lang = t('ko', 'en') as 'ko' | 'en';
  return html`<table class="history"><thead><tr><th scope="col" aria-label="${t('선택', 'Select')}"></th><th scope="col">${t('유형', 'Type')}</th><th scope="col">${t('템플릿 제목', 'Template title')}</th><th scope="col">${t('발신번호 / 채널ID', 'Sender / channel')}</th>
<th scope="col">${t('발송 건수', 'Sent')}</th><th scope="col">${t('성공', 'Success')}</th><th scope="col">${t('실패', 'Failure')}</th><th scope="col">${t('대기', 'Pending')}</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('최근 발송 일시', 'Last sent')}</th></tr></thead>
<tbody>${h.rows.map((r) => html`<tr data-batch-id="${r.id}"><td><input type="checkbox" name="ids" value="${r.id}" form="history-actions" aria-label="${t(`${r.id}번 선택`, `Select #${r.id}`)}"></td>
<td>${typeName(r, lang)}</td><td><a href="${PATH}/batch?id=${r.id}">${r.title || t('(내용 없음)', '(no text)')}</a></td><td>${r.sender}</td>
<td>${r.total.toLocaleString('ko-KR')}</td><td>${r.success.toLocaleString('ko-KR')}</td><td>${r.failure.toLocaleString('ko-KR')}</td><td>${r.pending.toLocaleString('ko-KR')}</td><td>${stateName(r.state, lang)}</td><td>${kst(r.lastSentAt)}</td></tr>`)}</tbody></table>`;
}

function pager(t: T, f: Record<string, string>, h: HistoryPage): Raw {
  const prev = h.query.page > 1 ? html`<a href="${PATH}${qs(f, { period: h.query.period, page: String(h.query.page - 1) })}" rel="prev">${t('이전', 'Previous')}</a>` : '';
  const next = h.nextPage ? html`<a href="${PATH}${qs(f, { period: h.query.period, page: String(h.nextPage) })}" rel="next">${t('다음', 'Next')}</a>` : '';
  return prev || next ? html`<nav class="row" aria-label="${t('페이지', 'Pages')}">${prev} <span>${t(`${h.query.page} 페이지`, `Page ${h.query.page}`)}</span> ${next}</nav>` : raw('');
}

/** The confirmation step of a deletion: what will go, and a second button that does it. */
function confirmBox(t: T, csrf: string, f: Record<string, string>, c: { kind: 'selected' | 'all'; ids: number[]; count: number }): Raw {
  const what = c.kind === 'selected'
    ? t(`선택한 ${c.ids.length}건의 발송내역을 삭제합니다.`, `Delete the ${c.ids.length} selected rows.`)
    : t(`조회 조건에 맞는 발송내역 ${c.count}건을 모두 삭제합니다 (예약·발송 중인 내역은 남습니다).`, `Delete all ${c.count} rows of this query (reserved and sending ones stay).`);
  return html`<section class="key" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
<h2 id="confirm-title">${c.kind === 'selected' ? t('선택삭제 확인', 'Confirm deletion') : t('전체삭제 확인', 'Confirm deleting all')}</h2>
<p id="confirm-text">${what} <strong>${t('삭제 시 복구가 불가능합니다.', 'There is no recovery.')}</strong></p>
<form method="post" action="${PATH}/${c.kind === 'selected' ? 'delete' : 'delete-all'}" class="row">${csrfField(csrf)}${hiddenFilters(f)}
${c.ids.map((id) => html`<input type="hidden" name="ids" value="${id}">`)}<input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger">${t('삭제', 'Delete')}</button> <a class="button secondary" href="${PATH}${qs(f)}">${t('취소', 'Cancel')}</a></form></section>`;
}

export const messageHistoryPage: UserPage = {
  path: PATH,
  title: (t) => t('연동 API 발송내역', 'Send history'),
  render: async ({ call, t, extra, query, form }, ctx) => {
    const partnerId = partnerOf(call);
    // after a refused post, the filters it carried; else the query string
    const f = (extra['filters'] as Record<string, string> | undefined) ?? (Object.keys(form).length ? historyFilters(form) : historyFilters(query));
    const h1 = html`<h1>${t('연동 API 발송내역', 'Send history')}</h1>`;
    let h: HistoryPage;
    try {
      h = await listMessageHistory(ctx, partnerId, f);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return html`${h1}<p class="alert" role="alert">${composeMessage(e)}</p>${filterForm(t, {})}`;
    }
    const c = extra['confirm'] as { kind: 'selected' | 'all'; ids: number[] } | undefined;
    const toDay = kstDateTime(new Date(h.query.to.getTime() - 1)).slice(0, 10);
    const summary = html`<p class="state" id="history-summary" role="status">${t('기간', 'Period')} <span id="period-from">${kstDateTime(h.query.from).slice(0, 16)}</span> ~ <span id="period-to">${toDay}</span>
· ${t('발송건수', 'Sent')} <strong id="history-count">${h.summary.recipients.toLocaleString('ko-KR')}</strong>${t('건', '')}
<span class="muted">(${t(`요청 ${h.summary.batches}개 · 성공 ${h.summary.success} · 실패 ${h.summary.failure} · 대기 ${h.summary.pending}`, `${h.summary.batches} requests · ${h.summary.success} success · ${h.summary.failure} failed · ${h.summary.pending} pending`)})</span></p>`;
    const actions = html`<form method="post" id="history-actions" action="${PATH}/delete" class="row">${csrfField(call.csrfToken)}${hiddenFilters({ ...f, period: h.query.period })}
<button type="submit" class="secondary">${t('선택삭제', 'Delete selected')}</button>
<button type="submit" class="danger" formaction="${PATH}/delete-all">${t('전체삭제', 'Delete all')}</button>
<button type="submit" formaction="${PATH}/download">${t('엑셀 다운로드', 'Excel download')}</button>
<label class="inline"><input type="checkbox" name="detail" value="recipients"> ${t('수신자 포함', 'With recipients')}</label>
<span class="muted">${t('선택한 내역이 없으면 조회된 전체를 내려받습니다.', 'Without a selection, the whole query is downloaded.')}</span></form>`;
    return html`${h1}${notice(t)}${c ? confirmBox(t, call.csrfToken, { ...f, period: h.query.period }, { ...c, count: h.summary.batches }) : ''}${filterForm(t, { ...f, period: h.query.period })}${summary}${actions}${table(t, h)}${pager(t, f, h)}
<p class="muted">TIP ${t('검색 시 선택한 발송일시 기간을 설정하면, 설정된 기간동안의 총 발송건수를 확인할 수 있습니다.', 'The count is the total of the chosen period.')}</p>`;
  },
  actions: [
    {
      path: `${PATH}/delete`,
      run: async (ctx, call, form) => {
        const f = historyFilters(form);
        const ids = readIds(form['ids']);
        if (!ids) throw new AppError('field_required', '삭제할 발송내역을 선택하세요 (select the rows to delete)', { field: 'ids' });
        if (str(form, 'confirm') !== 'yes') return { render: { filters: f, confirm: { kind: 'selected', ids } } };
        await deleteMessageHistory(ctx, partnerOf(call), { ids });
        return `${PATH}${qs(f, { done: 'history_deleted' })}`;
      },
    },
    {
      path: `${PATH}/delete-all`,
      run: async (ctx, call, form) => {
        const f = historyFilters(form);
        if (str(form, 'confirm') !== 'yes') return { render: { filters: f, confirm: { kind: 'all', ids: [] } } };
        await deleteMessageHistory(ctx, partnerOf(call), { ...f, all: true, confirm: true });
        return `${PATH}${qs(f, { done: 'history_deleted' })}`;
      },
    },
  ],
};

/** POST /portal/api/history/download: the .xlsx of the selected rows, or of the whole query (a session and its CSRF token). */
export function historyDownloadRoute(app: FastifyInstance, ctx: Ctx): void {
  app.post(`${PATH}/download`, { schema: { hide: true } }, async (req, reply) => {
    const form = formOf(req);
    const lang = langOf(req);
    const t = translator(lang);
    try {
      const call = await requireUser(ctx, req, form['_csrf']);
      const x = exportMessageHistory(ctx, partnerOf(call), { ...historyFilters(form), page: undefined, ids: form['ids'] }, { detail: str(form, 'detail') === 'recipients' ? 'recipients' : undefined });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="message-history.xlsx"; filename*=UTF-8''${encodeURIComponent(x.fileName)}`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(x.stream);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.redirect(`/portal/login?next=${encodeURIComponent(PATH)}`, 303);
      return sendHtml(reply, e.status, page({ lang, title: t('연동 API 발송내역', 'Send history'), path: PATH, body: html`<h1>${t('엑셀 다운로드', 'Excel download')}</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${PATH}">${t('발송내역으로', 'Back to the history')}</a></p>` }));
    }
  });
}
