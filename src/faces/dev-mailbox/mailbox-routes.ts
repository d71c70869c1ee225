/**
 * Dev mailbox: the mails the in-process catcher received, as web pages (Korean UI) and JSON.
 *
 *   GET /dev/mailbox                              list, newest first
 *   GET /dev/mailbox/:id                          one mail: headers, body (HTML in a sandboxed iframe), attachments
 *   GET /dev/mailbox/:id/attachments/:index       download one attachment (index from 0)
 *   GET /dev/mailbox.json[?body=1]                list for tools; body=1 adds text and html
 *
 * Pages are self-contained (inline CSS, no scripts) and every value from a mail is HTML-escaped; the mail's own
 * HTML only ever runs inside <iframe sandbox srcdoc>, with scripts, forms and same-origin access off.
 * Register them only where the catcher is (the embedded default). The mails hold every tenant's invoices and
 * the recipients' "문서보기" links (which approve or reject), so the routes answer only a caller on this machine
 * (the socket's loopback address — never a forwarding header, trustProxy is off) or a logged-in console
 * operator; anyone else gets 403 and nothing of any mail.
 */
import { isLoopback } from '../loopback.ts';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CaughtAddress, CaughtMail, MailboxSource } from '../../simulators/smtp/mail-catcher.ts';

