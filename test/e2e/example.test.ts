// examples/issue-file-send.ts, run as a child process against a started server (webhooks to its local receiver
// allowed over http on a loopback address): issue → file → SMS → verified webhooks → the event log; exit 0.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { integrator, integratorEnv, type Integrator } from './integrator-support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

let sys: TestSystem;
let who: Integrator;
before(async () => {
  sys = await startTestSystem(integratorEnv());
  who = await integrator(sys);
});
after(async () => sys?.close());

function runExample(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/issue-file-send.ts'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('the example issues, files, sends and verifies the webhooks it receives', { timeout: 120_000 }, async () => {
  const r = await runExample({
    HANBILL_URL: sys.url,
    HANBILL_API_KEY: who.apiKey,
    HANBILL_SUBSCRIPTION_ID: String(who.subscriptionId),
    HANBILL_SVC_KEY: who.serviceKey,
    HANBILL_FROM: who.from,
    HANBILL_EXAMPLE_TIMEOUT_S: '45',
  });
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /승인번호 \d{24}/);
  assert.match(r.stdout, /국세청 전송 성공/);
  assert.match(r.stdout, /webhook whd_\S+: document\.issued document \S+ → \S+ \(signature valid\)/);
  assert.match(r.stdout, /webhook whd_\S+: nts_filing\.succeeded /);
  assert.match(r.stdout, /event log: document\.issued → .*nts_filing\.succeeded/);
  assert.match(r.stdout, /\nok\n$/);
  const endpoints = await sys.database.pool.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE partner_id = $1', [who.partnerId]);
  assert.equal(endpoints.rows[0].n, 0, 'the example deleted its endpoint');
});

test('the example exits 1 with the failing step when a credential is wrong', { timeout: 60_000 }, async () => {
  const r = await runExample({ HANBILL_URL: sys.url, HANBILL_API_KEY: 'wrong-key', HANBILL_SUBSCRIPTION_ID: String(who.subscriptionId), HANBILL_SVC_KEY: who.serviceKey, HANBILL_FROM: who.from });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /example failed: register the webhook endpoint failed: \S+/);
});
