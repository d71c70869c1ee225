import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { createMailCatcher } from './mail-catcher.ts';
import { createSmtpTransport, type OutgoingMail } from '../../modules/mail/mail-transport.ts';
import { waitFor } from '../../../test/support/wait-for.ts';

const simple = (subject: string): OutgoingMail => ({ to: ['a@example.kr'], subject, text: 't', html: '<p>h</p>' });

/** Talk SMTP by hand: EHLO, then the rest pipelined; returns the server's transcript once it hangs up. */
async function rawSession(port: number, ehlo: string, rest: string[]): Promise<string> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  let transcript = '';
  socket.on('data', (d: string) => (transcript += d));
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  const reply = (pattern: RegExp) => waitFor(() => transcript, (t) => pattern.test(t), { timeoutMs: 3000, intervalMs: 5, what: `the reply ${pattern}` });
  await reply(/^220 /m);
  socket.write(`${ehlo}\r\n`);
  await reply(/^250 /m);
  socket.write(rest.map((line) => `${line}\r\n`).join(''));
  await closed;
  return transcript;
}

test('start/stop: random port on 127.0.0.1, idempotent start, stop with pooled connections open is quick', async () => {
  const catcher = createMailCatcher();
  const { url } = await catcher.start();
  assert.match(url, /^smtp:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(await catcher.start(), { url });
  const transport = createSmtpTransport(url, 'x@hanbill.local');
  await transport.send(simple('one'));
  const started = Date.now();
  await catcher.stop(); // the pool still holds an idle connection
  assert.ok(Date.now() - started < 900, `stop took ${Date.now() - started} ms`);
  assert.equal((await catcher.list()).length, 1, 'mails stay readable after stop');
  await transport.close();
  await catcher.stop(); // second stop is a no-op
});

test('a given port is used', async () => {
  const probe = createMailCatcher();
  const port = Number(new URL((await probe.start()).url).port);
  await probe.stop();
  const catcher = createMailCatcher({ port });
  try {
    assert.equal((await catcher.start()).url, `smtp://127.0.0.1:${port}`);
  } finally {
    await catcher.stop();
  }
});

test('keeps the newest N, list() newest first, get() by id', async () => {
  const catcher = createMailCatcher({ maxMails: 3 });
  const transport = createSmtpTransport((await catcher.start()).url, 'x@hanbill.local', { maxConnections: 1 });
  try {
    for (let i = 1; i <= 5; i++) await transport.send(simple(`메일 ${i}`));
    const list = await catcher.list();
    assert.deepEqual(
      list.map((m) => m.subject),
      ['메일 5', '메일 4', '메일 3'],
    );
    for (const m of list) assert.equal(await catcher.get(m.id), m, 'get() and list() give the same parsed mail');
    assert.equal(await catcher.get('nope'), undefined);
    assert.equal(new Set(list.map((m) => m.id)).size, 3);
  } finally {
    await transport.close();
    await catcher.stop();
  }
});

test('keeps mails within maxKeptBytes, dropping the oldest first, and always the newest', async () => {
  const catcher = createMailCatcher({ maxKeptBytes: 5_000 });
  const transport = createSmtpTransport((await catcher.start()).url, 'x@hanbill.local', { maxConnections: 1 });
  try {
    const withText = (subject: string, bytes: number) => ({ ...simple(subject), text: 'x'.repeat(bytes) });
    for (let i = 1; i <= 4; i++) await transport.send(withText(`메일 ${i}`, 1_500));
    const kept = await catcher.list();
    assert.ok(kept.reduce((n, m) => n + m.size, 0) <= 5_000);
    assert.deepEqual(kept.map((m) => m.subject), ['메일 4', '메일 3']);
    // one mail larger than the budget replaces every other and is kept
    await transport.send(withText('큰 메일', 8_000));
    assert.deepEqual((await catcher.list()).map((m) => m.subject), ['큰 메일']);
    await transport.send(withText('메일 5', 100));
    assert.deepEqual((await catcher.list()).map((m) => m.subject), ['메일 5']);
  } finally {
    await transport.close();
    await catcher.stop();
  }
});

test('waitFor: resolves on an existing mail, on a later one, rejects on timeout', async () => {
  const catcher = createMailCatcher();
  const transport = createSmtpTransport((await catcher.start()).url, 'x@hanbill.local');
  try {
    await transport.send(simple('먼저'));
    assert.equal((await catcher.waitFor((m) => m.subject === '먼저', 100)).subject, '먼저');
    const later = catcher.waitFor((m) => m.subject === '나중', 3000);
    await transport.send(simple('다른 것'));
    await transport.send(simple('나중'));
    assert.equal((await later).subject, '나중');
    await assert.rejects(catcher.waitFor((m) => m.subject === '없음', 50), /no matching mail within 50 ms/);
    // a throwing predicate does not break delivery
    const throwing = catcher.waitFor(() => {
      throw new Error('boom');
    }, 200);
    await transport.send(simple('계속'));
    await assert.rejects(throwing, /no matching mail/);
    assert.equal((await catcher.list())[0]?.subject, '계속');
  } finally {
    await transport.close();
    await catcher.stop();
  }
});

test('failNext counts commands and queues; setDelay holds the reply', async () => {
  const catcher = createMailCatcher();
  const transport = createSmtpTransport((await catcher.start()).url, 'x@hanbill.local', { maxConnections: 1 });
  try {
    catcher.failNext(2, { code: 451, message: 'busy' });
    catcher.failNext(1, { code: 550, message: 'gone' });
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        await transport.send(simple(`try ${i}`));
        codes.push(250);
      } catch (err) {
        codes.push((err as { responseCode?: number }).responseCode);
      }
    }
    assert.deepEqual(codes, [451, 451, 550, 250]);
    assert.throws(() => catcher.failNext(0, { code: 451, message: 'x' }), RangeError);

    catcher.setDelay(200);
    const started = Date.now();
    await transport.send(simple('느림'));
    assert.ok(Date.now() - started >= 190);
    catcher.setDelay(0);
  } finally {
    await transport.close();
    await catcher.stop();
  }
});

