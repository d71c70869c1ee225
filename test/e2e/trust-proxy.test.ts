// TLS termination behind a reverse proxy (docs/deploy.md): with HANBILL_TRUST_PROXY naming the proxy, the client's
// address is read from X-Forwarded-For, back to the nearest hop that is not a trusted proxy, so a partner key's IP
// allow-list sees the real client. A caller that is not the proxy cannot claim an address, nor can a client put one
// in front of the proxy's hop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { makePartner, operatorClient, request } from './portal-support.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem({ HANBILL_TRUST_PROXY: '127.0.0.1' }); // the proxy: 127.0.0.1; 127.0.0.2 is another caller
});
after(async () => {
  await sys.close();
});

test('behind a trusted proxy the allow-list sees X-Forwarded-For’s client; an untrusted peer or a spoofed hop does not pass', async () => {
  const op = await operatorClient(sys);
  const p = await makePartner(sys, op);
  const key = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['203.0.113.7'] } });
  assert.equal(key.status, 201, key.text);
  const call = (headers: Record<string, string>, localAddress?: string) =>
    request(sys.url, 'GET', '/v1/webhook-endpoints', { headers: { authorization: `Bearer ${key.body.accessKey as string}`, ...headers }, ...(localAddress ? { localAddress } : {}) });

  const viaProxy = await call({ 'x-forwarded-for': '203.0.113.7' });
  assert.equal(viaProxy.status, 200, `the proxy forwards the allowed client: ${viaProxy.text}`);

  const direct = await call({});
  assert.equal(direct.status, 403, `the proxy's own address is not the client: ${direct.text}`);
  assert.equal(direct.body.error.code, 'ip_not_allowed', direct.text);

  const spoofed = await call({ 'x-forwarded-for': '203.0.113.7, 198.51.100.1' });
  assert.equal(spoofed.status, 403, `the client is the hop the proxy saw (198.51.100.1), not what the client wrote before it: ${spoofed.text}`);

  const notProxy = await call({ 'x-forwarded-for': '203.0.113.7' }, '127.0.0.2');
  assert.equal(notProxy.status, 403, `a peer that is not a trusted proxy cannot name an address: ${notProxy.text}`);
});

test('HANBILL_TRUST_PROXY: addresses, CIDRs and the named ranges are taken; anything else is refused naming the variable', () => {
  assert.deepEqual(loadConfig({ HANBILL_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16, ::1, fd00::/8, loopback' }).trustProxy, ['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
  assert.deepEqual(loadConfig({}).trustProxy, []);
  for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2']) {
    assert.throws(() => loadConfig({ HANBILL_TRUST_PROXY: bad }), (e: unknown) => e instanceof ConfigError && e.message.includes('HANBILL_TRUST_PROXY'), bad);
  }
});
