import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callerIp, normalizeIp, readIp } from './ip-address.ts';

test('IPv4 is kept; bad dotted forms are refused', () => {
  assert.equal(normalizeIp(' 203.0.113.7 '), '203.0.113.7');
  for (const bad of ['01.2.3.4', '1.2.3', '256.1.1.1', '1.2.3.4/24', 'localhost', '', '1.2.3.4 5.6.7.8']) assert.equal(normalizeIp(bad), undefined, bad);
});

test('IPv6 is normalised to RFC 5952; IPv4-mapped becomes IPv4', () => {
  assert.equal(normalizeIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(normalizeIp('[2001:db8::0:1]'), '2001:db8::1');
  assert.equal(normalizeIp('::1'), '::1');
  assert.equal(normalizeIp('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(normalizeIp('::FFFF:0102:0304'), '1.2.3.4');
  assert.equal(callerIp('::ffff:127.0.0.2'), '127.0.0.2');
  assert.equal(normalizeIp('fe80::1%eth0'), undefined);
  assert.equal(normalizeIp('2001:db8::g'), undefined);
});

test('readIp names the field', () => {
  assert.throws(() => readIp('1.2.3.999', 'ips[2]'), (e: { field?: string; code?: string }) => e.field === 'ips[2]' && e.code === 'field_invalid');
});

test('an allow-list takes unicast addresses only: unspecified, multicast, broadcast and reserved are refused, naming the field', () => {
  const bad = [
    '0.0.0.0', '0.1.2.3', '::', '::0', '0:0:0:0:0:0:0:0', '::ffff:0.0.0.0', // unspecified / "this network"
    '224.0.0.1', '239.255.255.250', 'ff02::1', 'FF05::1:3', '::ffff:224.0.0.251', // multicast
    '255.255.255.255', '240.0.0.1', // limited broadcast, reserved (class E)
  ];
  for (const ip of bad) {
    assert.throws(() => readIp(ip, 'ips[0]'), (e: { field?: string; code?: string; message: string }) => e.field === 'ips[0]' && e.code === 'field_invalid' && /유니캐스트|unicast/.test(e.message), ip);
  }
  for (const ok of ['127.0.0.1', '::1', '10.0.0.1', '203.0.113.7', '2001:db8::1', '223.255.255.254', 'fe80::1']) assert.equal(readIp(ok, 'ip'), normalizeIp(ok), ok);
});
