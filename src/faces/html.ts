/**
 * The HTML of every face's pages, for every face (portal, console, member web): the one escaping template the
 * project has (modules/documents/render/html.ts, also the view page's and the mails') — every value escaped unless
 * marked raw — inline bilingual text, and amounts in won.
 */
import { currentLogFields } from '../platform/log-context.ts';
import { html, type Raw } from '../modules/documents/render/html.ts';
export { escapeHtml, html, raw, Raw, type HtmlValue } from '../modules/documents/render/html.ts';

export type Lang = 'ko' | 'en';
/** Inline bilingual text: `t('한국어', 'English')`. */
export type T = (ko: string, en: string) => string;
export const translator = (lang: Lang): T => (ko, en) => (lang === 'en' ? en : ko);

/** An amount in won, grouped (12,345). */
export const won = (n: number | string | bigint): string => Number(n).toLocaleString('ko-KR');

/**
 * The line under an error banner of an HTML page (portal, console, member web): the id of the request being answered
 * (from the request's log fields, platform/log-context.ts), for the user to quote to support. Empty outside a request.
 */
export function requestIdLine(): Raw | '' {
  const id = currentLogFields()?.['reqId'];
  return id === undefined ? '' : html`<p class="muted" data-request-id="${String(id)}">요청 번호 (request id): <code>${String(id)}</code></p>`;
}
