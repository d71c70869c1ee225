/**
 * What one REST issue costs, one request at a time on an otherwise idle server (the `api` role: its mail is queued,
 * never sent): the latency p50 / p90 / p99 and, read from /proc, the server process's CPU and — on a PostgreSQL on this
 * machine — every `postgres` process's CPU per issue. Steadier than latency under load, so it is the figure to A/B a
 * change of the request path with: e.g. `DATABASE_PREPARED_STATEMENTS=off` (the server inherits the environment).
 *
 * Run: npm run build && node --import tsx bench/issue-cost.bench.ts            (embedded PGlite in a temp folder)
 *      DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> node --import tsx bench/issue-cost.bench.ts
 * Options: BENCH_ISSUES (default 2,000, after 300 to warm up). BENCH_CALLER: `member` (default: a member of no
 * partner, with its service key), `partner-key` (a partner's member, the call carrying the partner's Access Key as a
 * reseller's integration sends it: the API guard checks the key, its IP allow-list and that the member is the
 * partner's), `partner-member` (a partner's member calling without the key: the guard applies the partner's
 * suspension and IP rules). Prints figures only; asserts nothing but that every issue was answered 201.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { memberWithCertificate, sampleDocument, todayKst } from '../test/e2e/nts-support.ts';
import type { TestSystem } from '../test/support/test-system.ts';
import { startServer } from './customer-flow.bench.ts';
import { postgresCpuMs, processCpuMs } from './support/proc-cpu.ts';
import { partnerMember } from './support/partner-member.ts';

const databaseUrl = process.env['DATABASE_URL'] || undefined;
const issues = Number(process.env['BENCH_ISSUES'] ?? 2000);
const caller = process.env['BENCH_CALLER'] ?? 'member';
if (!['member', 'partner-key', 'partner-member'].includes(caller)) throw new Error(`BENCH_CALLER: expected member, partner-key or partner-member, got ${caller}`);
const operatorToken = crypto.randomBytes(24).toString('base64url');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-bench-issue-cost-'));
const server = await startServer(databaseUrl, dataDir, { env: { HANBILL_ROLES: 'api', HANBILL_OPERATOR_TOKEN: operatorToken } });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
try {
  const member = caller === 'member' ? (await memberWithCertificate({ url: server.url } as TestSystem)).member : await partnerMember(server.url, operatorToken);
  const headers = { 'content-type': 'application/json', 'x-svc-key': member.svcKey, ...(caller === 'partner-key' && 'accessKey' in member ? { authorization: `Bearer ${member.accessKey}` } : {}) };
  const body = JSON.stringify({ issue: true, document: sampleDocument('0101', member.bizno, todayKst()) });
  const url = new URL(`${server.url}/v1/subscriptions/${member.subscriptionId}/documents`);
  const issue = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const expect201 = async () => {
    const status = await issue();
    if (status !== 201) throw new Error(`issue answered ${status}`);
  };
  for (let i = 0; i < 300; i++) await expect201();
  const server0 = processCpuMs(server.child.pid!);
  const postgres0 = databaseUrl ? postgresCpuMs() : 0;
  const ms: number[] = [];
  for (let i = 0; i < issues; i++) {
    const t0 = performance.now();
    await expect201();
    ms.push(performance.now() - t0);
  }
  const serverMs = (processCpuMs(server.child.pid!) - server0) / issues;
  const postgresMs = databaseUrl ? (postgresCpuMs() - postgres0) / issues : 0;
  ms.sort((a, b) => a - b);
  const q = (x: number) => ms[Math.min(ms.length - 1, Math.floor(x * ms.length))]!.toFixed(2);
  const prepared = process.env['DATABASE_PREPARED_STATEMENTS'] ?? 'on';
  console.log(`Single REST issue, one at a time — ${databaseUrl ? `PostgreSQL (${new URL(databaseUrl).pathname.slice(1)})` : 'PGlite (embedded)'}, DATABASE_PREPARED_STATEMENTS=${prepared}, caller ${caller}, ${issues} issues, Node ${process.version}, ${os.cpus().length} cores`);
  console.log('| p50 ms | p90 ms | p99 ms | server CPU ms / issue | PostgreSQL CPU ms / issue |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${q(0.5)} | ${q(0.9)} | ${q(0.99)} | ${serverMs.toFixed(2)} | ${databaseUrl ? postgresMs.toFixed(2) : 'in the server'} |`);
} finally {
  agent.destroy();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
