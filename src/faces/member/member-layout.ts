/** The member web's page shell: header (company, subscription, 서비스 전환, language, 로그아웃), the menu, messages. */
import { MEMBER_CSS } from './member-assets.ts';
import { html, raw, requestIdLine, translator, type Lang, type Raw } from '../html.ts';
import type { MemberCall } from './member-http.ts';

export interface MenuLink {
  href: string;
  label: string;
}

export interface LayoutOptions {
  lang: Lang;
  title: string;
  /** the request path with its query (the language switch keeps it) */
  url: string;
  body: Raw;
  call?: MemberCall | undefined;
  menu?: MenuLink[];
  error?: string | undefined;
  done?: string | undefined;
}

export function withLang(url: string, lang: Lang): string {
  const [path, query = ''] = url.split('?');
  const q = new URLSearchParams(query);
  q.set('lang', lang);
  return `${path}?${q.toString()}`;
}

export function layout(o: LayoutOptions): string {
  const t = translator(o.lang);
  const other: Lang = o.lang === 'en' ? 'ko' : 'en';
  const current = o.url.split('?')[0]!;
  const c = o.call;
  const menu = c && o.menu
    ? html`<nav class="side" aria-label="${t('메뉴', 'Menu')}"><ul>${o.menu.map(
        (m) => html`<li><a href="${m.href}"${current === m.href || current.startsWith(`${m.href}/`) ? raw(' aria-current="page"') : raw('')}>${m.label}</a></li>`,
      )}</ul></nav>`
    : raw('');
  return html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Hanbill</title>
<style>${raw(MEMBER_CSS)}</style>
<script src="/member/assets/member.js" defer></script>
</head>
<body>
<a class="skip" href="#content">${t('본문 바로가기', 'Skip to content')}</a>
<header class="top">
  <a class="brand" href="/member/sales">Hanbill ${t('문서함', 'Documents')}</a>
  <div class="who">
    <a href="${withLang(o.url, other)}" lang="${other}">${o.lang === 'en' ? '한국어' : 'English'}</a>
    ${c ? html`<span>${c.member.comName} · ${c.member.loginId}</span>
    <a href="/member/subscriptions">${t('서비스', 'Subscription')} ${c.tenant.subscriptionId} · ${t('전환', 'switch')}</a>
    <form method="post" action="/member/logout"><input type="hidden" name="_csrf" value="${c.csrfToken}"><button type="submit" class="secondary">${t('로그아웃', 'Log out')}</button></form>` : ''}
  </div>
</header>
<div class="wrap">
  ${menu}
  <main id="content" tabindex="-1">
    ${o.error ? html`<p class="alert" role="alert">${o.error}</p>${requestIdLine()}` : ''}
    ${o.done ? html`<p class="ok" role="status">${o.done}</p>` : ''}
    ${o.body}
  </main>
</div>
<footer>Hanbill · ${t('모든 시각은 한국 표준시(KST)이며 금액은 원 단위입니다.', 'All times are Korea Standard Time (KST); amounts in won.')}</footer>
</body>
</html>`.html;
}
