/**
 * 알림톡 템플릿 검수 (operator console): templates submitted for review (REQ) — channel, code, name, message
 * type, emphasis — each drawn as KakaoTalk would show it; approve (REQ → APR), or reject with a required comment
 * (REQ → REJ; the comment is what the partner reads). Other states can be listed by filter.
 */
import type { Ctx } from '../../../platform/context.ts';
import { listTemplatesForReview } from '../../../modules/messaging/templates/list-templates-for-review.ts';
import { approveTemplate } from '../../../modules/messaging/templates/approve-template.ts';
import { rejectTemplate } from '../../../modules/messaging/templates/reject-template.ts';
import type { KakaoTemplate } from '../../../modules/messaging/templates/template-repo.ts';
import { TEMPLATE_STATES, type TemplateState } from '../../../modules/messaging/templates/tables.ts';
import { listKakaoChannelsForReview } from '../../../modules/messaging/list-kakao-channels-for-review.ts';
import { html, type Raw, type T } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str } from '../page-kit.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';
import { partnerNames } from './sender-number-review.ts';
import { PREVIEW_CSS, templatePreview } from './kakao-template-preview.ts';

const PATH = '/console/kakao-templates';

const STATE: Record<TemplateState, [string, string]> = {
  REG: ['등록 (검수 전)', 'registered'],
  REQ: ['검수 요청', 'under review'],
  APR: ['승인', 'approved'],
  REJ: ['반려', 'rejected'],
};
const MESSAGE_TYPE: Record<string, [string, string]> = {
  BA: ['기본형', 'basic'],
  EX: ['부가정보형', 'extra info'],
  AD: ['채널추가형', 'channel add'],
  MI: ['복합형', 'mixed'],
};
const EMPHASIS: Record<string, [string, string]> = {
  NONE: ['선택 안 함', 'none'],
  TEXT: ['강조표기형', 'emphasised text'],
  IMAGE: ['이미지형', 'image'],
  ITEM_LIST: ['아이템리스트형', 'item list'],
};
const label = (t: T, m: Record<string, [string, string]>, k: string) => (m[k] ? `${k} ${t(...m[k])}` : k);

type Row = KakaoTemplate & { partnerId: number };

