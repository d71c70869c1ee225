import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ConfigError, loadConfig, VARIABLES } from './config.ts';

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

test('DATABASE_POOL_IDLE_SECONDS: 300 by default, 0 keeps idle connections for good; a bad value is reported', () => {
  assert.equal(loadConfig({}).databasePoolIdleSeconds, 300);
  assert.equal(loadConfig({ DATABASE_POOL_IDLE_SECONDS: '0' }).databasePoolIdleSeconds, 0);
  assert.equal(loadConfig({ DATABASE_POOL_IDLE_SECONDS: '10' }).databasePoolIdleSeconds, 10);
  assert.throws(() => loadConfig({ DATABASE_POOL_IDLE_SECONDS: 'soon' }), /DATABASE_POOL_IDLE_SECONDS: expected an integer from 0 to 86400/);
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

test('the ASP key: key and certificate come together; with DATABASE_URL a real NTS gateway needs them (no self-signed key)', () => {
  const production = { DATABASE_URL: 'postgres://localhost/x', HANBILL_MASTER_KEY: 'ab'.repeat(32), HANBILL_OPERATOR_TOKEN: 'x'.repeat(30) };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems;
    }
  };
  // a real NTS (NTS_GATEWAY_URL) from a production database and no key: refused, naming the variables to set
  const refused = problemsOf({ ...production, NTS_GATEWAY_URL: 'https://ws.esero.go.kr' });
  assert.equal(refused.length, 1, refused.join('\n'));
  assert.match(refused[0]!, /^HANBILL_NTS_ASP_KEY: required when DATABASE_URL and NTS_GATEWAY_URL are set .*HANBILL_NTS_ASP_CERT/);
  const configured = loadConfig({ ...production, NTS_GATEWAY_URL: 'https://ws.esero.go.kr', HANBILL_NTS_ASP_KEY: '/etc/hanbill/asp-key.pem', HANBILL_NTS_ASP_CERT: '/etc/hanbill/asp-cert.pem' });
  assert.deepEqual([configured.nts.aspKey, configured.nts.aspCert], ['/etc/hanbill/asp-key.pem', '/etc/hanbill/asp-cert.pem']);
  // the in-process simulator (no NTS_GATEWAY_URL) and the embedded default may self-sign
  assert.equal(loadConfig(production).nts.aspKey, undefined);
  assert.equal(loadConfig({ NTS_GATEWAY_URL: 'https://ws.esero.go.kr' }).nts.aspKey, undefined);
  // one without the other
  assert.deepEqual(problemsOf({ HANBILL_NTS_ASP_KEY: '/k.pem' }).map((p) => p.split(':')[0]), ['HANBILL_NTS_ASP_CERT']);
  assert.deepEqual(problemsOf({ HANBILL_NTS_ASP_CERT: '/c.pem' }).map((p) => p.split(':')[0]), ['HANBILL_NTS_ASP_KEY']);
});

test('the README configuration table names every variable the configuration reads', () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const missing = VARIABLES.map((v) => v.name).filter((name) => !readme.includes(`| \`${name}\` |`));
  assert.deepEqual(missing, [], 'add these rows to the README configuration table');
});

test('the environment table of docs/deploy.md names every variable the configuration reads', () => {
  const doc = fs.readFileSync(new URL('../docs/deploy.md', import.meta.url), 'utf8');
  const env = doc.slice(doc.indexOf('## Environment'), doc.indexOf('\n## ', doc.indexOf('## Environment') + 5));
  const missing = VARIABLES.map((v) => v.name).filter((name) => !env.includes(`| \`${name}\` |`));
  assert.deepEqual(missing, [], 'add these rows to the Environment table of docs/deploy.md');
});
