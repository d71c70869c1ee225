/**
 * The recipient's "문서보기" page: the same 전자(세금)계산서 form as the PDF, drawn with HTML tables and
 * inline CSS (공급자 red, 공급받는자 blue), PDF / XML download links and approve / reject forms, and the
 * attached 거래명세서 below. Self-contained: no script, no external style sheet, font or image.
 * Every interpolated value is escaped (`html.ts`).
 *
 * The forms POST `_csrf` (when a token is given) and, for rejection, `reason` (required, ≤ 500 chars).
 */
import type { DocumentInput } from '../model.ts';
import { html, raw, safeUrl, type Raw } from './html.ts';
import { invoiceView, type InvoiceView, type PartyView, type RenderMeta } from './invoice-view.ts';

export interface InvoiceActions {
  approveUrl: string;
  rejectUrl: string;
  pdfUrl: string;
  xmlUrl: string;
  /** Sent as the hidden field `_csrf`. */
  csrfToken?: string;
}

export interface InvoiceHtmlOptions extends RenderMeta {
  /** Download links and approve / reject forms; without it the page is view-only. */
  actions?: InvoiceActions;
  /**
   * Why the document can no longer be approved or rejected (e.g. '이미 승인한 문서입니다.'); shown instead of
   * the approve / reject forms (the download links stay).
   */
  readOnlyReason?: string;
}

/** Longest rejection reason the form accepts. */
export const REJECT_REASON_MAX_LENGTH = 500;

/** The form's style sheet (the page's and, without its `html` / `body` rules, the member web's document screen). */
export const INVOICE_CSS = `
:root{--sup:#c8383b;--sup-bg:#fdeeee;--sup-ink:#b0282b;--buy:#2f5db4;--buy-bg:#ebf1fb;--buy-ink:#234a96;--ink:#1f1f1f;--muted:#5b5b5b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f2f3f5;color:var(--ink);font:14px/1.45 "Nanum Gothic","NanumGothic","Malgun Gothic","맑은 고딕","Apple SD Gothic Neo",sans-serif}
.page{max-width:900px;margin:0 auto;padding:16px}
.sheet{background:#fff;border:1px solid #d5d8dd;padding:18px;margin-bottom:16px}
.scroll{overflow-x:auto}
.form{min-width:760px;--c:var(--buy);--c-bg:var(--buy-bg);--c-ink:var(--buy-ink);border:2px solid var(--c)}
.form.copy-supplier{--c:var(--sup);--c-bg:var(--sup-bg);--c-ink:var(--sup-ink)}
.form table{width:100%;border-collapse:collapse;table-layout:fixed}
.form table+table{border-top:0}
.form th,.form td{border:1px solid var(--c);padding:4px 6px;font-size:13px;vertical-align:middle;overflow-wrap:anywhere}
.form th{background:var(--c-bg);color:var(--c-ink);font-weight:700;text-align:center;font-size:12px}
.form th.sup,.form td.sup{border-color:var(--sup)}
.form th.sup{background:var(--sup-bg);color:var(--sup-ink)}
.form th.buy,.form td.buy{border-color:var(--buy)}
.form th.buy{background:var(--buy-bg);color:var(--buy-ink)}
.form tr>:first-child{border-left:0}
.form tr>:last-child{border-right:0}
.form table:first-child tr:first-child>*{border-top:0}
.form .side{font-size:14px;letter-spacing:.1em;padding:4px 0}
.form .side span{display:inline-block;writing-mode:vertical-rl}
.form:lang(ko) .side span,.form .side span:lang(ko){text-orientation:upright}
.form .side span:lang(en){transform:rotate(180deg)}
.form td.title{font-size:26px;font-weight:800;color:var(--c-ink);text-align:center;padding:10px 6px;letter-spacing:.04em}
.form td.title small{font-size:13px;font-weight:400;letter-spacing:0;margin-left:6px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.c{text-align:center}
.b{font-weight:700}
.id{font-size:14px;font-weight:700;text-align:center;letter-spacing:.02em}
.muted{color:var(--muted);font-size:12px}
.form td.purpose{background:var(--c-bg);text-align:center;font-size:14px}
.purpose strong{color:var(--c-ink)}
.empty td{height:26px}
.facts{margin:10px 0 0;padding:0;list-style:none;color:var(--muted);font-size:12px;display:flex;flex-wrap:wrap;gap:4px 16px}
.draft{margin:0 0 12px;padding:8px 12px;border:1px solid #e3b341;background:#fff8e1;color:#6b4e00}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;margin-bottom:12px}
.bar h1{font-size:18px;margin:0 auto 0 0}
.btn{display:inline-block;padding:8px 14px;border:1px solid #8a9099;border-radius:4px;background:#fff;color:var(--ink);text-decoration:none;font:inherit;cursor:pointer}
.btn:focus-visible,textarea:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
.btn.primary{background:var(--buy);border-color:var(--buy);color:#fff}
.btn.danger{background:#fff;border-color:var(--sup);color:var(--sup-ink)}
.respond{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.respond form{border:1px solid #d5d8dd;padding:12px;margin:0}
.respond h2{font-size:15px;margin:0 0 6px}
.respond p{margin:0 0 10px;font-size:13px;color:var(--muted)}
.respond label{display:block;font-weight:700;margin-bottom:4px}
.respond textarea{width:100%;min-height:70px;font:inherit;padding:6px;border:1px solid #8a9099;border-radius:4px;margin-bottom:10px}
.notice{padding:10px 12px;border-left:4px solid var(--buy);background:var(--buy-bg)}
.stmt-total td{font-size:15px;font-weight:700}
.sum th{text-align:center}
.sum td{font-weight:700}
.memo{white-space:pre-wrap}
h2.section{font-size:16px;margin:0 0 10px}
@media (max-width:640px){.respond{grid-template-columns:1fr}.page{padding:8px}.sheet{padding:10px}}
@media print{body{background:#fff}.page{max-width:none;padding:0}.no-print{display:none!important}.sheet{border:0;padding:0}.stmt{break-before:page}.form{min-width:0}}
`;

