import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';

test('defaults: port 8080, ./data, both roles, embedded database', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.ok(c.dataDir.endsWith('/data'));
  assert.deepEqual([...c.roles].sort(), ['api', 'worker']);
  assert.equal(c.databaseUrl, undefined);
});

test('one error lists every bad variable', () => {
  try {
    loadConfig({ PORT: 'eighty', HANBILL_ROLES: 'api,cron', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', HANBILL_NTS_ISSUER_CODE: '12' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const names = err.problems.map((p) => p.split(':')[0]);
    for (const v of ['PORT', 'HANBILL_ROLES', 'DATABASE_URL', 'LOG_LEVEL', 'HANBILL_NTS_ISSUER_CODE', 'HANBILL_MASTER_KEY', 'HANBILL_OPERATOR_TOKEN']) {
      assert.ok(names.includes(v), `${v} is reported: ${err.message}`);
    }
  }
});

test('production mode needs the master key and operator token', () => {
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://localhost/x' }), /HANBILL_MASTER_KEY: required/);
  const c = loadConfig({ DATABASE_URL: 'postgres://localhost/x', HANBILL_MASTER_KEY: 'ab'.repeat(32), HANBILL_OPERATOR_TOKEN: 'x'.repeat(30), HANBILL_ROLES: 'worker' });
  assert.deepEqual([...c.roles], ['worker']);
});

test('HOST defaults to loopback (127.0.0.1): the embedded default is not reachable from the network unless HOST says so', () => {
  assert.equal(loadConfig({}).host, '127.0.0.1');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
});

test('HSTS: off by default, on with HANBILL_HSTS or an https HANBILL_PUBLIC_URL; a bad value is reported', () => {
  assert.equal(loadConfig({}).hstsMaxAge, undefined);
  assert.equal(loadConfig({ HANBILL_PUBLIC_URL: 'https://tax.example.kr' }).hstsMaxAge, 31_536_000);
  assert.equal(loadConfig({ HANBILL_HSTS: 'on' }).hstsMaxAge, 31_536_000);
  assert.equal(loadConfig({ HANBILL_HSTS: '600' }).hstsMaxAge, 600);
  assert.equal(loadConfig({ HANBILL_HSTS: 'off', HANBILL_PUBLIC_URL: 'https://tax.example.kr' }).hstsMaxAge, undefined);
  assert.throws(() => loadConfig({ HANBILL_HSTS: 'maybe' }), (e: ConfigError) => e.problems.some((p) => p.startsWith('HANBILL_HSTS:')));
});
