import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { checkEndpointUrl, isForbiddenAddress } from './webhook-address.ts';

test('internal IPv4 ranges are forbidden, public ones are not', () => {
  for (const a of ['0.0.0.0', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.8.9.10', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.0.2.5', '198.18.0.1', '224.0.0.1', '239.255.255.250', '255.255.255.255']) {
    assert.equal(isForbiddenAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.1', '172.15.255.255', '172.32.0.1', '192.169.0.1', '93.184.215.14', '211.234.118.50']) {
    assert.equal(isForbiddenAddress(a), false, a);
  }
});

test('internal IPv6 ranges and IPv4 inside IPv6 (mapped, compatible, NAT64) are forbidden', () => {
  for (const a of ['::', '::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', 'fec0::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2001:db8::1', '[::1]']) {
    assert.equal(isForbiddenAddress(a), true, a);
  }
  for (const a of ['2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
    assert.equal(isForbiddenAddress(a), false, a);
  }
  assert.equal(isForbiddenAddress('not-an-ip'), true, 'anything that is not an address is never connected to');
});

test('endpoint URLs: https only unless http is allowed; literal internal addresses refused unless allowed; named fields', () => {
  const strict = { allowHttp: false, allowPrivate: false };
  const refused = (url: unknown, rules = strict) => {
    try {
      checkEndpointUrl(url, rules);
    } catch (err) {
      assert.ok(err instanceof AppError);
      assert.equal(err.field, 'url');
      return err.code;
    }
    return 'accepted';
  };
  assert.equal(checkEndpointUrl('https://example.com/hooks?x=1', strict), 'https://example.com/hooks?x=1');
  assert.equal(refused('http://example.com/hooks'), 'webhook_url_refused');
  assert.equal(refused('http://example.com/hooks', { allowHttp: true, allowPrivate: false }), 'accepted');
  assert.equal(refused('ftp://example.com/'), 'webhook_url_refused');
  assert.equal(refused('https://127.0.0.1/'), 'webhook_url_refused');
  assert.equal(refused('https://[::ffff:127.0.0.1]/'), 'webhook_url_refused');
  assert.equal(refused('https://0x7f000001/'), 'webhook_url_refused', 'the URL parser normalizes numeric hosts first');
  assert.equal(refused('https://127.0.0.1/', { allowHttp: false, allowPrivate: true }), 'accepted');
  assert.equal(refused('https://localhost/'), 'accepted', 'a name is checked after resolution, at delivery');
  assert.equal(refused(''), 'field_required');
  assert.equal(refused(undefined), 'field_required');
  assert.equal(refused('not a url'), 'field_invalid');
  assert.equal(refused('https://u:p@example.com/'), 'field_invalid');
  assert.equal(refused('https://example.com/#frag'), 'field_invalid');
  assert.equal(refused(`https://example.com/${'a'.repeat(2100)}`), 'field_invalid');
});
