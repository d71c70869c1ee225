import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { createMailCatcher, type MailCatcher } from '../../simulators/smtp/mail-catcher.ts';
import { classifySmtpError, createSmtpTransport, MailSendError, type MailTransport, type OutgoingMail } from './mail-transport.ts';

const FROM = 'Hanbill <no-reply@hanbill.local>';
let catcher: MailCatcher;
let url: string;
let transport: MailTransport;

before(async () => {
  catcher = createMailCatcher();
  ({ url } = await catcher.start());
  transport = createSmtpTransport(url, FROM);
});
after(async () => {
  await transport.close();
  await catcher.stop();
});
beforeEach(() => {
  catcher.resetFaults();
  catcher.clear();
});

const simple = (to: string, subject = '테스트'): OutgoingMail => ({ to: [to], subject, text: '본문', html: '<p>본문</p>' });

async function sendError(t: MailTransport, mail: OutgoingMail): Promise<MailSendError> {
  try {
    await t.send(mail);
  } catch (err) {
    assert.ok(err instanceof MailSendError, `expected MailSendError, got ${String(err)}`);
    return err;
  }
  assert.fail('send should have failed');
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((r) => server.close(() => r()));
  return address.port;
}

test('round trip over a real socket: Korean subject, html, cc, two attachments with Korean names, headers', async () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(40_000, 0xa7)]);
  const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><TaxInvoice><Name>주식회사 한빌</Name></TaxInvoice>', 'utf8');
  const subject = '[한빌] (주)가나다상사에서 전자세금계산서를 발행했습니다 — 2024년 5월분, 공급가액 1,000,000원 / 세액 100,000원';
  const result = await transport.send({
    to: ['김철수 <buyer@example.kr>', 'second@example.kr'],
    cc: ['"경리 담당" <accounting@example.kr>'],
    subject,
    text: '안녕하세요. 세금계산서를 확인해 주세요.\nhttps://hanbill.local/v/abc',
    html: '<h1>세금계산서 발행 안내</h1><p>공급받는자: <b>김철수</b></p>',
    attachments: [
      { filename: '세금계산서.pdf', content: pdf, contentType: 'application/pdf' },
      { filename: '전자세금계산서 원본(2024-05).xml', content: xml, contentType: 'application/xml' },
    ],
    headers: { 'X-Hanbill-Document-Id': 'doc-123' },
  });
  assert.match(result.messageId, /^<.+@hanbill\.local>$/);
  assert.deepEqual(result.accepted.sort(), ['accounting@example.kr', 'buyer@example.kr', 'second@example.kr']);
  assert.deepEqual(result.rejected, []);

  const mail = await catcher.waitFor((m) => m.messageId === result.messageId, 5000);
  assert.equal(mail.subject, subject);
  assert.deepEqual(mail.from, [{ name: 'Hanbill', address: 'no-reply@hanbill.local' }]);
  assert.deepEqual(mail.to, [
    { name: '김철수', address: 'buyer@example.kr' },
    { name: '', address: 'second@example.kr' },
  ]);
  assert.deepEqual(mail.cc, [{ name: '경리 담당', address: 'accounting@example.kr' }]);
  assert.deepEqual(mail.envelope, { from: 'no-reply@hanbill.local', to: ['buyer@example.kr', 'second@example.kr', 'accounting@example.kr'] });
  assert.equal(mail.html, '<h1>세금계산서 발행 안내</h1><p>공급받는자: <b>김철수</b></p>');
  assert.equal(mail.text?.trim(), '안녕하세요. 세금계산서를 확인해 주세요.\nhttps://hanbill.local/v/abc');
  assert.equal(mail.attachments.length, 2);
  const [a0, a1] = mail.attachments;
  assert.equal(a0?.filename, '세금계산서.pdf');
  assert.equal(a0?.contentType, 'application/pdf');
  assert.ok(a0?.content.equals(pdf), 'pdf bytes round-trip');
  assert.equal(a1?.filename, '전자세금계산서 원본(2024-05).xml');
  assert.ok(a1?.content.equals(xml), 'xml bytes round-trip');
  assert.ok(mail.headerLines.some((h) => h.key === 'x-hanbill-document-id' && h.line.endsWith('doc-123')));
  // the subject travelled as an RFC 2047 encoded word, not raw 8-bit
  const rawSubject = mail.headerLines.find((h) => h.key === 'subject')?.line ?? '';
  assert.match(rawSubject, /=\?UTF-8\?[BQ]\?/i);
  assert.equal(await catcher.get(mail.id), mail);
});

test('per-message from overrides the default; header values cannot inject new headers', async () => {
  await transport.send({ ...simple('a@example.kr'), from: '한빌 알림 <alert@hanbill.local>', headers: { 'X-Tag': 'one\r\nBcc: evil@example.com' } });
  const mail = await catcher.waitFor(() => true);
  assert.deepEqual(mail.from, [{ name: '한빌 알림', address: 'alert@hanbill.local' }]);
  assert.deepEqual(mail.envelope.to, ['a@example.kr']);
  assert.ok(!mail.headerLines.some((h) => h.key === 'bcc'));
  await assert.rejects(transport.send({ ...simple('a@example.kr'), headers: { 'Bad Name:': 'x' } }), (e: unknown) => e instanceof MailSendError && e.permanent);
});

