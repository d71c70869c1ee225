/**
 * 역발행 요청 (/member/reverse, menu 60): the 요청함 — requests received (addressed to the member's proven business
 * number: 발행 / 거부 with a reason) and sent (철회) — and the request form (/member/reverse/new: the supplier by
 * business number, name, 대표자 and e-mail; 작성일자, 영수/청구, up to 10 lines; the buyer is the member itself). The
 * same use cases as REST and reverse.aspx (modules/documents/reverse-*.ts), so the same validation and field-named
 * errors, shown beside the fields. The form carries a one-time subkey: sending it twice makes one request.
 * A supplier known only by e-mail opens `/member/reverse/link/{reqkey}?t=…` from its mail, without logging in.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../../platform/errors.ts';
import { kstDate } from '../../../platform/clock.ts';
import { createReverseRequest } from '../../../modules/documents/reverse-create.ts';
import { listReverseRequests, type ReverseBox } from '../../../modules/documents/reverse-list.ts';
import { withdrawReverseRequest } from '../../../modules/documents/reverse-withdraw.ts';
import { refuseReverseRequest } from '../../../modules/documents/reverse-refuse.ts';
import { issueReverseRequest } from '../../../modules/documents/reverse-issue.ts';
import { findByReverseLink, reverseViews, type ReverseView } from '../../../modules/documents/reverse-requests.ts';
import { escapeHtml, html, raw, won, type Raw, type T } from '../../html.ts';
import { csrfField, field, fieldError, str, type Form, type MemberPage, type MemberView } from '../member-kit.ts';

const MAX_LINES = 10;
const STATE_NAMES: Record<string, [string, string]> = { requested: ['요청', 'Requested'], issued: ['발행', 'Issued'], refused: ['거부', 'Refused'], withdrawn: ['철회', 'Withdrawn'] };
const stateBadge = (t: T, s: string) => html`<span class="badge" data-state="${s}">${t(...(STATE_NAMES[s] ?? [s, s]))}</span>`;

/** Integer won from a form field: blank → undefined; anything else is the use case's to judge (kept as text). */
function amount(text: string): number | string | undefined {
  const s = text.replace(/[,\s원]/g, '');
  if (s === '') return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : text;
}

/** The form → the API's document shape (field names are the API's, so errors land beside the fields). */
function requestInput(f: Form, member: { bizno: string }): unknown {
  const writeDate = str(f, 'writeDate').replace(/-/g, '');
  const lines: Record<string, unknown>[] = [];
  for (let i = 0; i < MAX_LINES; i++) {
    const name = str(f, `lines[${i}].name`).trim();
    const supply = amount(str(f, `lines[${i}].supply`));
    if (name === '' && supply === undefined) continue;
    const taxIn = amount(str(f, `lines[${i}].tax`));
    // 10 % VAT help: a blank tax is 10 % of the supply (rounded down), as on the write form
    const tax = taxIn === undefined && typeof supply === 'number' ? Math.floor(supply / 10) : taxIn;
    lines.push({ month: Number(writeDate.slice(4, 6)) || undefined, day: Number(writeDate.slice(6, 8)) || undefined, name, supply, tax });
  }
  const sum = (k: 'supply' | 'tax') => lines.reduce((s, l) => s + (typeof l[k] === 'number' ? (l[k] as number) : 0), 0);
  return {
    kind: 'tax_invoice',
    purpose: str(f, 'purpose') === 'claim' ? 'claim' : 'receipt',
    writeDate,
    supplier: { bizno: str(f, 'supplier.bizno').replace(/-/g, '').trim(), name: str(f, 'supplier.name').trim(), ceoName: str(f, 'supplier.ceoName').trim() },
    buyer: { idType: 'business', id: member.bizno, ...(str(f, 'buyer.email').trim() ? { contacts: [{ email: str(f, 'buyer.email').trim() }] } : {}) },
    amounts: { supply: sum('supply'), tax: sum('tax'), total: sum('supply') + sum('tax') },
    lines,
    ...(str(f, 'remark').trim() ? { remarks: [str(f, 'remark').trim()] } : {}),
  };
}

