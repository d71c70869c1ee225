/**
 * 매출 문서함 / 매입 문서함: the subscription's sales and purchase ledgers through the documents module's ledger
 * search (search-ledger.ts over list-documents.ts' reader): filters, sort, keyset pages, the selection's totals
 * and its .xlsx download. A bad filter is shown beside its field, with nothing listed.
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { toAppError, type AppError } from '../../../platform/errors.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { ledgerTotals, NTS_STATE_NAMES, PROC_STATE_NAMES, readLedgerQuery, searchLedgerPage, type LedgerQuery } from '../../../modules/documents/search-ledger.ts';
import { exportLedger } from '../../../modules/documents/export-ledger.ts';
import { html, raw, won, type Raw, type T } from '../../html.ts';
import { fieldsOf, requireMember } from '../member-http.ts';
import { errorText, field, fieldError, str, type Form, type MemberPage, type MemberView } from '../member-kit.ts';

const FILTER_FIELDS = ['dateType', 'from', 'to', 'counterparty', 'state', 'ntsState', 'amountMin', 'amountMax', 'item', 'sort', 'dir', 'size'] as const;

/** The query string of the current filters, with some fields replaced. */
function qs(query: Form, change: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const k of FILTER_FIELDS) {
    const v = k in change ? change[k] : str(query, k);
    if (v) p.set(k, v);
  }
  for (const [k, v] of Object.entries(change)) if (!(FILTER_FIELDS as readonly string[]).includes(k) && v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

const select = (v: MemberView, id: string, label: string, options: [string, string][]) => html`<div class="field${v.errors[id] ? ' has-error' : ''}"><label for="${id}">${label}</label>
<select id="${id}" name="${id}"${v.errors[id] ? raw(` aria-invalid="true" aria-describedby="${id}-error"`) : ''}>${options.map(([val, text]) => html`<option value="${val}"${str(v.query, id) === val ? raw(' selected') : ''}>${text}</option>`)}</select>${fieldError(v, id)}</div>`;

function filters(v: MemberView, base: string, ledger: 'sales' | 'purchase'): Raw {
  const { t } = v;
  const fv = { form: v.query, errors: v.errors };
  return html`<form class="filters no-print" method="get" action="${base}" role="search">
<div class="row">
${select(v, 'dateType', t('기간 기준', 'Period by'), [['write', t('작성일자', 'Write date')], ['issue', t('발행일', 'Issue date')]])}
${field(fv, 'from', t('시작일', 'From'), { type: 'date' })}
${field(fv, 'to', t('종료일', 'To'), { type: 'date' })}
${field(fv, 'counterparty', ledger === 'sales' ? t('공급받는자 (상호 또는 번호)', 'Buyer (name or number)') : t('공급자 (상호 또는 번호)', 'Supplier (name or number)'), { size: 22 })}
${field(fv, 'item', t('품목', 'Item'), { size: 16 })}
</div><div class="row">
${select(v, 'state', t('처리상태', 'State'), [['', t('전체', 'All')], ...Object.entries(PROC_STATE_NAMES).map(([k, [ko, en]]) => [k, t(ko, en)] as [string, string])])}
${select(v, 'ntsState', t('국세청 전송', 'NTS'), [['', t('전체', 'All')], ...Object.entries(NTS_STATE_NAMES).map(([k, [ko, en]]) => [k, t(ko, en)] as [string, string])])}
${field(fv, 'amountMin', t('합계 최소 (원)', 'Total from (won)'), { inputmode: 'numeric', size: 12 })}
${field(fv, 'amountMax', t('합계 최대 (원)', 'Total to (won)'), { inputmode: 'numeric', size: 12 })}
${select(v, 'size', t('쪽당', 'Per page'), [['', '50'], ['20', '20'], ['100', '100'], ['200', '200']])}
<input type="hidden" name="sort" value="${str(v.query, 'sort')}"><input type="hidden" name="dir" value="${str(v.query, 'dir')}">
<div><button type="submit">${t('검색', 'Search')}</button> <a class="button secondary" href="${base}">${t('초기화', 'Reset')}</a></div>
</div></form>`;
}

function sortLink(v: MemberView, base: string, key: 'write' | 'issue' | 'total', label: string): Raw {
  const cur = str(v.query, 'sort') || 'write';
  const dir = str(v.query, 'dir') || 'desc';
  const next = cur === key && dir === 'desc' ? 'asc' : 'desc';
  const mark = cur === key ? (dir === 'desc' ? ' ▼' : ' ▲') : '';
  return html`<a href="${base}${qs(v.query, { sort: key, dir: next })}" aria-sort="${cur === key ? (dir === 'desc' ? 'descending' : 'ascending') : 'none'}">${label}${mark}</a>`;
}

const inputDate = (d: string | undefined) => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : '');

