/**
 * 발신번호 심사 (operator console): pending sender-number registrations (전기통신사업법 §84-2) with their proof
 * document opened inline, approved or rejected with a comment (required to reject: the partner reads it); below,
 * the reviewed ones, filtered by state.
 */
import type { Ctx } from '../../../platform/context.ts';
import { listSenderNumberReviews } from '../../../modules/messaging/list-sender-number-reviews.ts';
import { reviewSenderNumber } from '../../../modules/messaging/review-sender-number.ts';
import { getSenderNumberProof } from '../../../modules/messaging/get-sender-number-proof.ts';
import type { SenderNumber } from '../../../modules/messaging/sender-number-view.ts';
import type { SenderNumberKind, SenderNumberState } from '../../../modules/messaging/tables.ts';
import { listPartners } from '../../../modules/access/list-partners.ts';
import { html, type Raw, type T } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str } from '../page-kit.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';

const PATH = '/console/sender-numbers';

const KIND: Record<SenderNumberKind, [string, string]> = {
  mobile: ['휴대전화', 'mobile'],
  landline: ['유선전화', 'landline'],
  internet: ['인터넷전화', 'internet phone'],
  representative: ['대표번호', 'representative number'],
  toll_free: ['수신자부담', 'toll-free'],
};
const STATE: Record<SenderNumberState, [string, string]> = {
  pending: ['심사 대기', 'pending'],
  approved: ['승인', 'approved'],
  rejected: ['거절', 'rejected'],
};
const REVIEWED: readonly SenderNumberState[] = ['approved', 'rejected'];

/** A partner's name by id, for every row of a list. */
export async function partnerNames(ctx: Ctx): Promise<(id: number) => string> {
  const byId = new Map((await listPartners(ctx)).map((p) => [p.id, `${p.comName} (${p.bizno})`]));
  return (id) => byId.get(id) ?? `#${id}`;
}

function proofCell(t: T, s: SenderNumber): Raw {
  const href = `${PATH}/${s.id}/proof`;
  const kb = Math.max(1, Math.round(s.proof.sizeBytes / 1024));
  return html`<a href="${href}" target="_blank" rel="noopener" data-proof-link>${s.proof.fileName}</a>
<br><span class="muted">${s.proof.contentType === 'application/pdf' ? 'PDF' : s.proof.contentType.replace('image/', '').toUpperCase()} · ${kb.toLocaleString('ko-KR')} KB · ${t('새 창에서 열림', 'opens in a new tab')}</span>
${s.proof.contentType.startsWith('image/') ? html`<br><a href="${href}" target="_blank" rel="noopener"><img src="${href}" alt="${t(`${s.number} 증빙 서류`, `proof of ${s.number}`)}" style="max-width:220px;max-height:160px;border:1px solid #dde2ea;margin-top:.3em"></a>` : ''}`;
}

