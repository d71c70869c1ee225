// Where webhooks may go when private addresses are not allowed (the production default): literal internal addresses
// are refused at registration (400 naming url), and a host name resolving to one (localhost) is refused at delivery,
// after resolution, before any connection. http stays allowed here only so that a local receiver can exist.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { deliveriesOf, emit, registerEndpoint, startReceiver, startWebhookSystem, webhookPartner, type Receiver } from './webhooks-support.ts';

let sys: TestSystem;
let rcv: Receiver;
before(async () => {
  sys = await startWebhookSystem({ HANBILL_WEBHOOK_ALLOW_PRIVATE: '0' });
  rcv = await startReceiver();
});
after(async () => {
  await rcv.close();
  await sys.close();
});

test('internal addresses are refused at registration and on edit, naming url', async () => {
  const p = await webhookPartner(sys);
  for (const url of [
    'http://127.0.0.1:8080/hooks',
    'http://10.1.2.3/hooks',
    'http://172.16.0.1/',
    'http://192.168.1.10/',
    'http://[::1]/hooks',
    'http://169.254.169.254/latest/meta-data',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
  ]) {
    const r = await p.call('POST', '/v1/webhook-endpoints', { url, events: ['document.issued'] });
    assert.equal(r.status, 400, `${url}: ${r.text}`);
    assert.equal(r.body.error.code, 'webhook_url_refused', url);
    assert.equal(r.body.error.field, 'url', url);
  }
  const ok = await p.call('POST', '/v1/webhook-endpoints', { url: 'https://93.184.215.14/hooks', events: ['document.issued'] });
  assert.equal(ok.status, 201, 'a public address is accepted');
  const edit = await p.call('PATCH', `/v1/webhook-endpoints/${ok.body.id}`, { url: 'http://10.0.0.1/' });
  assert.equal(edit.status, 400);
  assert.equal(edit.body.error.field, 'url');
  const withUser = await p.call('POST', '/v1/webhook-endpoints', { url: 'https://user:pw@example.com/', events: ['document.issued'] });
  assert.equal(withUser.status, 400);
  assert.equal(withUser.body.error.field, 'url');
});

test('a host name that resolves to a loopback address is refused at delivery, and nothing is sent', async () => {
  const p = await webhookPartner(sys);
  const ep = await registerEndpoint(p, `http://localhost:${rcv.port}/hooks`);
  await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: `L${Date.now()}` }]);
  const [d] = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds[0]?.attempts === 1, { what: 'the refused attempt' });
  assert.equal(d.state, 'pending', 'retried like any failure (the name may resolve elsewhere later)');
  assert.equal(d.attemptLog[0].status, null);
  assert.match(d.attemptLog[0].error, /refused address (127\.0\.0\.1|::1)/);
  assert.equal(rcv.requests.length, 0, 'no connection was made');
});
