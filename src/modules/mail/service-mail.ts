/**
 * The short service mails Hanbill writes itself — notice mails (documents/notice-mails.ts), the arrears notice
 * (settlement/billing/send-arrears-notice.ts), the member's password reset (member-web/password-reset.ts) — share
 * one layout: Korean paragraphs first, then an English block (after `---` in the text part, `<hr>` in the HTML
 * part); an empty paragraph is a blank line; a `{ link }` paragraph is the URL as is (text) or an anchor (HTML).
 * And one Message-ID form, stable per mail so a receiver drops a resent duplicate.
 */
import { escapeHtml } from '../documents/render/html.ts';

export type MailParagraph = string | { link: string };

export function serviceMailBody(ko: MailParagraph[], en: string[]): { text: string; html: string } {
  const plain = (p: MailParagraph) => (typeof p === 'string' ? p : p.link);
  const text = [...ko.map(plain), '', '---', ...en, ''].join('\n');
  const para = (p: MailParagraph) =>
    typeof p !== 'string' ? `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>` : p ? `<p>${escapeHtml(p)}</p>` : '';
  const html = `<!doctype html><html lang="ko"><body>${ko.map(para).join('')}<hr>${en.map((l) => `<p lang="en">${escapeHtml(l)}</p>`).join('')}</body></html>`;
  return { text, html };
}

/** `<local@host>` of the installation's public URL. */
export function serviceMessageId(config: { publicUrl: string }, local: string): string {
  const host = new URL(config.publicUrl).hostname || 'hanbill.local';
  return `<${local}@${host}>`;
}