function pendingRow(v: ConsoleView, partner: (id: number) => string, s: SenderNumber): Raw {
  const { t, call, form } = v;
  const again = Number(str(form, 'id')) === s.id;
  return html`<tr data-sender-number-id="${s.id}"><td>${s.id}</td><td>${partner(s.partnerId)}</td><td><code>${s.number}</code></td><td>${t(...KIND[s.kind])}</td><td>${s.memo}</td><td>${kst(s.createdAt)}</td>
<td>${proofCell(t, s)}</td>
<td><form method="post" action="${PATH}/${s.id}/approve" class="row">${csrfField(call.csrfToken)}<input type="hidden" name="id" value="${s.id}">
<label for="sna-${s.id}">${t('의견 (선택)', 'Comment (optional)')}</label><input id="sna-${s.id}" name="comment" type="text" maxlength="500" style="max-width:12em">
<button type="submit" aria-label="${t(`${s.number} 승인`, `Approve ${s.number}`)}">${t('승인', 'Approve')}</button></form>
<form method="post" action="${PATH}/${s.id}/reject" class="row">${csrfField(call.csrfToken)}<input type="hidden" name="id" value="${s.id}">
<label for="snr-${s.id}" class="req">${t('거절 사유', 'Reason')}</label><textarea id="snr-${s.id}" name="comment" rows="2" maxlength="500" required style="max-width:14em">${again ? str(form, 'comment') : ''}</textarea>
<button type="submit" class="danger" aria-label="${t(`${s.number} 거절`, `Reject ${s.number}`)}">${t('거절', 'Reject')}</button></form></td></tr>`;
}

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t } = v;
  const filter = str(v.query, 'state');
  const state = (REVIEWED as readonly string[]).includes(filter) ? (filter as SenderNumberState) : undefined;
  const partner = await partnerNames(ctx);
  const pending = await listSenderNumberReviews(ctx, { state: 'pending' });
  const reviewed = state ? await listSenderNumberReviews(ctx, { state }) : (await listSenderNumberReviews(ctx)).filter((s) => s.state !== 'pending');
  const head = html`<th scope="col">No.</th><th scope="col">${t('파트너', 'Partner')}</th><th scope="col">${t('발신번호', 'Number')}</th><th scope="col">${t('구분', 'Kind')}</th><th scope="col">${t('메모', 'Memo')}</th><th scope="col">${t('신청일시', 'Submitted')}</th><th scope="col">${t('증빙 서류', 'Proof')}</th>`;
  return html`<h1>${t('발신번호 심사', 'Sender number reviews')}</h1>
<p class="notice">${t('전기통신사업법 제84조의2: 사전 등록되고 승인된 번호로만 문자를 보낼 수 있습니다. 증빙 서류(통신서비스 이용증명원 등)의 명의와 번호를 확인하세요.', 'Telecommunications Business Act §84-2: messages go out only from registered, approved numbers. Check the name and number on the proof document.')}</p>
<h2 id="pending">${t(`심사 대기 ${pending.length}건`, `${pending.length} waiting`)}</h2>
${pending.length === 0 ? html`<p class="muted">${t('심사 대기 중인 발신번호가 없습니다.', 'No sender numbers waiting.')}</p>` : html`<table aria-labelledby="pending"><thead><tr>${head}<th scope="col">${t('처리', 'Action')}</th></tr></thead>
<tbody>${pending.map((s) => pendingRow(v, partner, s))}</tbody></table>`}
<h2 id="reviewed">${t('심사 완료', 'Reviewed')}</h2>
<form method="get" action="${PATH}" class="row"><label for="sn-state">${t('상태', 'State')}</label><select id="sn-state" name="state" style="max-width:12em">
<option value="">${t('전체', 'All')}</option>${REVIEWED.map((s) => html`<option value="${s}"${state === s ? html` selected` : ''}>${t(...STATE[s])}</option>`)}</select>
<button type="submit" class="secondary">${t('조회', 'Show')}</button></form>
<table aria-labelledby="reviewed"><thead><tr>${head}<th scope="col">${t('상태', 'State')}</th><th scope="col">${t('심사일시 / 의견', 'Reviewed / comment')}</th></tr></thead>
<tbody>${reviewed.map((s) => html`<tr data-sender-number-id="${s.id}"><td>${s.id}</td><td>${partner(s.partnerId)}</td><td><code>${s.number}</code></td><td>${t(...KIND[s.kind])}</td><td>${s.memo}</td><td>${kst(s.createdAt)}</td><td>${proofCell(t, s)}</td>
<td>${t(...STATE[s.state])}</td><td>${kst(s.reviewedAt)}${s.reviewComment ? html`<br><span class="muted">${s.reviewComment}</span>` : ''}</td></tr>`)}</tbody></table>
${reviewed.length === 0 ? html`<p class="muted">${t('해당하는 발신번호가 없습니다.', 'None.')}</p>` : ''}`;
}

export const senderNumberReviewScreen: ConsoleScreen = {
  path: PATH,
  title: (t) => t('발신번호 심사', 'Sender number reviews'),
  render,
  doneMessages: {
    approved: ['발신번호를 승인했습니다. 파트너가 이 번호로 발송할 수 있습니다.', 'Approved: the partner can send from this number.'],
    rejected: ['발신번호를 거절했습니다. 파트너에게 사유가 표시됩니다.', 'Rejected: the partner sees the reason.'],
  },
  actions: [
    { path: `${PATH}/:id/approve`, done: 'approved', run: (ctx, c, form, id) => reviewSenderNumber(ctx, { id, decision: 'approve', input: form, actor: c.actor }) },
    { path: `${PATH}/:id/reject`, done: 'rejected', run: (ctx, c, form, id) => reviewSenderNumber(ctx, { id, decision: 'reject', input: form, actor: c.actor }) },
  ],
  files: [{ path: `${PATH}/:id/proof`, read: (ctx, id) => getSenderNumberProof(ctx, id) }],
};