/** One row (0–4) of a party half: 등록번호/종사업장, 상호/성명, 주소, 업태/종목, 이메일. */
function partyRow(v: InvoiceView, pv: PartyView, cls: 'sup' | 'buy', row: number): Raw {
  const t = v.text;
  switch (row) {
    case 0:
      return html`<th class="${cls} side" rowspan="5" scope="rowgroup"><span lang="${v.lang}">${pv.heading}</span></th><th class="${cls}" scope="row">${pv.idLabel}</th><td class="${cls} id">${pv.id}</td><th class="${cls}" scope="row">${t.subBizno}</th><td class="${cls} c">${pv.subBizno}</td>`;
    case 1:
      return html`<th class="${cls}" scope="row">${t.name}</th><td class="${cls} b">${pv.name}</td><th class="${cls}" scope="row">${t.ceo}</th><td class="${cls}">${pv.ceoName}</td>`;
    case 2:
      return html`<th class="${cls}" scope="row">${t.address}</th><td class="${cls}" colspan="3">${pv.address}</td>`;
    case 3:
      return html`<th class="${cls}" scope="row">${t.businessType}</th><td class="${cls}">${pv.businessType}</td><th class="${cls}" scope="row">${t.businessItem}</th><td class="${cls}">${pv.businessItem}</td>`;
    default:
      return html`<th class="${cls}" scope="row">${t.email}</th><td class="${cls}" colspan="3">${pv.email}</td>`;
  }
}

const PARTY_COLS = raw(
  '<colgroup><col style="width:3.5%"><col style="width:9.5%"><col style="width:19%"><col style="width:8%"><col style="width:10%">' +
    '<col style="width:3.5%"><col style="width:9.5%"><col style="width:19%"><col style="width:8%"><col style="width:10%"></colgroup>',
);