test('failNext scoped to a recipient: only mail to that address takes the fault, at RCPT or at DATA', async () => {
  const catcher = createMailCatcher();
  const transport = createSmtpTransport((await catcher.start()).url, 'x@hanbill.local', { maxConnections: 1 });
  const to = (...addresses: string[]): OutgoingMail => ({ ...simple(addresses.join(',')), to: addresses });
  const code = async (mail: OutgoingMail): Promise<number | undefined> => {
    try {
      await transport.send(mail);
      return 250;
    } catch (err) {
      return (err as { responseCode?: number }).responseCode;
    }
  };
  try {
    catcher.failNext(1, { code: 451, message: 'busy' }, { to: 'Mine@Example.kr' });
    // other tests' mail, before and after, passes and leaves the fault in place
    assert.equal(await code(to('other@example.kr')), 250);
    assert.equal(await code(to('mine@example.kr')), 451, 'the address is compared case-insensitively');
    assert.equal(await code(to('mine@example.kr')), 250, 'used up after n');

    catcher.failNext(1, { code: 550, message: 'rejected', stage: 'data' }, { to: 'mine@example.kr' });
    assert.equal(await code(to('other@example.kr')), 250);
    assert.equal(await code(to('other@example.kr', 'mine@example.kr')), 550, 'DATA fails when the envelope includes the address');
    assert.equal(await code(to('other@example.kr', 'mine@example.kr')), 250);

    // an unscoped fault still takes whichever mail comes next
    catcher.failNext(1, { code: 451, message: 'busy' });
    assert.equal(await code(to('anyone@example.kr')), 451);
    assert.deepEqual(
      (await catcher.list()).map((m) => m.envelope.to.join(',')),
      ['other@example.kr,mine@example.kr', 'other@example.kr', 'mine@example.kr', 'other@example.kr'],
    );
    assert.throws(() => catcher.failNext(1, { code: 451, message: 'x' }, { to: 'not-an-address' }), RangeError);
  } finally {
    await transport.close();
    await catcher.stop();
  }
});

test('a message over the size limit gets 552 and is not kept', async () => {
  const catcher = createMailCatcher({ maxMessageBytes: 10_000 });
  const transport = createSmtpTransport((await catcher.start()).url, 'x@hanbill.local');
  try {
    await assert.rejects(
      transport.send({ ...simple('큼'), attachments: [{ filename: 'big.bin', content: Buffer.alloc(20_000, 1), contentType: 'application/octet-stream' }] }),
      (err: unknown) => (err as { responseCode?: number; permanent?: boolean }).responseCode === 552 && (err as { permanent: boolean }).permanent,
    );
    assert.equal((await catcher.list()).length, 0);
  } finally {
    await transport.close();
    await catcher.stop();
  }
});

test('a hand-written SMTP session (no AUTH, null sender, no MIME) is caught', async () => {
  const catcher = createMailCatcher();
  const port = Number(new URL((await catcher.start()).url).port);
  try {
    const transcript = await rawSession(port, 'EHLO test.local', [
      'MAIL FROM:<>',
      'RCPT TO:<raw@example.kr>',
      'DATA',
      'Subject: plain',
      '',
      'hello',
      '.',
      'QUIT',
    ]);
    assert.match(transcript, /250 Ok: queued as /);
    const mail = await catcher.waitFor(() => true, 1000);
    assert.equal(mail.subject, 'plain');
    assert.equal(mail.envelope.from, '');
    assert.deepEqual(mail.envelope.to, ['raw@example.kr']);
    assert.equal(mail.text?.trim(), 'hello');
    assert.equal(mail.html, undefined);
  } finally {
    await catcher.stop();
  }
});