test('550 on RCPT (the only recipient) is permanent', async () => {
  catcher.failNext(1, { code: 550, message: 'No such user here' });
  const err = await sendError(transport, simple('nobody@example.kr'));
  assert.equal(err.permanent, true);
  assert.equal(err.kind, 'rejected');
  assert.equal(err.responseCode, 550);
  assert.equal(err.command, 'RCPT TO');
  assert.deepEqual(err.rejected, ['nobody@example.kr']);
  assert.match(err.message, /permanent.*550 No such user here/);
  // the pooled connection survives a refused message
  await transport.send(simple('ok@example.kr'));
  assert.equal((await catcher.list()).length, 1);
});

test('451 on RCPT is temporary', async () => {
  catcher.failNext(1, { code: 451, message: 'Greylisted, try again later' });
  const err = await sendError(transport, simple('grey@example.kr'));
  assert.equal(err.permanent, false);
  assert.equal(err.kind, 'rejected');
  assert.equal(err.responseCode, 451);
});

test('DATA refused: 550 permanent, 451 temporary', async () => {
  catcher.failNext(1, { code: 550, message: 'Message content rejected', stage: 'data' });
  const permanent = await sendError(transport, simple('a@example.kr'));
  assert.equal(permanent.permanent, true);
  assert.equal(permanent.responseCode, 550);
  assert.equal(permanent.command, 'DATA');

  catcher.failNext(1, { code: 451, message: 'Local error in processing', stage: 'data' });
  const temporary = await sendError(transport, simple('a@example.kr'));
  assert.equal(temporary.permanent, false);
  assert.equal(temporary.responseCode, 451);
  assert.equal((await catcher.list()).length, 0, 'refused messages are not stored');
});

test('one of two recipients refused: delivered, the refused one reported', async () => {
  catcher.failNext(1, { code: 550, message: 'Mailbox unavailable', stage: 'rcpt' });
  const result = await transport.send({ ...simple('gone@example.kr'), to: ['gone@example.kr', 'here@example.kr'] });
  assert.deepEqual(result.rejected, ['gone@example.kr']);
  assert.deepEqual(result.accepted, ['here@example.kr']);
  const mail = await catcher.waitFor(() => true);
  assert.deepEqual(mail.envelope.to, ['here@example.kr']);
});

test('all recipients refused, one only deferred (4xx): temporary', async () => {
  catcher.failNext(1, { code: 550, message: 'No such user', stage: 'rcpt' });
  catcher.failNext(1, { code: 451, message: 'Try later', stage: 'rcpt' });
  const err = await sendError(transport, { ...simple('x@example.kr'), to: ['x@example.kr', 'y@example.kr'] });
  assert.equal(err.permanent, false);
  assert.deepEqual(err.rejected, ['x@example.kr', 'y@example.kr']);
});

test('connection refused is temporary, and the message names no credentials', async () => {
  const port = await closedPort();
  const t = createSmtpTransport(`smtp://mailer%40corp.kr:S3cr3t-pa%24%24@127.0.0.1:${port}`, FROM);
  try {
    const err = await sendError(t, simple('a@example.kr'));
    assert.equal(err.permanent, false);
    assert.equal(err.kind, 'connection');
    assert.match(err.message, /ECONNREFUSED/);
    assert.match(err.message, new RegExp(`smtp://127\\.0\\.0\\.1:${port}`));
    for (const secret of ['S3cr3t', 'mailer', '%24%24']) assert.ok(!err.message.includes(secret), `message leaks ${secret}: ${err.message}`);
    assert.ok(!String(err.stack).includes('S3cr3t'));
    assert.ok(!JSON.stringify(err).includes('S3cr3t'));
  } finally {
    await t.close();
  }
});

test('a reply slower than the socket timeout is a temporary timeout', async () => {
  const t = createSmtpTransport(url, FROM, { socketTimeoutMs: 300 });
  try {
    catcher.setDelay(1500);
    const err = await sendError(t, simple('slow@example.kr'));
    assert.equal(err.permanent, false);
    assert.equal(err.kind, 'timeout');
    assert.equal(err.code, 'ETIMEDOUT');
  } finally {
    catcher.setDelay(0);
    await t.close();
  }
});