function partiesTable(v: InvoiceView, caption: string): Raw {
  const rows = [0, 1, 2, 3, 4].map((i) => html`<tr>${partyRow(v, v.supplier, 'sup', i)}${partyRow(v, v.buyer, 'buy', i)}</tr>`);
  return html`<table><caption class="sr">${caption}</caption>${PARTY_COLS}<tbody>${rows}</tbody></table>`;
}

function trusteeTable(v: InvoiceView, pv: PartyView): Raw {
  const t = v.text;
  return html`<table><colgroup><col style="width:11%"><col style="width:9.5%"><col style="width:17%"><col style="width:9.5%"><col><col style="width:8%"><col style="width:14%"></colgroup>
<tbody><tr><th scope="row">${pv.heading}</th><th scope="row">${t.regNo}</th><td class="id">${pv.id}</td><th scope="row">${t.name}</th><td class="b">${pv.name}</td><th scope="row">${t.ceo}</th><td>${pv.ceoName}</td></tr></tbody></table>`;
}

function titleTable(v: InvoiceView, title: string, headingId: string, right: { label: string; value: string; cls?: string }[]): Raw {
  const rows = right.map(
    (r, i) =>
      html`<tr>${i === 0 ? html`<td class="title" rowspan="${right.length}"><h2 id="${headingId}" style="margin:0;font:inherit">${title}<small>${v.copyLabel}</small></h2></td>` : ''}<th scope="row">${r.label}</th><td class="${r.cls ?? 'c'}">${r.value}</td></tr>`,
  );
  return html`<table><colgroup><col><col style="width:12%"><col style="width:28%"></colgroup><tbody>${rows}</tbody></table>`;
}

function invoiceForm(v: InvoiceView): Raw {
  const t = v.text;
  const amended = v.amendment;
  const amountHeads = [t.writeDate, t.supply, ...(v.hasTax ? [t.tax] : []), t.amendReason];
  const amountCols = v.hasTax ? ['16%', '22%', '19%', ''] : ['16%', '26%', ''];
  const amountCells = [
    html`<td class="c">${v.writeDate}</td>`,
    html`<td class="num b">${v.supply}</td>`,
    v.hasTax ? html`<td class="num b">${v.tax}</td>` : '',
    html`<td>${amended ? html`${amended.reason}<br><span class="muted">${t.originalIssueId} ${amended.originalIssueId}</span>` : ''}</td>`,
  ];
  const lineHeads = [t.month, t.day, t.item, t.spec, t.quantity, t.unitPrice, t.lineSupply, ...(v.hasTax ? [t.lineTax] : []), t.lineRemark];
  const lineCols = v.hasTax ? ['4.5%', '4.5%', '', '9%', '7%', '11%', '13%', '11%', '11%'] : ['4.5%', '4.5%', '', '10%', '8%', '12%', '15%', '14%'];
  const lineRows = v.lines.map(
    (l) =>
      html`<tr><td class="c">${l.month}</td><td class="c">${l.day}</td><td>${l.name}</td><td>${l.spec}</td><td class="num">${l.quantity}</td><td class="num">${l.unitPrice}</td><td class="num">${l.supply}</td>${v.hasTax ? html`<td class="num">${l.tax}</td>` : ''}<td>${l.remark}</td></tr>`,
  );
  const filler = Array.from({ length: Math.max(0, 4 - v.lines.length) }, () => html`<tr class="empty" aria-hidden="true">${lineHeads.map(() => raw('<td></td>'))}</tr>`);
  const cols = (widths: string[]) => raw(`<colgroup>${widths.map((w) => (w ? `<col style="width:${w}">` : '<col>')).join('')}</colgroup>`);
  const payHeads = [t.total, ...v.payments.map((p) => p.label)];
  const payVals = [v.total, ...v.payments.map((p) => p.amount)];
  const after = t.thisAmountAfter ? ` ${t.thisAmountAfter}` : '';
  return html`<div class="scroll"><div class="form copy-${v.copy}" role="group" aria-labelledby="inv-title">
${titleTable(v, v.title, 'inv-title', [
  { label: t.issueId, value: v.issueId, cls: 'id' },
  { label: t.type, value: v.typeLabel },
])}
${partiesTable(v, `${t.supplier} / ${t.buyer}`)}
${v.trustee ? trusteeTable(v, v.trustee) : ''}
<table>${cols(amountCols)}<thead><tr>${amountHeads.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody><tr>${amountCells}</tr></tbody></table>
<table><colgroup><col style="width:11%"><col></colgroup><tbody><tr><th scope="row">${t.remarks}</th><td>${v.remarks.map((r, i) => html`${i > 0 ? raw('<br>') : ''}${r}`)}</td></tr></tbody></table>
<table>${cols(lineCols)}<thead><tr>${lineHeads.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${lineRows}${filler}</tbody></table>
<table><colgroup><col style="width:17%"><col><col><col><col><col style="width:22%"></colgroup>
<tbody><tr>${payHeads.map((h) => html`<th scope="col">${h}</th>`)}<td class="purpose" rowspan="2">${t.thisAmountBefore} (<strong>${v.purpose}</strong>)${after}</td></tr>
<tr>${payVals.map((val, i) => html`<td class="num${i === 0 ? ' b' : ''}">${val}</td>`)}</tr></tbody></table>
</div></div>`;
}

