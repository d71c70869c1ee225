/**
 * 카카오 채널 (operator console): every partner's Kakao channels (발신 프로필) with their state — pending (token
 * not confirmed yet), active, dormant, blocked — filtered by state; a confirmed channel is set dormant, blocked
 * or back to active with a comment the partner reads.
 */
import type { Ctx } from '../../../platform/context.ts';
import { listKakaoChannelsForReview } from '../../../modules/messaging/list-kakao-channels-for-review.ts';
import { setKakaoChannelState } from '../../../modules/messaging/set-kakao-channel-state.ts';
import type { KakaoChannel } from '../../../modules/messaging/kakao-channel-view.ts';
import type { KakaoChannelState } from '../../../modules/messaging/tables.ts';
import { html, type Raw } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str } from '../page-kit.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';
import { partnerNames } from './sender-number-review.ts';

const PATH = '/console/kakao-channels';

const STATE: Record<KakaoChannelState, [string, string]> = {
  pending: ['토큰 인증 대기', 'pending'],
  active: ['정상', 'active'],
  dormant: ['휴면', 'dormant'],
  blocked: ['차단', 'blocked'],
};
const STATES = Object.keys(STATE) as KakaoChannelState[];
const TARGETS: readonly KakaoChannelState[] = ['active', 'dormant', 'blocked'];

function actionCell(v: ConsoleView, c: KakaoChannel): Raw {
  const { t, call, form } = v;
  if (c.state === 'pending') return html`<span class="muted">${t('관리자 카카오톡 토큰 인증 전', 'waiting for the admin to confirm the token')}</span>`;
  const again = Number(str(form, 'id')) === c.id;
  return html`<form method="post" action="${PATH}/${c.id}/state" class="stack">${csrfField(call.csrfToken)}<input type="hidden" name="id" value="${c.id}">
<label for="kcs-${c.id}">${t('변경할 상태', 'New state')}</label><select id="kcs-${c.id}" name="state" style="max-width:12em">
${TARGETS.filter((s) => s !== c.state).map((s) => html`<option value="${s}"${again && str(form, 'state') === s ? html` selected` : ''}>${t(...STATE[s])} (${s})</option>`)}</select>
<label for="kcc-${c.id}">${t('사유 (파트너에게 표시됩니다)', 'Comment (shown to the partner)')}</label><input id="kcc-${c.id}" name="comment" type="text" maxlength="500" value="${again ? str(form, 'comment') : ''}">
<p><button type="submit" aria-label="${t(`${c.searchId} 상태 변경`, `Change the state of ${c.searchId}`)}">${t('상태 변경', 'Change state')}</button></p></form>`;
}

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t } = v;
  const asked = str(v.query, 'state');
  const state = (STATES as string[]).includes(asked) ? (asked as KakaoChannelState) : undefined;
  const list = await listKakaoChannelsForReview(ctx, { state });
  const partner = await partnerNames(ctx);
  const all = state ? undefined : list;
  const count = (s: KakaoChannelState) => (all ?? []).filter((c) => c.state === s).length;
  return html`<h1>${t('카카오 채널 관리', 'Kakao channels')}</h1>
<p class="notice">${t('발신 프로필(카카오톡 채널)은 관리자 휴대전화의 카카오톡 토큰 인증 후 정상(active)이 됩니다. 차단·휴면된 채널로는 발송할 수 없습니다.', 'A sender profile (KakaoTalk channel) becomes active once its admin confirms the token sent to their KakaoTalk. Blocked or dormant channels cannot send.')}</p>
<form method="get" action="${PATH}" class="row"><label for="kc-state">${t('상태', 'State')}</label><select id="kc-state" name="state" style="max-width:12em">
<option value="">${t('전체', 'All')}</option>${STATES.map((s) => html`<option value="${s}"${state === s ? html` selected` : ''}>${t(...STATE[s])}</option>`)}</select>
<button type="submit" class="secondary">${t('조회', 'Show')}</button></form>
${all ? html`<p class="muted">${STATES.map((s) => `${t(...STATE[s])} ${count(s)}`).join(' · ')}</p>` : ''}
<table><thead><tr><th scope="col">No.</th><th scope="col">${t('파트너', 'Partner')}</th><th scope="col">${t('검색용 아이디', 'Search ID')}</th><th scope="col">${t('관리자 휴대전화', 'Admin phone')}</th><th scope="col">${t('카테고리', 'Category')}</th><th scope="col">senderKey</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('처리', 'Action')}</th></tr></thead>
<tbody>${list.map((c) => html`<tr data-channel-id="${c.id}"><td>${c.id}</td><td>${partner(c.partnerId)}</td><td><strong>${c.searchId}</strong><br><span class="muted">${t('등록', 'Registered')} ${kst(c.createdAt)}</span></td><td>${c.adminPhone}</td><td><code>${c.categoryCode}</code></td>
<td>${c.senderKey ? html`<code title="${c.senderKey}">${c.senderKey.slice(0, 8)}…</code><br><span class="muted">${t('인증', 'Confirmed')} ${kst(c.confirmedAt)}</span>` : '-'}</td>
<td><span class="badge ${c.state === 'active' ? 'on' : c.state === 'pending' ? '' : 'off'}" data-state="${c.state}">${t(...STATE[c.state])}</span>${c.stateComment ? html`<br><span class="muted">${c.stateComment}</span>` : ''}<br><span class="muted">${kst(c.updatedAt)}</span></td>
<td>${actionCell(v, c)}</td></tr>`)}</tbody></table>
${list.length === 0 ? html`<p class="muted">${t('해당하는 채널이 없습니다.', 'No channels.')}</p>` : ''}`;
}

export const kakaoChannelAdminScreen: ConsoleScreen = {
  path: PATH,
  title: (t) => t('카카오 채널 관리', 'Kakao channels'),
  render,
  doneMessages: { state: ['채널 상태를 변경했습니다.', 'Channel state changed.'] },
  actions: [{ path: `${PATH}/:id/state`, done: 'state', run: (ctx, c, form, id) => setKakaoChannelState(ctx, { id, input: form, actor: c.actor }) }],
};
