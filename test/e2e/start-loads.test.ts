// What start-up loads: production (SMTP_URL set) never loads the in-process mail catcher (smtp-server) or its
// parser (mailparser), and no start loads pdfkit before the first PDF. Each costs start time (and, for the
// catcher, ships dev infrastructure into production). This file runs in its own process; a resolve hook,
// registered before the system is imported, records every package the process loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const resolved = new Set<string>();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => resolved.add(url));
port1.unref();
const hook = `export async function initialize({ port }) { globalThis.port = port; }
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); globalThis.port.postMessage(r.url); return r; }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

const { startTestSystem } = await import('../support/test-system.ts');
/** The hook's messages arrive asynchronously: let them in before looking. */
const loaded = async (pkg: string) => {
  await new Promise((r) => setTimeout(r, 50));
  return [...resolved].some((url) => url.includes(`/node_modules/${pkg}/`));
};

test('a start with SMTP_URL loads neither the mail catcher (smtp-server, mailparser) nor pdfkit', async () => {
  const sys = await startTestSystem({ SMTP_URL: 'smtp://127.0.0.1:9' }); // never connected: no mail is sent
  try {
    assert.equal(sys.mail.catcher, undefined);
    for (const pkg of ['smtp-server', 'mailparser', 'pdfkit']) assert.equal(await loaded(pkg), false, `${pkg} must not be loaded`);
    assert.ok(await loaded('nodemailer'), 'the hook sees the packages the start did load');
  } finally {
    await sys.close();
  }
});

test('the embedded default (SMTP_URL unset) starts the catcher; mailparser waits for the first mail read', async () => {
  const sys = await startTestSystem();
  try {
    assert.ok(sys.mail.catcher);
    assert.ok(await loaded('smtp-server'));
    assert.equal(await loaded('mailparser'), false);
    await sys.mail.transport.send({ to: ['buyer@example.kr'], subject: '시작 확인', text: '본문', html: '<p>본문</p>' });
    assert.equal(await loaded('mailparser'), false, 'a caught mail is kept raw until it is read');
    assert.deepEqual((await sys.mail.catcher.list()).map((m) => m.subject), ['시작 확인']);
    assert.ok(await loaded('mailparser'), 'the first mail read loads the parser');
  } finally {
    await sys.close();
  }
});