test('catcher with required AUTH: right credentials deliver, wrong ones fail temporary without echoing the password', async () => {
  const secured = createMailCatcher({ auth: { user: 'hanbill@dev', pass: 'p@ss:word/한글' } });
  const { url: authUrl } = await secured.start();
  assert.match(authUrl, /^smtp:\/\/hanbill%40dev:.+@127\.0\.0\.1:\d+$/);
  const good = createSmtpTransport(authUrl, FROM);
  const badUrl = authUrl.replace(/:[^:@/]+@/, ':WrongPassw0rd@');
  const bad = createSmtpTransport(badUrl, FROM);
  const anonymous = createSmtpTransport(authUrl.replace(/\/\/.*@/, '//'), FROM);
  try {
    await good.send(simple('a@example.kr', '인증 메일'));
    const mail = await secured.waitFor((m) => m.subject === '인증 메일');
    assert.equal(mail.authUser, 'hanbill@dev');

    const err = await sendError(bad, simple('a@example.kr'));
    assert.equal(err.kind, 'auth');
    assert.equal(err.permanent, false);
    assert.equal(err.responseCode, 535);
    assert.ok(!err.message.includes('WrongPassw0rd'), err.message);
    assert.ok(!err.message.includes('hanbill'), err.message);

    const err2 = await sendError(anonymous, simple('a@example.kr'));
    assert.equal(err2.responseCode, 530);
    assert.equal((await secured.list()).length, 1);
  } finally {
    await Promise.all([good.close(), bad.close(), anonymous.close()]);
    await secured.stop();
  }
});

test('classifySmtpError', () => {
  assert.deepEqual(classifySmtpError({ code: 'EENVELOPE', responseCode: 550 }), { permanent: true, kind: 'rejected' });
  assert.deepEqual(classifySmtpError({ code: 'EMESSAGE', responseCode: 552 }), { permanent: true, kind: 'rejected' });
  assert.deepEqual(classifySmtpError({ code: 'EMESSAGE', responseCode: 503 }), { permanent: false, kind: 'rejected' });
  assert.deepEqual(classifySmtpError({ code: 'EENVELOPE', responseCode: 421 }), { permanent: false, kind: 'rejected' });
  assert.deepEqual(classifySmtpError({ code: 'ECONNECTION' }), { permanent: false, kind: 'connection' });
  assert.deepEqual(classifySmtpError({ code: 'ESOCKET' }), { permanent: false, kind: 'connection' });
  assert.deepEqual(classifySmtpError({ code: 'ETIMEDOUT' }), { permanent: false, kind: 'timeout' });
  assert.deepEqual(classifySmtpError({ code: 'EAUTH', responseCode: 535 }), { permanent: false, kind: 'auth' });
  assert.deepEqual(classifySmtpError({ code: 'ETLS' }), { permanent: false, kind: 'tls' });
  assert.deepEqual(classifySmtpError({ code: 'EENVELOPE' }), { permanent: true, kind: 'message' });
  assert.deepEqual(classifySmtpError({ code: 'ECONNRESET' }), { permanent: false, kind: 'connection' });
  assert.deepEqual(classifySmtpError(new Error('?')), { permanent: false, kind: 'unknown' });
  assert.deepEqual(classifySmtpError('text'), { permanent: false, kind: 'unknown' });
});

test('a closed transport refuses to send (temporary)', async () => {
  const t = createSmtpTransport(url, FROM);
  await t.close();
  const err = await sendError(t, simple('a@example.kr'));
  assert.equal(err.permanent, false);
});

test('throughput: pooled transport → catcher', async (t) => {
  const count = 300;
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => transport.send(simple(`bulk${i}@example.kr`, `대량 발송 ${i}`))));
  const seconds = (performance.now() - started) / 1000;
  // count only this test's mails: a message of an earlier test may still land after its clear()
  assert.equal((await catcher.list()).filter((m) => m.subject.startsWith('대량 발송 ')).length, count);
  t.diagnostic(`${count} mails in ${(seconds * 1000).toFixed(0)} ms = ${(count / seconds).toFixed(0)} mails/s (pool of 5 connections, kept raw by the catcher)`);
});

/** A TCP relay to the catcher that counts the connections opened through it. */
async function countingRelay(target: string): Promise<{ url: (query: string) => string; connections: () => number; close: () => Promise<void> }> {
  const t = new URL(target);
  let n = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    n += 1;
    const upstream = connect(Number(t.port), t.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: (query) => `smtp://127.0.0.1:${port}${query}`,
    connections: () => n,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('the pool size comes from the SMTP URL (?maxConnections=), 5 connections by default', async () => {
  const relay = await countingRelay(url);
  try {
    for (const [query, max, min] of [['?maxConnections=2', 2, 1], ['', 5, 3]] as const) {
      const before = relay.connections();
      const t = createSmtpTransport(relay.url(query), FROM);
      try {
        await Promise.all(Array.from({ length: 12 }, (_, i) => t.send(simple(`pool${i}@example.kr`))));
      } finally {
        await t.close();
      }
      const used = relay.connections() - before;
      assert.ok(used <= max && used >= min, `${query || 'default'}: ${used} connections for 12 concurrent mails (expected ${min}–${max})`);
    }
  } finally {
    await relay.close();
  }
});