export interface MailboxRoutesOptions {
  catcher: MailboxSource;
  /** Whether the request carries a logged-in operator's session (given by the composition root). */
  isOperator?: ((req: FastifyRequest) => Promise<boolean>) | undefined;
}

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; frame-src 'self' about:; form-action 'none'; frame-ancestors 'self'";

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `2024-05-01 09:00:00` in Korea Standard Time (UTC+9, no DST). */
export function formatKst(date: Date): string {
  return new Date(date.getTime() + 9 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function addressList(list: readonly CaughtAddress[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

/** RFC 6266 / RFC 5987 Content-Disposition: an ASCII fallback plus filename* in UTF-8 for 세금계산서.pdf. */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'download';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"Apple SD Gothic Neo","Malgun Gothic","NanumGothic","Noto Sans KR",sans-serif;font-size:14px;color:#1f2328;background:#f6f7f9}
header{background:#1d3a6e;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:baseline}
header h1{font-size:18px;margin:0}
header a{color:#cfe0ff}
main{padding:16px 20px}
.note{color:#59636e;margin:0 0 12px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}
th,td{padding:8px 10px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f0f3f6;font-weight:600;white-space:nowrap}
tr:hover td{background:#f8fafc}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
td.subject a{color:#0b57d0;text-decoration:none}
td.subject a:hover{text-decoration:underline}
.att{display:inline-block;background:#eef2f7;border-radius:4px;padding:1px 6px;margin:1px 2px;font-size:12px}
.empty{padding:40px;text-align:center;color:#59636e;background:#fff;border:1px solid #d0d7de}
.meta th{width:140px}
section{margin:18px 0}
h2{font-size:15px;margin:0 0 8px}
iframe{width:100%;height:70vh;border:1px solid #d0d7de;background:#fff;resize:vertical}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #d0d7de;padding:12px;margin:0;font-size:13px}
details summary{cursor:pointer;color:#0b57d0;margin:6px 0}
ul.files{list-style:none;padding:0;margin:0}
ul.files li{padding:4px 0}
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>개발용 메일함</h1><a href="/dev/mailbox">목록</a><a href="/dev/mailbox.json">JSON</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(html);
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return sendPage(reply, 404, page('찾을 수 없음 — 개발용 메일함', `<p class="empty">${escapeHtml(what)}</p>`));
}

function mailUrl(mail: CaughtMail): string {
  return `/dev/mailbox/${encodeURIComponent(mail.id)}`;
}

function attachmentUrl(mail: CaughtMail, index: number): string {
  return `${mailUrl(mail)}/attachments/${index}`;
}

export function renderList(mails: readonly CaughtMail[]): string {
  if (mails.length === 0) {
    return page('개발용 메일함', `<p class="note">이 서버가 보낸 메일은 외부로 나가지 않고 여기에 쌓입니다.</p><div class="empty">받은 메일이 없습니다.</div>`);
  }
  const rows = mails
    .map((m) => {
      const attachments = m.attachments.map((a) => `<span class="att">${escapeHtml(a.filename)}</span>`).join('');
      const recipients = [...m.to, ...m.cc];
      return `<tr>
<td class="time">${escapeHtml(formatKst(m.receivedAt))}</td>
<td>${escapeHtml(addressList(m.from) || m.envelope.from)}</td>
<td>${escapeHtml(addressList(recipients) || m.envelope.to.join(', '))}</td>
<td class="subject"><a href="${escapeHtml(mailUrl(m))}">${escapeHtml(m.subject || '(제목 없음)')}</a></td>
<td>${attachments}</td>
</tr>`;
    })
    .join('\n');
  return page(
    `개발용 메일함 (${mails.length})`,
    `<p class="note">이 서버가 보낸 메일은 외부로 나가지 않고 여기에 쌓입니다. 최근 메일 ${mails.length}통, 최신순.</p>
<table>
<thead><tr><th>받은 시각 (KST)</th><th>보낸 사람</th><th>받는 사람</th><th>제목</th><th>첨부</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}

/** The mail's HTML as a srcdoc document: links open in a new tab (the frame itself cannot navigate). */
function frameDocument(html: string): string {
  const base = '<base target="_blank">';
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + base + html.slice(head.index + head[0].length);
  return base + html;
}

export function renderDetail(mail: CaughtMail): string {
  const row = (label: string, value: string): string => (value ? `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>` : '');
  const meta = [
    row('받은 시각 (KST)', formatKst(mail.receivedAt)),
    row('보낸 사람', addressList(mail.from)),
    row('받는 사람', addressList(mail.to)),
    row('참조', addressList(mail.cc)),
    row('회신 주소', addressList(mail.replyTo)),
    row('제목', mail.subject || '(제목 없음)'),
    row('Date', mail.date ? `${formatKst(mail.date)} KST` : ''),
    row('Message-ID', mail.messageId ?? ''),
    row('봉투 MAIL FROM', mail.envelope.from || '<>'),
    row('봉투 RCPT TO', mail.envelope.to.join(', ')),
    row('크기', formatSize(mail.size)),
  ].join('\n');

  let body: string;
  if (mail.html !== undefined) {
    body = `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" title="메일 본문" srcdoc="${escapeHtml(frameDocument(mail.html))}"></iframe>`;
    if (mail.text !== undefined) body += `\n<details><summary>텍스트 본문 보기</summary><pre>${escapeHtml(mail.text)}</pre></details>`;
  } else if (mail.text !== undefined) {
    body = `<pre>${escapeHtml(mail.text)}</pre>`;
  } else {
    body = '<p class="note">본문이 없습니다.</p>';
  }

  const files =
    mail.attachments.length === 0
      ? '<p class="note">첨부 파일이 없습니다.</p>'
      : `<ul class="files">${mail.attachments
          .map(
            (a, i) =>
              `<li><a href="${escapeHtml(attachmentUrl(mail, i))}" download="${escapeHtml(a.filename)}">${escapeHtml(a.filename)}</a> <span class="note">${escapeHtml(a.contentType)}, ${escapeHtml(formatSize(a.size))}${a.inline ? ', 본문 삽입' : ''}</span></li>`,
          )
          .join('')}</ul>`;

  const rawHeaders = mail.headerLines.map((h) => h.line).join('\n');
  return page(
    `${mail.subject || '(제목 없음)'} — 개발용 메일함`,
    `<section><table class="meta">${meta}</table></section>
<section><h2>본문</h2>${body}</section>
<section><h2>첨부 파일 (${mail.attachments.length})</h2>${files}</section>
<section><details><summary>원본 헤더 보기</summary><pre>${escapeHtml(rawHeaders)}</pre></details></section>`,
  );
}

function toJson(mail: CaughtMail, withBody: boolean): Record<string, unknown> {
  return {
    id: mail.id,
    receivedAt: mail.receivedAt.toISOString(),
    envelope: mail.envelope,
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    messageId: mail.messageId ?? null,
    size: mail.size,
    url: mailUrl(mail),
    attachments: mail.attachments.map((a, i) => ({
      index: i,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      inline: a.inline,
      url: attachmentUrl(mail, i),
    })),
    ...(withBody ? { text: mail.text ?? null, html: mail.html ?? null } : {}),
  };
}

export const mailboxRoutes: FastifyPluginAsync<MailboxRoutesOptions> = async (app, opts) => {
  const { catcher } = opts;
  const hide = { schema: { hide: true } };

  // encapsulated: runs for the mailbox routes only, before anything of a mail is looked up
  app.addHook('onRequest', async (req, reply) => {
    if (isLoopback(req.socket.remoteAddress)) return;
    if (opts.isOperator && (await opts.isOperator(req).catch(() => false))) return;
    return sendPage(
      reply,
      403,
      page('접근할 수 없음 — 개발용 메일함', '<p class="empty">개발용 메일함은 이 서버가 실행 중인 컴퓨터(loopback) 또는 로그인한 운영자만 볼 수 있습니다 (the dev mailbox answers only this machine or a logged-in console operator).</p>'),
    );
  });

  app.get('/dev/mailbox', hide, async (_req, reply) => sendPage(reply, 200, renderList(await catcher.list())));

  app.get<{ Querystring: { body?: string } }>('/dev/mailbox.json', hide, async (req, reply) => {
    const withBody = req.query.body === '1' || req.query.body === 'true';
    const mails = await catcher.list();
    return reply.header('cache-control', 'no-store').send({ count: mails.length, mails: mails.map((m) => toJson(m, withBody)) });
  });

  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', hide, async (req, reply) => {
    const mail = await catcher.get(req.params.id);
    if (!mail) return notFound(reply, '메일을 찾을 수 없습니다. 오래된 메일은 자동으로 지워집니다.');
    return sendPage(reply, 200, renderDetail(mail));
  });

  app.get<{ Params: { id: string; index: string } }>('/dev/mailbox/:id/attachments/:index', hide, async (req, reply) => {
    const mail = await catcher.get(req.params.id);
    if (!mail) return notFound(reply, '메일을 찾을 수 없습니다.');
    const index = /^\d{1,4}$/.test(req.params.index) ? Number(req.params.index) : -1;
    const attachment = mail.attachments[index];
    if (!attachment) return notFound(reply, '첨부 파일을 찾을 수 없습니다.');
    const type = MIME_TYPE.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream';
    return reply
      .code(200)
      .header('content-type', type)
      .header('content-disposition', contentDisposition(attachment.filename))
      .header('content-length', String(attachment.content.length))
      .header('x-content-type-options', 'nosniff')
      // even if a browser rendered it, an attachment (say text/html) gets no scripts and no origin
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .send(attachment.content);
  });
};

/** The plugin in the shape HttpServerOptions.plugins takes: `plugins: [mailboxPlugin(catcher)]`. */
export function mailboxPlugin(catcher: MailboxSource, o: { isOperator?: MailboxRoutesOptions['isOperator'] } = {}): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    await app.register(mailboxRoutes, { catcher, isOperator: o.isOperator });
  };
}
