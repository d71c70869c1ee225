/**
 * An AlimTalk template drawn as KakaoTalk shows it (the reviewer's preview): the yellow 알림톡 header, the
 * emphasis (text: subtitle over a large title; image; item list with header, highlight and items), the body
 * with its `#{variables}` marked, the extra info, the channel-add notice, the buttons stacked under the bubble
 * and the quick replies as chips. External images are not loaded (the console's CSP allows its own only):
 * their address is shown in the image's place.
 */
import { parseTemplateText } from '../../../modules/messaging/templates/template-text.ts';
import type { KakaoTemplate } from '../../../modules/messaging/templates/template-repo.ts';
import type { TemplateButton } from '../../../modules/messaging/templates/template-model.ts';
import { html, raw, type Raw, type T } from '../../html.ts';

export const PREVIEW_CSS = raw(`<style>
.kt{background:#abc1d1;padding:14px;border-radius:8px;max-width:360px;font-size:14px}
.kt-bubble{background:#fff;border-radius:10px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.15)}
.kt-head{background:#fee500;color:#191919;font-weight:700;padding:8px 12px;font-size:13px}
.kt-img{background:#eef1f5;color:#5b6472;font-size:12px;padding:18px 10px;text-align:center;word-break:break-all}
.kt-emph{padding:12px 12px 0}
.kt-sub{color:#6b7280;font-size:13px}
.kt-title{font-size:20px;font-weight:700;line-height:1.3}
.kt-ilh{padding:10px 12px 0;font-weight:700}
.kt-hl{padding:6px 12px;border-bottom:1px solid #eef1f5}
.kt-items{margin:6px 12px 0;padding:0;list-style:none;border-bottom:1px solid #eef1f5}
.kt-items li{display:flex;gap:10px;padding:3px 0}
.kt-items .k{color:#6b7280;min-width:5em}
.kt-body{padding:12px;white-space:pre-wrap;word-break:break-word}
.kt-extra{padding:0 12px 12px;white-space:pre-wrap;color:#6b7280;font-size:13px}
.kt-ad{padding:8px 12px;border-top:1px solid #eef1f5;color:#6b7280;font-size:12px}
.kt-btns{padding:0 12px 12px;display:grid;gap:6px}
.kt-btn{background:#f2f3f5;border-radius:6px;padding:8px;text-align:center;font-size:13px}
.kt-btn small,.kt-qr small{color:#6b7280}
.kt-qrs{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.kt-qr{background:#fff;border:1px solid #cfd6de;border-radius:999px;padding:4px 10px;font-size:12px}
mark.kt-var{background:#fff1a8;color:#7a4b00;border-radius:3px;padding:0 2px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
</style>`);

/** `text` with its variables marked (a malformed text, which validation never lets in, is shown as it is). */
export function markVariables(text: string): Raw {
  let pieces;
  try {
    pieces = parseTemplateText(text, 'text');
  } catch {
    return html`${text}`;
  }
  return html`${pieces.map((p) => ('variable' in p ? html`<mark class="kt-var" data-variable="${p.variable}">#{${p.variable}}</mark>` : html`${p.literal}`))}`;
}

const BUTTON_KIND: Record<string, [string, string]> = {
  WL: ['웹링크', 'web link'],
  AL: ['앱링크', 'app link'],
  DS: ['배송조회', 'delivery tracking'],
  BK: ['봇키워드', 'bot keyword'],
  MD: ['메시지전달', 'message forwarding'],
  BC: ['상담톡 전환', 'to consultation chat'],
  BT: ['봇 전환', 'to chatbot'],
  AC: ['채널 추가', 'add channel'],
};

function buttonTitle(t: T, b: TemplateButton): string {
  const kind = BUTTON_KIND[b.type];
  const link = b.linkMo ?? b.schemeAndroid ?? b.schemeIos ?? '';
  return `${b.type} ${kind ? t(...kind) : ''}${link ? ` · ${link}` : ''}`;
}

export function templatePreview(t: T, tpl: KakaoTemplate): Raw {
  const emphasis =
    tpl.emphasisType === 'TEXT'
      ? html`<div class="kt-emph"><div class="kt-sub">${markVariables(tpl.subtitle ?? '')}</div><div class="kt-title">${markVariables(tpl.title ?? '')}</div></div>`
      : tpl.emphasisType === 'IMAGE'
        ? html`<div class="kt-img" role="img" aria-label="${t('강조 이미지', 'emphasis image')}">${t('이미지', 'Image')}: ${tpl.imageUrl ?? ''}</div>`
        : tpl.emphasisType === 'ITEM_LIST'
          ? html`${tpl.imageUrl ? html`<div class="kt-img" role="img" aria-label="${t('아이템리스트 이미지', 'item list image')}">${t('이미지', 'Image')}: ${tpl.imageUrl}</div>` : ''}
${tpl.header ? html`<div class="kt-ilh">${markVariables(tpl.header)}</div>` : ''}
${tpl.highlight ? html`<div class="kt-hl"><div class="kt-title" style="font-size:16px">${markVariables(tpl.highlight.title)}</div><div class="kt-sub">${markVariables(tpl.highlight.description)}</div></div>` : ''}
${tpl.items?.length ? html`<ul class="kt-items" aria-label="${t('아이템 목록', 'items')}">${tpl.items.map((it) => html`<li><span class="k">${markVariables(it.title)}</span><span>${markVariables(it.description)}</span></li>`)}</ul>` : ''}`
          : '';
  return html`<div class="kt" data-template-preview="${tpl.id}" aria-label="${t('카카오톡 미리보기', 'KakaoTalk preview')}">
<div class="kt-bubble"><div class="kt-head">${t('알림톡 도착', 'AlimTalk')}</div>
${emphasis}
<div class="kt-body">${markVariables(tpl.body)}</div>
${tpl.extra ? html`<div class="kt-extra" data-part="extra">${markVariables(tpl.extra)}</div>` : ''}
${tpl.buttons.length ? html`<div class="kt-btns">${tpl.buttons.map((b) => html`<div class="kt-btn" title="${buttonTitle(t, b)}">${b.name}<br><small>${buttonTitle(t, b)}</small></div>`)}</div>` : ''}
${tpl.ad ? html`<div class="kt-ad" data-part="ad">${tpl.ad}</div>` : ''}
</div>
${tpl.quickReplies.length ? html`<div class="kt-qrs" aria-label="${t('바로연결', 'quick replies')}">${tpl.quickReplies.map((b) => html`<span class="kt-qr" title="${buttonTitle(t, b)}">${b.name} <small>${b.type}</small></span>`)}</div>` : ''}
</div>`;
}