function requestForm(v: MemberView, now: Date): Raw {
  const { t, call } = v;
  const subkey = str(v.form, 'subkey') || `web-${crypto.randomBytes(9).toString('hex')}`;
  const today = kstDate(now);
  const rows = Array.from({ length: 5 }, (_, i) => {
    const cell = (k: string, label: string, mode: string) =>
      html`<td><input name="lines[${i}].${k}" aria-label="${label} ${i + 1}" value="${str(v.form, `lines[${i}].${k}`)}"${raw(mode)}${v.errors[`lines[${i}].${k}`] ? raw(' aria-invalid="true"') : ''}>${fieldError(v, `lines[${i}].${k}`)}</td>`;
    return html`<tr>${cell('name', t('품목', 'Item'), '')}${cell('supply', t('공급가액', 'Supply'), ' inputmode="numeric"')}${cell('tax', t('세액', 'VAT'), ' inputmode="numeric" placeholder="10%"')}</tr>`;
  });
  return html`<form method="post" action="/member/reverse/new" id="reverse-form">${csrfField(call.csrfToken)}
<input type="hidden" name="subkey" value="${subkey}">
<h2>${t('공급자 (발행할 곳)', 'Supplier (who issues it)')}</h2>
<div class="row">${field(v, 'supplier.bizno', t('사업자등록번호', 'Business number'), { required: true, inputmode: 'numeric', size: 14 })}
${field(v, 'supplier.name', t('상호', 'Name'), { hint: t('공급자가 회원이면 비워 두어도 됩니다', 'may be left blank when the supplier is a member') })}
${field(v, 'supplier.ceoName', t('대표자', 'CEO'))}
${field(v, 'supplierEmail', t('공급자 이메일 (요청 메일)', 'Supplier e-mail (request mail)'), { type: 'email' })}</div>
<h2>${t('공급받는자', 'Buyer')}</h2>
<p>${call.member.comName} (${call.member.bizno}) ${fieldError(v, 'buyer.id')}</p>
<div class="row">${field(v, 'buyer.email', t('받을 이메일 (발행된 세금계산서)', 'Your e-mail (for the issued invoice)'), { type: 'email', value: call.member.email })}</div>
<h2>${t('내용', 'Content')}</h2>
<div class="row">${field(v, 'writeDate', t('작성일자', 'Write date'), { type: 'date', required: true, value: `${today.slice(0, 4)}-${today.slice(4, 6)}-${today.slice(6, 8)}` })}
<div class="field"><label for="purpose">${t('영수/청구', 'Receipt / claim')}</label><select id="purpose" name="purpose"><option value="receipt"${str(v.form, 'purpose') === 'claim' ? '' : raw(' selected')}>${t('영수', 'Receipt')}</option><option value="claim"${str(v.form, 'purpose') === 'claim' ? raw(' selected') : ''}>${t('청구', 'Claim')}</option></select></div></div>
${fieldError(v, 'lines')}${fieldError(v, 'amounts')}${fieldError(v, 'amounts.total')}
<table class="ledger" id="reverse-lines"><thead><tr><th>${t('품목', 'Item')}</th><th class="num">${t('공급가액', 'Supply')}</th><th class="num">${t('세액 (비우면 10%)', 'VAT (blank: 10 %)')}</th></tr></thead><tbody>${rows}</tbody></table>
${field(v, 'remark', t('비고', 'Remark'))}
<div class="actions"><button type="submit" id="reverse-submit">${t('역발행 요청', 'Send the request')}</button> <a class="button secondary" href="/member/reverse">${t('취소', 'Cancel')}</a></div>
</form>`;
}

function box(v: MemberView): ReverseBox {
  return v.query['box'] === 'sent' ? 'sent' : 'received';
}

function requestRow(t: T, csrf: string, b: ReverseBox, r: ReverseView): Raw {
  const other = b === 'received' ? html`${r.buyer.name}<div class="muted">${r.buyer.bizno}</div>` : html`${r.supplier.name}<div class="muted">${r.supplier.bizno}</div>`;
  const base = `/member/reverse/${r.reqkey}`;
  const actions =
    r.state !== 'requested'
      ? r.dockey ? html`<a href="/member/documents/${r.dockey}">${t('문서 보기', 'Open the document')}</a>` : r.reason ? html`<span class="muted">${r.reason}</span>` : ''
      : b === 'received'
        ? html`<form method="post" action="${base}/issue" class="inline">${csrfField(csrf)}<button type="submit" data-action="issue">${t('발행', 'Issue')}</button></form>
<form method="post" action="${base}/refuse" class="inline">${csrfField(csrf)}<input name="reason" aria-label="${t('거부 사유', 'Reason to refuse')}" placeholder="${t('거부 사유', 'Reason')}" size="14"> <button type="submit" class="danger" data-action="refuse">${t('거부', 'Refuse')}</button></form>`
        : html`<form method="post" action="${base}/withdraw" class="inline">${csrfField(csrf)}<button type="submit" class="secondary" data-action="withdraw">${t('철회', 'Withdraw')}</button></form>`;
  return html`<tr data-reqkey="${r.reqkey}"><td>${r.writeDate}</td><td>${other}</td><td>${r.itemSummary}</td><td class="num">${won(r.amounts.total)}</td><td>${stateBadge(t, r.state)}</td><td>${actions}</td></tr>`;
}

