// The `hanbill` API commands as a child process against a started server: issue (one, many, the 대량발행 .xlsx),
// list, show, file --wait, send, events tail (also --follow), webhook verify; human tables and --json; settings
// from the environment or --config; exit codes 0 ok, 1 API error (code and field printed), 2 usage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { TEMPLATE_COLUMNS, TEMPLATE_SHEET } from '../../src/modules/bulk-issue/xlsx-columns.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { integrator, integratorEnv, todaysInvoice, type Integrator } from './integrator-support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUN_CLI = "import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.runCli(process.argv.slice(1)); })";

let sys: TestSystem;
let who: Integrator;
let dir: string;
let env: Record<string, string>;
before(async () => {
  sys = await startTestSystem(integratorEnv());
  who = await integrator(sys);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-cli-'));
  // HOME points at an empty folder: no ~/.config/hanbill/config.json of the machine is read
  env = { PATH: process.env['PATH'] ?? '', HOME: dir, HANBILL_URL: sys.url, HANBILL_API_KEY: who.apiKey, HANBILL_SUBSCRIPTION_ID: String(who.subscriptionId), HANBILL_SVC_KEY: who.serviceKey };
});
after(async () => {
  await sys?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', RUN_CLI, ...args], { cwd: ROOT, env: opts.env ?? env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(opts.stdin ?? '');
  return child;
}

function hanbill(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  const child = start(args, opts);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('hanbill API commands', () => {
  test('issue one (--json and a table), show, list, then file --wait until the NTS accepted it', async () => {
    const one = await hanbill(['issue', writeJson('one.json', todaysInvoice()), '--json']);
    assert.equal(one.code, 0, one.stderr);
    const doc = JSON.parse(one.stdout) as { dockey: string; issueId: string; procState: string };
    assert.equal(doc.procState, 'S');
    assert.match(doc.issueId, /^\d{24}$/);

    const human = await hanbill(['issue', writeJson('two.json', { subkey: 'cli-two', document: todaysInvoice() })]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^문서키 \(dockey\)\s+승인번호 \(approval no\.\)\s+상태 \(state\)\s+합계 \(total\)\n\S+\s+\d{24}\s+발행 \(issued\)\s+110,000\n$/);

    const shown = await hanbill(['show', doc.dockey, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).dockey, doc.dockey);
    const shownHuman = await hanbill(['show', doc.dockey]);
    assert.match(shownHuman.stdout, new RegExp(`승인번호 \\(approval no\\.\\)\\s+${doc.issueId}`));

    const listed = await hanbill(['list', '--json', '--limit', '50']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok((JSON.parse(listed.stdout) as { data: { dockey: string }[] }).data.some((d) => d.dockey === doc.dockey));
    const table = await hanbill(['list', '--state', 'S']);
    assert.match(table.stdout.split('\n')[0]!, /^문서키 \(dockey\)\s+작성일자 \(date\)\s+공급받는자 \(buyer\)\s+합계 \(total\)\s+상태 \(state\)\s+국세청 \(NTS\)/);
    assert.ok(table.stdout.includes(doc.dockey));

    const filed = await hanbill(['file', doc.dockey, '--wait', '--json']);
    assert.equal(filed.code, 0, filed.stdout + filed.stderr);
    assert.deepEqual(JSON.parse(filed.stdout).results.map((r: { dockey: string; ntsState: string }) => [r.dockey, r.ntsState]), [[doc.dockey, '3']]);

    const events = await hanbill(['events', 'tail', '--object-id', doc.dockey, '--json']);
    assert.equal(events.code, 0, events.stderr);
    const types = events.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(types.filter((t) => t.startsWith('nts_filing.') || t === 'document.issued'), ['document.issued', 'nts_filing.queued', 'nts_filing.sent', 'nts_filing.succeeded']);
    const cursor = /^cursor: (\S+)$/m.exec(events.stderr)?.[1];
    assert.ok(cursor, events.stderr);
    // from the cursor on: not the filing's events again (the document's mail events may still come, so filtered)
    const after = await hanbill(['events', 'tail', '--object-id', doc.dockey, '--type', 'nts_filing.queued,nts_filing.succeeded', '--cursor', cursor, '--json']);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout, '', 'nothing of the filing again after the cursor');
  });

  test('issue many: every valid one issued, the invalid one reported with its field, exit 1; progress on stderr', async () => {
    const bad = { ...todaysInvoice(), buyer: { ...todaysInvoice().buyer, id: '1234567890' } };
    const file = writeJson('many.json', { documents: [{ subkey: 'cli-m1', document: todaysInvoice() }, { subkey: 'cli-m2', document: bad }, { subkey: 'cli-m3', document: todaysInvoice() }] });
    const r = await hanbill(['issue', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { batchId: string | null; total: number; issued: number; failed: number; items: { subkey: string; state: string; dockey: string | null; error: { field: string | null } | null }[] };
    assert.deepEqual([out.total, out.issued, out.failed], [3, 2, 1]);
    assert.match(String(out.batchId), /^\d+$/, 'through a document batch');
    assert.deepEqual(out.items.map((i) => [i.subkey, i.state]), [['cli-m1', 'issued'], ['cli-m2', 'failed'], ['cli-m3', 'issued']]);
    assert.match(out.items[1]!.error!.field ?? '', /buyer\.id/);
    assert.match(r.stderr, /발행 \(issuing\) \[#+-*\]\s+\d+% \d\/3/);

    const again = await hanbill(['issue', file, '--json']);
    const second = JSON.parse(again.stdout) as typeof out;
    assert.deepEqual(second.items.map((i) => i.dockey), out.items.map((i) => i.dockey), 'the same subkeys answer the same documents');
  });

  test('issue from the 대량발행 .xlsx: its rows issued with 행키 subkeys; a sheet error sends nothing', async () => {
    const sheet = async (name: string, rows: Record<string, string | number>[]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(TEMPLATE_SHEET);
      ws.getRow(1).values = TEMPLATE_COLUMNS.map((c) => c.header);
      ws.getRow(2).values = TEMPLATE_COLUMNS.map((c) => c.note);
      rows.forEach((r, i) => (ws.getRow(3 + i).values = TEMPLATE_COLUMNS.map((c) => r[c.key] ?? '')));
      const file = path.join(dir, name);
      await wb.xlsx.writeFile(file);
      return file;
    };
    const inv = todaysInvoice();
    const row = (key: string) => ({ rowKey: key, writeDate: inv.writeDate, kind: '세금계산서', purpose: '영수', buyerId: inv.buyer.id, buyerName: '(주)엑셀상사', buyerEmail: 'x@example.kr', 'line1.name': '용역', 'line1.supply': 50000 });
    const good = await hanbill(['issue', await sheet('good.xlsx', [row('R1'), row('R2')]), '--json']);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    const out = JSON.parse(good.stdout) as { items: { subkey: string; state: string }[] };
    assert.deepEqual(out.items.map((i) => [i.subkey, i.state]), [['xl:R1', 'issued'], ['xl:R2', 'issued']]);

    const broken = await hanbill(['issue', await sheet('broken.xlsx', [row('R3'), { ...row('R4'), rowKey: 'x'.repeat(41) }])]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /아무것도 보내지 않았습니다/);
    assert.match(broken.stderr, /4\s+행키/);
    const listed = JSON.parse((await hanbill(['list', '--json', '--limit', '200'])).stdout) as { data: { subkey: string | null }[] };
    assert.ok(!listed.data.some((d) => d.subkey === 'xl:R3'), 'nothing of the broken sheet was issued');
  });

  test('send sms through the partner key', async () => {
    const r = await hanbill(['send', 'sms', '--from', who.from, '--to', '01012345678', '--text', '발행 안내', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const a = JSON.parse(r.stdout) as { id: number; recipients: unknown[] };
    assert.ok(a.id > 0);
    assert.equal(a.recipients.length, 1);
  });

  test('events tail --follow prints new events as they happen and stops on SIGINT with exit 0', async () => {
    const child = start(['events', 'tail', '--follow', '--interval', '200', '--type', 'document.issued', '--json']);
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = () => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { object: { id: string } });
    child.stdout!.on('data', (d) => (stdout += d));
    // catch-up: the documents of the tests before (or none), then a new one must appear
    await new Promise((r) => setTimeout(r, 1500));
    const issued = await hanbill(['issue', writeJson('follow.json', todaysInvoice()), '--json']);
    const dockey = (JSON.parse(issued.stdout) as { dockey: string }).dockey;
    const deadline = Date.now() + 15_000;
    while (!lines().some((e) => e.object.id === dockey) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(lines().some((e) => e.object.id === dockey), `the new document's event was printed: ${stdout}`);
    child.kill('SIGINT');
    assert.equal(await closed, 0);
  });

  test('webhook verify: the known vector is valid (exit 0), another secret is not (exit 1)', async () => {
    const body = '{"id":"evt_1","type":"document.issued"}';
    const header = 't=1767225600,v1=b9ca0e0b1037cceb4f281415307ef7d2adac2c5974668f3a922e9790d43c627d';
    const ok = await hanbill(['webhook', 'verify', '--secret', 'whsec_test_secret', '--header', header, '--now', '1767225610'], { stdin: body });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /서명 유효 \(signature valid\)/);
    const no = await hanbill(['webhook', 'verify', '--secret', 'whsec_other', '--header', header, '--now', '1767225610'], { stdin: body });
    assert.equal(no.code, 1);
    assert.match(no.stderr, /no signature matches/);
    const late = await hanbill(['webhook', 'verify', '--secret', 'whsec_test_secret', '--header', header], { stdin: body });
    assert.equal(late.code, 1, 'a 2026-01-01 timestamp is outside 300 s of now');
  });

  test('usage errors exit 2 with the usage; API errors exit 1 with code, field and request id; --config', async () => {
    const bogus = await hanbill(['list', '--bogus']);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /unknown option\) --bogus\nusage: hanbill list/);
    const noFile = await hanbill(['issue']);
    assert.equal(noFile.code, 2);
    const noUrl = await hanbill(['list'], { env: { PATH: env['PATH']!, HOME: dir } });
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /HANBILL_URL/);

    const missing = await hanbill(['show', 'A'.repeat(20), '--json']);
    assert.equal(missing.code, 1);
    const err = (JSON.parse(missing.stdout) as { error: { status: number; code: string; requestId: string } }).error;
    assert.equal(err.status, 404);
    assert.ok(err.requestId);
    assert.match(missing.stderr, new RegExp(`오류 \\(error\\) \\[HTTP 404, ${err.code}, .*requestId ${err.requestId}\\]`));

    const wrongKey = await hanbill(['list'], { env: { ...env, HANBILL_SVC_KEY: 'wrong' } });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /field X-Svc-Key/);

    const config = writeJson('config.json', { url: sys.url, apiKey: who.apiKey, subscriptionId: who.subscriptionId, serviceKey: who.serviceKey });
    const viaFile = await hanbill(['list', '--json', '--config', config], { env: { PATH: env['PATH']!, HOME: dir } });
    assert.equal(viaFile.code, 0, viaFile.stderr);
    fs.mkdirSync(path.join(dir, '.config', 'hanbill'), { recursive: true });
    fs.copyFileSync(config, path.join(dir, '.config', 'hanbill', 'config.json'));
    const viaHome = await hanbill(['list', '--json'], { env: { PATH: env['PATH']!, HOME: dir } });
    assert.equal(viaHome.code, 0, viaHome.stderr);
    const badConfig = await hanbill(['list', '--config', path.join(dir, 'nope.json')]);
    assert.equal(badConfig.code, 2);
  });
});
