/**
 * 연동 API 관리 > 정산 > 결제예정내역 (partners only, docs/settlement.md): filters (유형, 조회 월 or 직접 입력 기간, 검색어)
 * in a GET form, the period's totals (공급가액, 부가세, 합계), the table of ledger rows with checkboxes, paging, and
 * 엑셀 다운로드 of the selection or of the whole query (POST with the session's CSRF token).
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError } from '../../../platform/errors.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { html, raw, translator, won, type Raw, type T } from '../../html.ts';
import { csrfField, kst, page } from '../layout.ts';
import { formOf, str, type Form, type UserPage } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';
import { langOf, partnerOf, requireUser } from '../portal-http.ts';
import { CHARGE_TYPES, chargeTypeName, listExpectedCharges, type ExpectedChargesPage } from '../../../modules/settlement/expected-charges.ts';
import { exportExpectedCharges } from '../../../modules/settlement/export-expected-charges.ts';

const PATH = '/portal/api/billing/expected';
const QUERY_KEYS = ['type', 'month', 'from', 'to', 'q', 'page'] as const;

export function expectedFilters(f: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of QUERY_KEYS) if (str(f, k) !== '') out[k] = str(f, k);
  // the form's month field keeps a value while a period is typed in: the period wins
  if (out['from'] || out['to']) delete out['month'];
  return out;
}
const qs = (f: Record<string, string>, extra: Record<string, string> = {}) => {
  const s = new URLSearchParams({ ...f, ...extra }).toString();
  return s ? `?${s}` : '';
};
const hiddenFilters = (f: Record<string, string>): Raw[] => Object.entries(f).filter(([k]) => k !== 'page').map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);

function filterForm(t: T, f: Record<string, string>, month: string | null): Raw {
  const lang = t('ko', 'en') as 'ko' | 'en';
  return html`<form method="get" action="${PATH}" class="filters" aria-label="${t('결제예정내역 조회 조건', 'Expected charges filters')}">
<div class="row"><label for="type">${t('유형', 'Type')}</label><select id="type" name="type" style="max-width:12em"><option value="">${t('전체', 'All')}</option>${CHARGE_TYPES.map((v) => html`<option value="${v}"${f['type'] === v ? raw(' selected') : ''}>${chargeTypeName(v, lang)}</option>`)}</select>
<label for="q">${t('검색어', 'Search')}</label><input id="q" name="q" type="text" value="${f['q'] ?? ''}" placeholder="${t('템플릿 제목 또는 내용', 'Template title or text')}" style="max-width:16em">
<label for="month">${t('조회 월', 'Month')}</label><input id="month" name="month" type="month" value="${f['from'] || f['to'] ? '' : (month ?? f['month'] ?? '')}" style="max-width:10em">
<button type="submit">${t('조회', 'Search')}</button> <a href="${PATH}">${t('필터초기화', 'Reset filters')}</a></div>
<div class="row"><label for="from">${t('시작일', 'From')}</label><input id="from" name="from" type="date" value="${f['from'] ?? ''}" style="max-width:11em">
<label for="to">${t('종료일', 'To')}</label><input id="to" name="to" type="date" value="${f['to'] ?? ''}" style="max-width:11em">
<span class="muted">${t('기간을 입력하면 조회 월 대신 그 기간을 조회합니다.', 'A period replaces the month.')}</span></div>
</form>`;
}

function table(t: T, h: ExpectedChargesPage): Raw {
  if (!h.rows.length) return html`<p class="muted">${t('조회된 이용내역이 없습니다.', 'No usage in this period.')}</p>`;
  const lang = t('ko', 'en') as 'ko' | 'en';
  return html`<table class="charges"><thead><tr><th scope="col" aria-label="${t('선택', 'Select')}"></th><th scope="col">${t('유형', 'Type')}</th><th scope="col">${t('템플릿 제목 / 문서 번호', 'Template title / document')}</th><th scope="col">${t('발신번호 / 채널ID / 거래처', 'Sender / channel / buyer')}</th>
<th scope="col">${t('수신번호', 'Recipient')}</th><th scope="col">${t('발송일시', 'Sent')}</th><th scope="col">${t('이용금액 (VAT 별도)', 'Amount (VAT excl.)')}</th></tr></thead>
<tbody>${h.rows.map((r) => html`<tr data-row-id="${r.id}"><td><input type="checkbox" name="ids" value="${r.id}" form="charges-actions" aria-label="${t(`${r.id}번 선택`, `Select #${r.id}`)}"></td>
<td>${chargeTypeName(r.type, lang)}</td><td>${r.title || r.documentNo}</td><td>${r.sender || r.counterparty}</td><td>${r.recipient}</td><td>${kst(r.sentAt)}</td><td class="num">${won(r.amountKrw)}${t('원', ' KRW')}</td></tr>`)}</tbody></table>`;
}

function pager(t: T, f: Record<string, string>, h: ExpectedChargesPage): Raw {
  const prev = h.query.page > 1 ? html`<a href="${PATH}${qs(f, { page: String(h.query.page - 1) })}" rel="prev">${t('이전', 'Previous')}</a>` : '';
  const next = h.nextPage ? html`<a href="${PATH}${qs(f, { page: String(h.nextPage) })}" rel="next">${t('다음', 'Next')}</a>` : '';
  return prev || next ? html`<nav class="row" aria-label="${t('페이지', 'Pages')}">${prev} <span>${t(`${h.query.page} 페이지`, `Page ${h.query.page}`)}</span> ${next}</nav>` : raw('');
}

export const expectedChargesPage: UserPage = {
  path: PATH,
  title: (t) => t('결제예정내역', 'Expected charges'),
  render: async ({ call, t, query }, ctx) => {
    const partnerId = partnerOf(call);
    const f = expectedFilters(query);
    const h1 = html`<h1>${t('정산 · 결제예정내역', 'Settlement · Expected charges')}</h1>`;
    let h: ExpectedChargesPage;
    try {
      h = await listExpectedCharges(ctx, partnerId, f);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return html`${h1}<p class="alert" role="alert">${composeMessage(e)}</p>${filterForm(t, {}, null)}`;
    }
    const toDay = kstDateTime(new Date(h.query.to.getTime() - 1)).slice(0, 10);
    const totals = html`<p class="state" id="charges-summary" role="status">${t('기간', 'Period')} <span id="period-from">${h.query.fromDate}</span> ~ <span id="period-to">${toDay}</span>
· ${t('건수', 'Rows')} <strong id="charges-count">${won(h.totals.count)}</strong>
· ${t('공급가액', 'Supply')} <strong id="charges-supply">${won(h.totals.supplyKrw)}</strong>${t('원', ' KRW')}
· ${t('부가세', 'VAT')} <strong id="charges-vat">${won(h.totals.vatKrw)}</strong>${t('원', ' KRW')}
· ${t('합계', 'Total')} <strong id="charges-total">${won(h.totals.totalKrw)}</strong>${t('원', ' KRW')}</p>`;
    const actions = html`<form method="post" id="charges-actions" action="${PATH}/download" class="row">${csrfField(call.csrfToken)}${hiddenFilters(f)}
<button type="submit">${t('엑셀 다운로드', 'Excel download')}</button>
<span class="muted">${t('선택한 내역이 없으면 조회된 전체를 내려받습니다.', 'Without a selection, the whole query is downloaded.')}</span></form>`;
    return html`${h1}<div class="notice"><ul>
<li>${t('후불 정산: 매월 이용한 금액이 다음 달 청구됩니다 (이용금액은 VAT 별도, 부가세는 기간 공급가액의 10%, 원 미만 절사).', 'Postpaid: a month\'s usage is billed the next month (amounts exclude VAT; VAT is 10 % of the period\'s supply, rounded down to the won).')}</li>
<li>${t('메시지는 수신 성공 건만, 세금계산서는 발행 건, 국세청 전송은 전송 성공 건만 과금됩니다.', 'Only delivered messages, issued documents and accepted NTS filings are charged.')}</li>
</ul></div>${filterForm(t, f, h.query.month)}${totals}${actions}${table(t, h)}${pager(t, f, h)}`;
  },
  actions: [],
};

/** POST /portal/api/billing/expected/download: the .xlsx of the selected rows, or of the whole query. */
export function expectedChargesDownloadRoute(app: FastifyInstance, ctx: Ctx): void {
  app.post(`${PATH}/download`, { schema: { hide: true } }, async (req, reply) => {
    const form = formOf(req);
    const lang = langOf(req);
    const t = translator(lang);
    try {
      const call = await requireUser(ctx, req, form['_csrf']);
      const x = exportExpectedCharges(ctx, partnerOf(call), { ...expectedFilters(form), page: undefined, ids: form['ids'] });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="expected-charges.xlsx"; filename*=UTF-8''${encodeURIComponent(x.fileName)}`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(x.stream);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.redirect(`/portal/login?next=${encodeURIComponent(PATH)}`, 303);
      return sendHtml(reply, e.status, page({ lang, title: t('결제예정내역', 'Expected charges'), path: PATH, body: html`<h1>${t('엑셀 다운로드', 'Excel download')}</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${PATH}">${t('결제예정내역으로', 'Back to expected charges')}</a></p>` }));
    }
  });
}