async function renderBox(ctx: Ctx, v: MemberView): Promise<Raw> {
  const { t, call } = v;
  const b = box(v);
  const state = typeof v.query['state'] === 'string' && STATE_NAMES[v.query['state']] ? v.query['state'] : undefined;
  const after = typeof v.query['after'] === 'string' && v.query['after'] ? v.query['after'] : undefined;
  const page = await listReverseRequests(ctx, call.tenant, b, { state, limit: 50, after });
  const tab = (which: ReverseBox, label: string) => (which === b ? html`<strong aria-current="page">${label}</strong>` : html`<a href="/member/reverse?box=${which}">${label}</a>`);
  return html`<h1>${t('역발행 요청', 'Reverse issuance')}</h1>
<p class="muted">${t('매입자가 세금계산서를 작성해 공급자에게 발행을 요청합니다. 공급자가 발행하면 승인번호가 붙은 일반 세금계산서가 됩니다.', 'The buyer writes the invoice and asks its supplier to issue it; once issued it is an ordinary invoice with an approval number.')}</p>
<div class="actions"><a class="button" href="/member/reverse/new" id="reverse-new">${t('새 역발행 요청', 'New request')}</a></div>
<nav class="filters" aria-label="${t('요청함', 'Boxes')}">${tab('received', t('받은 요청', 'Received'))} · ${tab('sent', t('보낸 요청', 'Sent'))}
 · <form method="get" action="/member/reverse" class="inline"><input type="hidden" name="box" value="${b}"><select name="state" aria-label="${t('상태', 'State')}"><option value="">${t('전체', 'All')}</option>${Object.entries(STATE_NAMES).map(([k, n]) => html`<option value="${k}"${state === k ? raw(' selected') : ''}>${t(n[0], n[1])}</option>`)}</select> <button type="submit" class="secondary">${t('보기', 'Show')}</button></form></nav>
<table class="ledger" id="reverse-box"><thead><tr><th>${t('작성일자', 'Written')}</th><th>${b === 'received' ? t('요청한 곳 (공급받는자)', 'Buyer') : t('공급자', 'Supplier')}</th><th>${t('품목', 'Items')}</th><th class="num">${t('합계', 'Total')}</th><th>${t('상태', 'State')}</th><th>${t('처리', 'Actions')}</th></tr></thead>
<tbody>${page.items.length === 0 ? html`<tr><td colspan="6">${t('요청이 없습니다.', 'No requests.')}</td></tr>` : page.items.map((r) => requestRow(t, call.csrfToken, b, r))}</tbody></table>
${page.next ? html`<nav class="pager no-print"><a rel="next" href="/member/reverse?box=${b}${state ? `&state=${state}` : ''}&after=${page.next}">${t('다음 ›', 'Next ›')}</a></nav>` : ''}`;
}

const back = (b: ReverseBox, done: string) => `/member/reverse?box=${b}&done=${done}`;

export const reversePage: MemberPage = {
  path: '/member/reverse',
  title: (t) => t('역발행 요청', 'Reverse issuance'),
  menu: { order: 60, label: (t) => t('역발행 요청', 'Reverse issuance') },
  done: {
    sent: (t) => t('역발행을 요청했습니다. 공급자에게 메일을 보냈습니다.', 'Requested: the supplier was mailed.'),
    issued: (t) => t('발행했습니다. 승인번호가 부여되었고 공급받는자에게 메일을 보냈습니다.', 'Issued with an approval number; the buyer was mailed.'),
    refused: (t) => t('요청을 거부했습니다. 요청한 곳에 사유를 메일로 알렸습니다.', 'Refused; the buyer was mailed the reason.'),
    withdrawn: (t) => t('요청을 철회했습니다.', 'Request withdrawn.'),
  },
  render: renderBox,
  actions: [
    { path: '/member/reverse/:reqkey/issue', run: async (ctx, call, _form, _req, _reply, p) => (await issueReverseRequest(ctx, call.tenant, p['reqkey'] ?? ''), back('received', 'issued')) },
    { path: '/member/reverse/:reqkey/refuse', run: async (ctx, call, form, _req, _reply, p) => (await refuseReverseRequest(ctx, call.tenant, p['reqkey'] ?? '', str(form, 'reason')), back('received', 'refused')) },
    { path: '/member/reverse/:reqkey/withdraw', run: async (ctx, call, _form, _req, _reply, p) => (await withdrawReverseRequest(ctx, call.tenant, p['reqkey'] ?? ''), back('sent', 'withdrawn')) },
  ],
  routes: (app, ctx) => linkRoute(app, ctx),
};