async function renderLedger(ctx: Ctx, v: MemberView, ledger: 'sales' | 'purchase'): Promise<Raw> {
  const { t, call } = v;
  const base = ledger === 'sales' ? '/member/sales' : '/member/purchases';
  const title = ledger === 'sales' ? t('매출 문서함', 'Sales ledger') : t('매입 문서함', 'Purchase ledger');
  let q: LedgerQuery;
  try {
    q = readLedgerQuery(ledger, v.query);
  } catch (err) {
    const e: AppError = toAppError(err);
    if (!e.field) throw err;
    v.errors[e.field === 'after' || e.field === 'before' ? 'from' : e.field] = errorText(t, e);
    v.status = e.status;
    return html`<h1>${title}</h1>${filters(v, base, ledger)}<p class="alert" role="alert">${t('검색 조건을 확인하세요.', 'Check the search fields.')}</p>`;
  }
  const [page, totals] = await Promise.all([searchLedgerPage(ctx, call.tenant, q), ledgerTotals(ctx, call.tenant, q)]);
  const other = (r: (typeof page.rows)[number]) => (ledger === 'sales' ? [r.buy_name, r.buy_id] : [r.sup_name, r.sup_bizno]);
  return html`<h1>${title}</h1>
${filters(v, base, ledger)}
<p class="muted" aria-live="polite">${t(`선택 ${totals.count.toLocaleString('ko-KR')}건`, `${totals.count.toLocaleString('en-US')} documents`)}${q.filter.from || q.filter.to ? ` · ${inputDate(q.filter.from)} ~ ${inputDate(q.filter.to)}` : ''}
 · <a href="${base}.xlsx${qs(v.query, {})}">${t('엑셀 다운로드 (.xlsx)', 'Download .xlsx')}</a></p>
<table class="ledger"><thead><tr>
<th>${sortLink(v, base, 'write', t('작성일자', 'Written'))}</th><th>${sortLink(v, base, 'issue', t('발행일시', 'Issued'))}</th>
<th>${ledger === 'sales' ? t('공급받는자', 'Buyer') : t('공급자', 'Supplier')}</th><th>${t('품목', 'Items')}</th>
<th class="num">${t('공급가액', 'Supply')}</th><th class="num">${t('세액', 'VAT')}</th><th class="num">${sortLink(v, base, 'total', t('합계', 'Total'))}</th>
<th>${t('처리상태', 'State')}</th><th>${t('국세청', 'NTS')}</th></tr></thead>
<tbody>${page.rows.length === 0 ? html`<tr><td colspan="9">${t('조건에 맞는 문서가 없습니다.', 'No documents match.')}</td></tr>` : ''}
${page.rows.map((r) => {
  const [name, num] = other(r);
  const ps = PROC_STATE_NAMES[r.proc_state] ?? [r.proc_state, r.proc_state];
  const ns = NTS_STATE_NAMES[r.nts_state] ?? [r.nts_state, r.nts_state];
  return html`<tr><td>${String(r.write_date)}</td><td>${r.issued_at ? kstDateTime(r.issued_at).slice(0, 16) : '-'}</td>
<td><a href="/member/documents/${encodeURIComponent(r.dockey)}">${name}</a><div class="muted">${num}</div></td><td>${r.item_summary}</td>
<td class="num">${won(r.supply_amt)}</td><td class="num">${won(r.tax_amt)}</td><td class="num">${won(r.total_amt)}</td>
<td><span class="badge">${t(ps[0], ps[1])}</span>${r.doc_state === 'D' ? html` <span class="badge">${t('폐기', 'Replaced')}</span>` : ''}</td><td>${t(ns[0], ns[1])}</td></tr>`;
})}</tbody>
<tfoot><tr><td colspan="4">${t('선택 합계', 'Selection total')} (${totals.count.toLocaleString('ko-KR')}${t('건', '')})</td><td class="num" data-total="supply">${won(totals.supply)}</td><td class="num" data-total="tax">${won(totals.tax)}</td><td class="num" data-total="total">${won(totals.total)}</td><td colspan="2"></td></tr></tfoot>
</table>
<nav class="pager no-print" aria-label="${t('쪽 이동', 'Pages')}">
${page.prev || v.query['after'] || v.query['before'] ? html`<a href="${base}${qs(v.query, {})}">${t('« 처음', '« First')}</a>` : ''}
${page.prev ? html`<a rel="prev" href="${base}${qs(v.query, { before: page.prev })}">${t('‹ 이전', '‹ Previous')}</a>` : ''}
${page.next ? html`<a rel="next" href="${base}${qs(v.query, { after: page.next })}">${t('다음 ›', 'Next ›')}</a>` : ''}
</nav>`;
}

function xlsxRoute(ledger: 'sales' | 'purchase') {
  return (app: FastifyInstance, ctx: Ctx) => {
    app.get(`/member/${ledger === 'sales' ? 'sales' : 'purchases'}.xlsx`, { schema: { hide: true } }, async (req, reply) => {
      let call;
      try {
        call = await requireMember(ctx, req);
      } catch {
        return reply.code(303).header('location', '/member').send();
      }
      const q = readLedgerQuery(ledger, fieldsOf(req.query)); // a bad filter: 400 naming the field, before any byte
      const { fileName, stream } = exportLedger(ctx, call.tenant, q);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .header('cache-control', 'no-store')
        .send(stream);
    });
  };
}

const titleOf = (ledger: 'sales' | 'purchase') => (t: T) => (ledger === 'sales' ? t('매출 문서함', 'Sales ledger') : t('매입 문서함', 'Purchase ledger'));

export const salesPage: MemberPage = {
  path: '/member/sales',
  title: titleOf('sales'),
  menu: { order: 10, label: titleOf('sales') },
  render: (ctx, v) => renderLedger(ctx, v, 'sales'),
  routes: xlsxRoute('sales'),
};

export const purchasesPage: MemberPage = {
  path: '/member/purchases',
  title: titleOf('purchase'),
  menu: { order: 20, label: titleOf('purchase') },
  render: (ctx, v) => renderLedger(ctx, v, 'purchase'),
  routes: xlsxRoute('purchase'),
};