function card(v: ConsoleView, channel: (id: number) => string, partner: (id: number) => string, tpl: Row): Raw {
  const { t, call, form } = v;
  const again = Number(str(form, 'id')) === tpl.id;
  return html`<article class="key" data-template-id="${tpl.id}" aria-labelledby="tpl-${tpl.id}">
<h3 id="tpl-${tpl.id}"><code>${tpl.code}</code> · ${tpl.name}</h3>
<div class="row" style="align-items:flex-start;gap:1.5em">
<div>${templatePreview(t, tpl)}</div>
<div style="flex:1;min-width:16em">
<table><tbody>
<tr><th scope="row">${t('파트너', 'Partner')}</th><td>${partner(tpl.partnerId)}</td></tr>
<tr><th scope="row">${t('채널', 'Channel')}</th><td>${channel(tpl.channelId)}</td></tr>
<tr><th scope="row">${t('메시지 유형', 'Message type')}</th><td>${label(t, MESSAGE_TYPE, tpl.messageType)}</td></tr>
<tr><th scope="row">${t('강조 유형', 'Emphasis')}</th><td>${label(t, EMPHASIS, tpl.emphasisType)}</td></tr>
<tr><th scope="row">${t('변수', 'Variables')}</th><td>${tpl.variables.length ? tpl.variables.map((x) => html`<code>#{${x}}</code> `) : t('없음', 'none')}</td></tr>
<tr><th scope="row">${t('상태', 'State')}</th><td>${label(t, STATE, tpl.state)}${tpl.dormant ? t(' (휴면)', ' (dormant)') : ''}</td></tr>
<tr><th scope="row">${t('검수 요청일시', 'Submitted')}</th><td>${kst(tpl.submittedAt)}</td></tr>
${tpl.reviewedAt ? html`<tr><th scope="row">${t('검수일시', 'Reviewed')}</th><td>${kst(tpl.reviewedAt)}${tpl.reviewComment ? html`<br><span class="muted">${tpl.reviewComment}</span>` : ''}</td></tr>` : ''}
</tbody></table>
${tpl.state === 'REQ' ? html`<form method="post" action="${PATH}/${tpl.id}/approve" class="row">${csrfField(call.csrfToken)}<input type="hidden" name="id" value="${tpl.id}">
<button type="submit" aria-label="${t(`${tpl.code} 승인`, `Approve ${tpl.code}`)}">${t('승인', 'Approve')}</button></form>
<form method="post" action="${PATH}/${tpl.id}/reject" class="stack">${csrfField(call.csrfToken)}<input type="hidden" name="id" value="${tpl.id}">
<label for="tr-${tpl.id}" class="req">${t('반려 사유 (파트너에게 표시됩니다)', 'Reason (shown to the partner)')}</label>
<textarea id="tr-${tpl.id}" name="comment" rows="3" maxlength="1000" required>${again ? str(form, 'comment') : ''}</textarea>
<p><button type="submit" class="danger" aria-label="${t(`${tpl.code} 반려`, `Reject ${tpl.code}`)}">${t('반려', 'Reject')}</button></p></form>` : ''}
</div></div></article>`;
}

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t } = v;
  const asked = str(v.query, 'state');
  const state: TemplateState = (TEMPLATE_STATES as readonly string[]).includes(asked) ? (asked as TemplateState) : 'REQ';
  const list = await listTemplatesForReview(ctx, { state });
  const channels = new Map((await listKakaoChannelsForReview(ctx)).map((c) => [c.id, c]));
  const channel = (id: number) => {
    const c = channels.get(id);
    return c ? `${c.searchId} (${c.state})` : `#${id}`;
  };
  const partner = await partnerNames(ctx);
  return html`${PREVIEW_CSS}<h1>${t('알림톡 템플릿 검수', 'AlimTalk template review')}</h1>
<p class="notice">${t('승인(APR)된 템플릿만 발송할 수 있습니다. 반려 사유는 파트너에게 그대로 표시됩니다. 노란색으로 표시된 #{변수}는 발송 시 치환됩니다.', 'Only approved (APR) templates can send. The reason of a rejection is shown to the partner as written. #{variables}, marked in yellow, are filled in at sending.')}</p>
<form method="get" action="${PATH}" class="row"><label for="tpl-state">${t('상태', 'State')}</label><select id="tpl-state" name="state" style="max-width:14em">
${TEMPLATE_STATES.map((s) => html`<option value="${s}"${state === s ? html` selected` : ''}>${label(t, STATE, s)}</option>`)}</select>
<button type="submit" class="secondary">${t('조회', 'Show')}</button></form>
<h2>${t(`${STATE[state][0]} ${list.length}건`, `${list.length} ${STATE[state][1]}`)}</h2>
${list.length === 0 ? html`<p class="muted">${t('해당하는 템플릿이 없습니다.', 'No templates.')}</p>` : list.map((tpl) => card(v, channel, partner, tpl))}`;
}

export const kakaoTemplateReviewScreen: ConsoleScreen = {
  path: PATH,
  title: (t) => t('알림톡 템플릿 검수', 'AlimTalk template review'),
  render,
  doneMessages: {
    approved: ['템플릿을 승인했습니다. 이제 발송할 수 있습니다.', 'Template approved: it can send now.'],
    rejected: ['템플릿을 반려했습니다. 파트너에게 사유가 표시됩니다.', 'Template rejected: the partner sees the reason.'],
  },
  actions: [
    { path: `${PATH}/:id/approve`, done: 'approved', run: (ctx, c, _f, id) => approveTemplate(ctx, { templateId: id, actor: c.actor }) },
    { path: `${PATH}/:id/reject`, done: 'rejected', run: (ctx, c, form, id) => rejectTemplate(ctx, { templateId: id, input: form, actor: c.actor }) },
  ],
};