export const reverseNewPage: MemberPage = {
  path: '/member/reverse/new',
  title: (t) => t('새 역발행 요청', 'New reverse-issuance request'),
  async render(ctx, v) {
    const { t } = v;
    return html`<h1>${t('새 역발행 요청', 'New reverse-issuance request')}</h1>
<p class="muted">${t('공급자의 사업자등록번호로 요청합니다. 공급자가 회원이면 요청함에 나타나고, 아니면 입력한 이메일로 요청 링크를 보냅니다.', 'Addressed by business number: a member supplier sees it in its box; otherwise the e-mail gets a link to it.')}</p>
${requestForm(v, ctx.clock.now())}`;
  },
  actions: [
    {
      path: '/member/reverse/new',
      run: async (ctx, call, form) => {
        await createReverseRequest(ctx, call.tenant, { input: requestInput(form, call.member), supplierEmail: str(form, 'supplierEmail'), subkey: str(form, 'subkey') });
        return back('sent', 'sent');
      },
    },
  ],
};

/** The page behind the supplier's mail link (no login: the token is the capability). */
function linkRoute(app: FastifyInstance, ctx: Ctx): void {
  const page = (reply: FastifyReply, status: number, title: string, body: string) =>
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem">${body}</body></html>`);
  app.get('/member/reverse/link/:reqkey', { schema: { hide: true } }, async (req, reply) => {
    const reqkey = String((req.params as Record<string, unknown>)['reqkey'] ?? '');
    const q = req.query as Record<string, unknown>;
    try {
      if (q['t'] !== undefined && typeof q['t'] !== 'string') throw new AppError('field_invalid', '한 번만 보내야 합니다 (expected one value)', { field: 't' });
      const row = await findByReverseLink(ctx.db, ctx.masterKey, reqkey, (q['t'] as string | undefined) ?? '');
      const r = (await reverseViews(ctx.db, [row], true))[0]!;
      const lines = (r.document?.lines ?? []).map((l) => `<tr><td>${escapeHtml(l.name ?? '')}</td><td style="text-align:right">${won(l.supply)}</td><td style="text-align:right">${won(l.tax ?? 0)}</td></tr>`).join('');
      return page(reply, 200, '역발행 요청', `<h1>역발행 요청 <small>(reverse-issuance request)</small></h1>
<p>요청키 <code id="reqkey">${escapeHtml(r.reqkey)}</code> · 상태 <strong id="state">${escapeHtml((STATE_NAMES[r.state] ?? [r.state])[0])}</strong></p>
<table><tbody><tr><th>공급자</th><td>${escapeHtml(r.supplier.name)} (${escapeHtml(r.supplier.bizno)})</td></tr><tr><th>공급받는자</th><td>${escapeHtml(r.buyer.name)} (${escapeHtml(r.buyer.bizno)})</td></tr><tr><th>작성일자</th><td>${escapeHtml(r.writeDate)}</td></tr></tbody></table>
<table><thead><tr><th>품목</th><th>공급가액</th><th>세액</th></tr></thead><tbody>${lines}</tbody><tfoot><tr><td>합계 ${won(r.amounts.total)}원</td></tr></tfoot></table>
<p>Hanbill 회원으로 가입하고 사업자등록번호를 인증(인증서 등록)하면 <a href="/member">회원 웹</a>의 역발행 요청함에서 이 요청을 발행하거나 거부할 수 있습니다.</p>
<p lang="en">Join Hanbill and prove your business number (upload your certificate) to issue or refuse this request in the member web.</p>`);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') ctx.log.error({ err }, 'reverse link page failed');
      return page(reply, e.status, '요청을 찾을 수 없습니다', `<h1>요청을 찾을 수 없습니다</h1><p>${escapeHtml(composeMessage(e))}</p>`);
    }
  });
}
