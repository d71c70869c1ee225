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
