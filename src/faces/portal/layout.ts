/** The page shell: header, side menus of the seed (마이페이지, 연동 API 관리), language switch. */
import { kstDateTime } from '../../platform/clock.ts';
import type { PortalUser } from '../../modules/accounts/get-portal-user.ts';
import { PORTAL_CSS } from './assets.ts';
import { html, raw, requestIdLine, translator, type Lang, type Raw, type T } from '../html.ts';

export interface PageOptions {
  lang: Lang;
  title: string;
  path: string;
  body: Raw;
  user?: PortalUser | undefined;
  operator?: { loginId: string } | undefined;
  csrfToken?: string | undefined;
  error?: string | undefined;
  done?: string | undefined;
}

export const kst = (d: Date | null | undefined): string => (d ? kstDateTime(d).slice(0, 16) : '-');

export function csrfField(token: string | undefined): Raw {
  return token ? html`<input type="hidden" name="_csrf" value="${token}">` : raw('');
}

function navList(label: string, items: [string, string][], current: string): Raw {
  return html`<h2 id="${label}">${label}</h2><ul aria-labelledby="${label}">${items.map(
    ([href, text]) => html`<li><a href="${href}"${current === href ? raw(' aria-current="page"') : raw('')}>${text}</a></li>`,
  )}</ul>`;
}

export function userMenus(t: T, user: PortalUser, current: string): Raw {
  const my = navList(t('마이페이지', 'My Page'), [
    ['/portal/mypage/profile', t('회원정보', 'Member info')],
    ['/portal/mypage/company', t('기업회원전환', 'Company conversion')],
    ['/portal/mypage/api-service', t('API 연동 서비스', 'API service')],
    ['/portal/mypage/password', t('비밀번호변경', 'Change password')],
    ['/portal/mypage/security', t('보안로그인', 'Secure login')],
    ['/portal/mypage/withdraw', t('회원탈퇴', 'Withdraw')],
  ], current);
  const api = user.partner
    ? navList(t('연동 API 관리', 'API management'), [
        ['/portal/api/keys', t('연동 API Key 발급', 'API keys')],
        ['/portal/api/webhooks', t('웹훅', 'Webhooks')],
        ['/portal/api/history', t('연동 API 발송내역', 'Send history')],
        ['/portal/api/reservations', t('연동 API 예약목록', 'Reservations')],
        ['/portal/api/billing/expected', t('정산 · 결제예정내역', 'Settlement · Expected charges')],
        ['/portal/api/billing/bills', t('정산 · 결제완료/미납내역', 'Settlement · Bills')],
        ['/portal/api/guide', t('연동 API 사용 가이드', 'API guide')],
      ], current)
    : raw('');
  return html`${my}${api}`;
}

export function consoleMenus(t: T, current: string): Raw {
  return navList(t('운영자 콘솔', 'Operator console'), [
    ['/console', t('현황', 'Overview')],
    ['/console/crm', t('CRM (유닛·패키지)', 'CRM (units, packages)')],
    ['/console/conversions', t('기업회원전환 심사', 'Company conversions')],
    ['/console/applications', t('API 서비스 심사', 'API service reviews')],
    ['/console/partners', t('파트너 관리', 'Partners')],
    ['/console/members', t('회원 조회', 'Members')],
    ['/console/bills', t('청구·입금 관리', 'Bills and payments')],
    ['/console/sender-numbers', t('발신번호 심사', 'Sender number reviews')],
    ['/console/kakao-templates', t('알림톡 템플릿 검수', 'AlimTalk template review')],
    ['/console/kakao-channels', t('카카오 채널 관리', 'Kakao channels')],
    ['/console/system', t('시스템 상태', 'System status')],
    ['/console/audit', t('감사 로그', 'Audit log')],
  ], current);
}

export function page(o: PageOptions): string {
  const t = translator(o.lang);
  const other = o.lang === 'en' ? 'ko' : 'en';
  const switchHref = `${o.path}${o.path.includes('?') ? '&' : '?'}lang=${other}`;
  const isConsole = o.path.startsWith('/console');
  const logoutAction = isConsole ? '/console/logout' : '/portal/logout';
  const who = o.user ? o.user.name || o.user.loginId : o.operator?.loginId;
  const menus = o.user ? userMenus(t, o.user, o.path.split('?')[0]!) : o.operator ? consoleMenus(t, o.path.split('?')[0]!) : raw('');
  const doc = html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Hanbill</title>
<style>${raw(PORTAL_CSS)}</style>
<script src="/portal/assets/portal.js" defer></script>
</head>
<body>
<a class="skip" href="#content">${t('본문 바로가기', 'Skip to content')}</a>
<header class="top">
  <a class="brand" href="${isConsole ? '/console' : '/portal'}">Hanbill ${isConsole ? t('운영자 콘솔', 'Console') : t('연동 API 포털', 'API Portal')}</a>
  <div class="who">
    <a href="${switchHref}" lang="${other}">${o.lang === 'en' ? '한국어' : 'English'}</a>
    ${who ? html`<span>${who}${o.user?.kind === 'company' ? html` · ${o.user.company?.comName ?? ''}` : ''}</span>
    <form method="post" action="${logoutAction}">${csrfField(o.csrfToken)}<button type="submit" class="secondary">${t('로그아웃', 'Log out')}</button></form>` : ''}
  </div>
</header>
<div class="wrap">
  ${o.user || o.operator ? html`<nav class="side" aria-label="${t('메뉴', 'Menu')}">${menus}</nav>` : ''}
  <main id="content" tabindex="-1">
    ${o.error ? html`<p class="alert" role="alert">${o.error}</p>${requestIdLine()}` : ''}
    ${o.done ? html`<p class="ok" role="status">${o.done}</p>` : ''}
    ${o.body}
  </main>
</div>
<footer>Hanbill · ${t('모든 시각은 한국 표준시(KST)입니다.', 'All times are Korea Standard Time (KST).')}</footer>
</body>
</html>`;
  return doc.html;
}