function statementSection(v: InvoiceView): Raw {
  const s = v.statement;
  if (!s) return raw('');
  const t = v.text;
  const rows = s.lines.map(
    (l) =>
      html`<tr><td class="c">${l.date}</td><td>${l.name}</td><td>${l.spec}</td><td class="c">${l.unit}</td><td class="num">${l.quantity}</td><td class="num">${l.unitPrice}</td><td class="num">${l.supply}</td><td class="num">${l.tax}</td><td class="num">${l.total}</td><td>${l.remark}</td></tr>`,
  );
  const heads = [t.statementDate, t.item, t.spec, t.unit, t.quantity, t.unitPrice, t.lineSupply, t.lineTax, t.lineTotal, t.lineRemark];
  return html`<section class="sheet stmt" aria-labelledby="stmt-title">
<div class="scroll"><div class="form copy-${v.copy}" role="group" aria-labelledby="stmt-title">
${titleTable(v, s.title, 'stmt-title', [
  { label: t.statementDate, value: s.period },
  { label: t.issueId, value: v.issueId, cls: 'id' },
])}
${partiesTable(v, `${t.supplier} / ${t.buyer}`)}
<table class="stmt-total"><colgroup><col style="width:11%"><col></colgroup><tbody><tr><th scope="row">${t.statementTotal}</th><td>${s.totalInWords}</td></tr></tbody></table>
<table><colgroup><col style="width:11%"><col><col style="width:8%"><col style="width:6%"><col style="width:6%"><col style="width:9%"><col style="width:10.5%"><col style="width:9%"><col style="width:10.5%"><col style="width:8%"></colgroup>
<thead><tr>${heads.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr class="sum"><th scope="row" colspan="6">${t.sum}</th><td class="num">${s.sumSupply}</td><td class="num">${s.sumTax}</td><td class="num">${s.sumTotal}</td><td></td></tr></tfoot></table>
<table><thead><tr>${s.balances.map((b) => html`<th scope="col">${b.label}</th>`)}</tr></thead><tbody><tr>${s.balances.map((b) => html`<td class="num">${b.value}</td>`)}</tr></tbody></table>
<table><colgroup><col style="width:11%"><col></colgroup><tbody><tr><th scope="row">${t.memo}</th><td class="memo">${s.memo}</td></tr></tbody></table>
</div></div></section>`;
}

function factsList(v: InvoiceView): Raw {
  const t = v.text;
  const items: [string, string][] = [];
  if (v.issuedAt) items.push([t.issuedAt, v.issuedAt]);
  items.push([t.dockey, v.dockey]);
  for (const s of v.states) items.push([s.label, s.value]);
  return html`<ul class="facts">${items.map(([k, val]) => html`<li>${k}: <span>${val}</span></li>`)}</ul>`;
}

