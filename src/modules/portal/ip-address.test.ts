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
