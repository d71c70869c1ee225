import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { createMailCatcher, type CaughtMail, type MailCatcher } from '../../simulators/smtp/mail-catcher.ts';
import { createSmtpTransport, type MailTransport } from '../../modules/mail/mail-transport.ts';
import { contentDisposition, escapeHtml, formatKst, mailboxPlugin } from './mailbox-routes.ts';

let catcher: MailCatcher;
let transport: MailTransport;
let app: FastifyInstance;
let invoiceMail: CaughtMail;
let evilMail: CaughtMail;
let textMail: CaughtMail;
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x41)]);

before(async () => {
  catcher = createMailCatcher();
  transport = createSmtpTransport((await catcher.start()).url, 'Hanbill <no-reply@hanbill.local>', { maxConnections: 1 });
  // same router options as the real server (src/faces/http-server.ts)
  app = Fastify({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
  await mailboxPlugin(catcher)(app);
  await app.ready();

  await transport.send({
    to: ['김철수 <buyer@example.kr>'],
    cc: ['cc@example.kr'],
    subject: '[한빌] 세금계산서 발행 안내',
    text: '세금계산서를 확인하세요.',
    html: '<html><head><title>t</title></head><body><h1>세금계산서</h1><a href="https://hanbill.local/v/1">보기</a></body></html>',
    attachments: [
      { filename: '세금계산서.pdf', content: pdf, contentType: 'application/pdf' },
      { filename: 'page".html', content: Buffer.from('<script>alert(1)</script>'), contentType: 'text/html' },
    ],
  });
  invoiceMail = await catcher.waitFor((m) => m.subject === '[한빌] 세금계산서 발행 안내');
  await transport.send({
    to: ['"<img src=x onerror=alert(2)>" <evil@example.kr>'],
    subject: '<script>alert("xss")</script> & 기타',
    text: 'x',
    html: '<p>hi</p><script>alert(3)</script><img src=x onerror="alert(4)">',
    attachments: [{ filename: '<b>이상한</b>.txt', content: Buffer.from('x'), contentType: 'text/plain' }],
  });
  evilMail = await catcher.waitFor((m) => m.envelope.to.includes('evil@example.kr'));
  // a text-only mail (empty html: nodemailer sends no html part)
  await transport.send({ to: ['plain@example.kr'], subject: '텍스트 전용', text: '첫 줄\n<둘째 줄>', html: '' });
  textMail = await catcher.waitFor((m) => m.subject === '텍스트 전용');
});

after(async () => {
  await app.close();
  await transport.close();
  await catcher.stop();
});

test('GET /dev/mailbox lists mails newest first with KST time, from, to, subject, attachment names', async () => {
  const res = await app.inject({ method: 'GET', url: '/dev/mailbox' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
  assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  const html = res.body;
  assert.match(html, /<html lang="ko">/);
  assert.match(html, /개발용 메일함/);
  assert.match(html, /받은 시각 \(KST\)/);
  assert.ok(html.includes(escapeHtml(formatKst(invoiceMail.receivedAt))));
  assert.ok(html.includes('[한빌] 세금계산서 발행 안내'));
  assert.ok(html.includes('세금계산서.pdf'));
  assert.ok(html.includes('김철수 &lt;buyer@example.kr&gt;, cc@example.kr'));
  assert.ok(html.includes('Hanbill &lt;no-reply@hanbill.local&gt;'));
  assert.ok(html.includes(`href="/dev/mailbox/${invoiceMail.id}"`));
  // newest first
  const iText = html.indexOf('텍스트 전용');
  const iEvil = html.indexOf('&lt;script&gt;alert');
  const iInvoice = html.indexOf('[한빌] 세금계산서 발행 안내');
  assert.ok(iText > 0 && iText < iEvil && iEvil < iInvoice, 'newest first');
  assert.ok(!/<script/i.test(html), 'no script element anywhere');
  assert.ok(!/<style[^>]*src|<link|<img/i.test(html), 'self-contained');
});

test('a <script> subject, display name and file name are escaped everywhere', async () => {
  for (const url of ['/dev/mailbox', `/dev/mailbox/${evilMail.id}`]) {
    const html = (await app.inject({ method: 'GET', url })).body;
    assert.ok(!html.includes('<script>'), `${url} contains a raw <script>`);
    assert.ok(!html.includes('<img src=x'), `${url} contains a raw <img>`);
    assert.ok(!html.includes('<b>이상한</b>'), `${url} contains raw markup from a file name`);
    assert.ok(html.includes('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; &amp; 기타'), url);
    assert.ok(html.includes('&lt;b&gt;이상한&lt;/b&gt;.txt'), url);
  }
});

test('GET /dev/mailbox/:id shows headers, the html body in a sandboxed srcdoc iframe, text, and attachment links', async () => {
  const res = await app.inject({ method: 'GET', url: `/dev/mailbox/${invoiceMail.id}` });
  assert.equal(res.statusCode, 200);
  const html = res.body;
  assert.ok(html.includes('<th>보낸 사람</th><td>Hanbill &lt;no-reply@hanbill.local&gt;</td>'));
  assert.ok(html.includes('<th>받는 사람</th><td>김철수 &lt;buyer@example.kr&gt;</td>'));
  assert.ok(html.includes('<th>참조</th><td>cc@example.kr</td>'));
  assert.ok(html.includes('<th>제목</th><td>[한빌] 세금계산서 발행 안내</td>'));
  const iframe = /<iframe ([^>]*)>/.exec(html)?.[1] ?? '';
  assert.match(iframe, /sandbox="allow-popups allow-popups-to-escape-sandbox"/);
  assert.doesNotMatch(iframe, /allow-scripts|allow-same-origin/);
  // srcdoc is the mail's html, attribute-escaped, with <base target="_blank"> put into its head
  assert.ok(iframe.includes('srcdoc="&lt;html&gt;&lt;head&gt;&lt;base target=&quot;_blank&quot;&gt;&lt;title&gt;t&lt;/title&gt;'));
  assert.ok(iframe.includes('&lt;a href=&quot;https://hanbill.local/v/1&quot;&gt;보기&lt;/a&gt;'));
  assert.ok(html.includes('<pre>세금계산서를 확인하세요.</pre>'));
  assert.ok(html.includes(`<a href="/dev/mailbox/${invoiceMail.id}/attachments/0" download="세금계산서.pdf">세금계산서.pdf</a>`));
  assert.ok(html.includes(`/dev/mailbox/${invoiceMail.id}/attachments/1`));
  assert.ok(html.includes('application/pdf'));
  assert.match(html, /원본 헤더 보기/);

  // the evil mail's script lives only inside the escaped srcdoc attribute
  const evil = (await app.inject({ method: 'GET', url: `/dev/mailbox/${evilMail.id}` })).body;
  assert.ok(evil.includes('&lt;script&gt;alert(3)&lt;/script&gt;'));
});

test('a text-only mail shows the text body, escaped', async () => {
  const html = (await app.inject({ method: 'GET', url: `/dev/mailbox/${textMail.id}` })).body;
  assert.equal(textMail.html, undefined);
  assert.ok(!html.includes('<iframe'));
  assert.ok(html.includes('<pre>첫 줄\n&lt;둘째 줄&gt;'));
  assert.ok(html.includes('첨부 파일이 없습니다'));
});

test('attachment download: bytes, content type, RFC 5987 filename*', async () => {
  const res = await app.inject({ method: 'GET', url: `/dev/mailbox/${invoiceMail.id}/attachments/0` });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.equal(
    res.headers['content-disposition'],
    `attachment; filename="_____.pdf"; filename*=UTF-8''%EC%84%B8%EA%B8%88%EA%B3%84%EC%82%B0%EC%84%9C.pdf`,
  );
  assert.ok(res.rawPayload.equals(pdf));
  assert.equal(res.headers['content-length'], String(pdf.length));
  assert.equal(res.headers['x-content-type-options'], 'nosniff');

  // an HTML attachment is still a download, sandboxed, and its odd name is quoted safely
  const page = await app.inject({ method: 'GET', url: `/dev/mailbox/${invoiceMail.id}/attachments/1` });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-disposition']), /^attachment; filename="page_.html"; filename\*=UTF-8''page%22\.html$/);
  assert.match(String(page.headers['content-security-policy']), /sandbox/);
});

test('contentDisposition encodes what RFC 5987 requires', () => {
  assert.equal(contentDisposition("a b'(c)*.pdf"), `attachment; filename="a b'(c)*.pdf"; filename*=UTF-8''a%20b%27%28c%29%2A.pdf`);
  assert.equal(contentDisposition('100%.txt'), `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`);
  assert.equal(contentDisposition('한'), `attachment; filename="_"; filename*=UTF-8''%ED%95%9C`);
});

test('unknown mail / attachment: 404 HTML page', async () => {
  for (const url of ['/dev/mailbox/nope', '/dev/mailbox/nope/attachments/0', `/dev/mailbox/${invoiceMail.id}/attachments/9`, `/dev/mailbox/${invoiceMail.id}/attachments/-1`, `/dev/mailbox/${invoiceMail.id}/attachments/x`]) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /찾을 수 없습니다/);
  }
});

test('GET /dev/mailbox.json lists mails for tools; body=1 adds text and html', async () => {
  const res = await app.inject({ method: 'GET', url: '/dev/mailbox.json' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const json = res.json() as { count: number; mails: Record<string, unknown>[] };
  assert.equal(json.count, 3);
  assert.deepEqual(
    json.mails.map((m) => m.subject),
    ['텍스트 전용', evilMail.subject, '[한빌] 세금계산서 발행 안내'],
  );
  const invoice = json.mails[2];
  assert.equal(invoice?.id, invoiceMail.id);
  assert.equal(invoice?.receivedAt, invoiceMail.receivedAt.toISOString());
  assert.deepEqual(invoice?.to, [{ name: '김철수', address: 'buyer@example.kr' }]);
  assert.deepEqual(invoice?.attachments, [
    { index: 0, filename: '세금계산서.pdf', contentType: 'application/pdf', size: pdf.length, inline: false, url: `/dev/mailbox/${invoiceMail.id}/attachments/0` },
    { index: 1, filename: 'page".html', contentType: 'text/html', size: 25, inline: false, url: `/dev/mailbox/${invoiceMail.id}/attachments/1` },
  ]);
  assert.equal(invoice?.text, undefined);

  const full = (await app.inject({ method: 'GET', url: '/dev/mailbox.json?body=1' })).json() as { mails: { text: string; html: string | null }[] };
  assert.equal(full.mails[2]?.text.trim(), '세금계산서를 확인하세요.');
  assert.match(full.mails[2]?.html ?? '', /<h1>세금계산서<\/h1>/);
});

test('formatKst', () => {
  assert.equal(formatKst(new Date('2024-12-31T15:00:00Z')), '2025-01-01 00:00:00');
  assert.equal(formatKst(new Date('2024-05-01T00:00:00.999Z')), '2024-05-01 09:00:00');
});

test('a caller that is not on this machine gets 403 and none of the mail, on every mailbox route', async () => {
  const urls = ['/dev/mailbox', '/dev/mailbox.json', '/dev/mailbox.json?body=1', `/dev/mailbox/${invoiceMail.id}`, `/dev/mailbox/${invoiceMail.id}/attachments/0`, '/DEV/MAILBOX/'];
  for (const remoteAddress of ['203.0.113.5', '10.0.0.7', '2001:db8::5', '::ffff:198.51.100.1']) {
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url, remoteAddress, headers: { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', forwarded: 'for=127.0.0.1' } });
      assert.equal(res.statusCode, 403, `${remoteAddress} ${url}`);
      assert.ok(!res.body.includes('세금계산서') && !res.body.includes('buyer@example.kr') && !res.body.includes(invoiceMail.id), `${url}: no mail content`);
    }
  }
  for (const remoteAddress of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) {
    assert.equal((await app.inject({ method: 'GET', url: '/dev/mailbox.json', remoteAddress })).statusCode, 200, remoteAddress);
  }
});

test('a logged-in operator (as the composition root decides) may read the mailbox from anywhere', async () => {
  const guarded = Fastify({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
  await mailboxPlugin(catcher, { isOperator: async (req) => req.headers.cookie === 'hb_session=operator' })(guarded);
  await guarded.ready();
  try {
    const remoteAddress = '203.0.113.5';
    assert.equal((await guarded.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress })).statusCode, 403);
    assert.equal((await guarded.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress, headers: { cookie: 'hb_session=member' } })).statusCode, 403);
    const ok = await guarded.inject({ method: 'GET', url: `/dev/mailbox/${invoiceMail.id}`, remoteAddress, headers: { cookie: 'hb_session=operator' } });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /세금계산서 발행 안내/);
  } finally {
    await guarded.close();
  }
});