function actionsBar(v: InvoiceView, opts: InvoiceHtmlOptions): Raw {
  const a = opts.actions;
  if (!a) return raw('');
  const t = v.text;
  return html`<nav class="bar no-print" aria-label="${v.lang === 'en' ? 'Downloads' : '내려받기'}"><a class="btn" href="${safeUrl(a.pdfUrl)}" download>${t.downloadPdf}</a><a class="btn" href="${safeUrl(a.xmlUrl)}" download>${t.downloadXml}</a></nav>`;
}

function respondSection(v: InvoiceView, opts: InvoiceHtmlOptions): Raw {
  const t = v.text;
  const a = opts.actions;
  const notice = opts.readOnlyReason ? html`<p class="notice" role="status">${opts.readOnlyReason}</p>` : '';
  if (!a || opts.readOnlyReason) return notice ? html`<section class="sheet no-print">${notice}</section>` : raw('');
  const csrf = a.csrfToken !== undefined ? html`<input type="hidden" name="_csrf" value="${a.csrfToken}">` : '';
  const heading = v.lang === 'en' ? 'Approve or reject' : '승인 / 거부';
  return html`<section class="sheet no-print" aria-labelledby="respond-title">
<h2 class="section" id="respond-title">${heading}</h2>
<div class="respond">
<form method="post" action="${safeUrl(a.approveUrl)}">${csrf}
<h3 class="sr">${t.approve}</h3>
<p>${t.approveHint}</p>
<button type="submit" class="btn primary">${t.approve}</button>
</form>
<form method="post" action="${safeUrl(a.rejectUrl)}">${csrf}
<label for="reject-reason">${t.rejectReason}</label>
<p id="reject-hint">${t.rejectHint}</p>
<textarea id="reject-reason" name="reason" rows="3" maxlength="${REJECT_REASON_MAX_LENGTH}" required aria-describedby="reject-hint"></textarea>
<button type="submit" class="btn danger">${t.reject}</button>
</form>
</div></section>`;
}

/**
 * The standard form of one document without the page around it (the member web's document screen embeds it, with
 * INVOICE_CSS): the title, the draft notice, the form with its facts, and the attached 거래명세서. No actions.
 */
export function renderInvoiceSheet(doc: DocumentInput, opts: RenderMeta): { title: string; html: string } {
  const v = invoiceView(doc, opts);
  const draft = v.draft ? html`<p class="draft" role="note">${v.text.draftNotice}</p>` : '';
  return {
    title: v.title,
    html: html`<div class="invoice-sheet">${draft}<section class="sheet" aria-label="${v.title}">
${invoiceForm(v)}
${factsList(v)}
</section>
${statementSection(v)}</div>`.html,
  };
}

/**
 * The complete "문서보기" HTML page of one document (UTF-8, `<html lang>` from `opts.lang`).
 * With `opts.actions` it offers PDF / XML downloads and approve / reject forms (unless `readOnlyReason`).
 */
export function renderInvoiceHtml(doc: DocumentInput, opts: InvoiceHtmlOptions): string {
  const v = invoiceView(doc, opts);
  const t = v.text;
  const pageTitle = `${v.title} · ${v.supplier.name} → ${v.buyer.name}`;
  const draft = v.draft ? html`<p class="draft" role="note">${t.draftNotice}</p>` : '';
  const page = html`<!doctype html>
<html lang="${v.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${pageTitle}</title>
<style>${raw(INVOICE_CSS)}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}</style>
</head>
<body>
<main class="page">
<div class="bar"><h1>${v.title} <span class="muted">${v.itemSummary}</span></h1></div>
${actionsBar(v, opts)}
${draft}
<section class="sheet" aria-label="${v.title}">
${invoiceForm(v)}
${factsList(v)}
</section>
${respondSection(v, opts)}
${statementSection(v)}
</main>
</body>
</html>
`;
  return page.html;
}
