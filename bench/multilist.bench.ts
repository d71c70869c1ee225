// MULTILIST of 1,000 rows (issue 13, goal ≤ 50 ms): seeds BENCH_MULTILIST_DOCS (default 1,000) issued and filed
// documents of one subscription by SQL (each row carries the body of a real validated document, as stored rows
// do), then times `document.aspx cmd=MULTILIST page_size=1000` over HTTP (UTF-8 and CP949; median and p99) and
// its stages in process: the count, the row query, row mapping (legacyDocumentRow), answer encoding (XML UTF-8,
// XML CP949, JSON). Also times the REST list (GET /v1/subscriptions/{id}/documents?limit=200). Prints figures
// beside the goal; asserts nothing.
//   node --import tsx bench/multilist.bench.ts                       (embedded PGlite in a temp folder)
//   DATABASE_URL=postgres://… node --import tsx bench/multilist.bench.ts   (PostgreSQL; use a scratch database)
// Options: BENCH_MULTILIST_DOCS (default 1000), BENCH_RUNS (default 30).
import os from 'node:os';
import { startBenchSystem } from './support/bench-system.ts';
import { insertDocument } from '../src/modules/documents/insert-document.ts';
import { sampleTaxInvoice } from '../src/modules/documents/sample-documents.ts';
import { listDocumentsPage, type DocumentFilter } from '../src/modules/documents/list-documents.ts';
import { legacyDocumentRow } from '../src/modules/documents/document-views.ts';
import { renderLegacyJson, renderLegacyXml, type LegacyAnswer } from '../src/faces/legacy/legacy-codec.ts';
import { kstDate } from '../src/platform/clock.ts';
import { onboard } from '../test/support/onboard.ts';
import { seedDocuments } from './support/seed-documents.ts';

const N = Number(process.env['BENCH_MULTILIST_DOCS'] ?? 1000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
const GOAL_MS = 50;
const { sys, close } = await startBenchSystem('ml');
const engine = sys.database.engine;
const url = sys.url!;
const ctx = sys.ctx;

const m = await onboard(url);
const member = await ctx.db.selectFrom('members').select('id').where('bizno', '=', m.bizno).executeTakeFirstOrThrow();
const tenant = { subscriptionId: m.sinchno, memberId: Number(member.id), packageId: 1 };
const today = kstDate(new Date());

// one real document (validated and stored as the API stores it) whose body the seeded rows share
const sample = sampleTaxInvoice();
sample.supplier = { ...sample.supplier, bizno: m.bizno };
sample.writeDate = today;
sample.lines = sample.lines.map((l) => ({ ...l, month: Number(today.slice(4, 6)), day: Number(today.slice(6, 8)) }));
const first = await insertDocument(ctx, tenant, { input: sample, issue: false });
const seedId = first.document.id;

const t0 = performance.now();
await seedDocuments(ctx.db, { subscriptionId: m.sinchno, seedId, count: N });
const seeded = performance.now() - t0;

const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)]!;
async function times(fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn();
    xs.push(performance.now() - s);
  }
  return xs;
}

const fields = { cmd: 'MULTILIST', sinch_no: String(m.sinchno), svc_key: m.svcKey, sdate: today, edate: today, page_size: '1000' };
let bytesUtf8 = 0;
let bytesCp949 = 0;
const httpUtf8 = await times(async () => {
  const r = await fetch(`${url}/document.aspx`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const b = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200 || !b.includes('<code>0000</code>')) throw new Error(`MULTILIST: ${r.status} ${b.subarray(0, 300).toString()}`);
  bytesUtf8 = b.length;
});
const httpCp949 = await times(async () => {
  const r = await fetch(`${url}/document.aspx`, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=euc-kr' } });
  const b = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200 || !b.includes('<code>0000</code>')) throw new Error(`MULTILIST (CP949): ${r.status}`);
  bytesCp949 = b.length;
});
const httpJson = await times(async () => {
  const r = await fetch(`${url}/document.aspx`, { method: 'POST', body: new URLSearchParams({ ...fields, fmt: 'json' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (r.status !== 200) throw new Error(`MULTILIST json: ${r.status}`);
  await r.arrayBuffer();
});
// the fixed cost of a call (form, guard, subscription key, count, one row): what is not the 1,000 rows
const httpOne = await times(async () => {
  const r = await fetch(`${url}/document.aspx`, { method: 'POST', body: new URLSearchParams({ ...fields, page_size: '1' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (r.status !== 200) throw new Error(`MULTILIST 1: ${r.status}`);
  await r.arrayBuffer();
});
// REST list: the same ledger, 200 a page (its maximum), by cursor
const restHttp = await times(async () => {
  const r = await fetch(`${url}/v1/subscriptions/${m.sinchno}/documents?limit=200&from=${today}&to=${today}`, { headers: { 'x-svc-key': m.svcKey } });
  if (r.status !== 200) throw new Error(`REST list: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
});

// stages in process, as the page runs them
const filter: DocumentFilter = { ledger: 'sales', from: today, to: today };
let page = await listDocumentsPage(ctx, tenant, filter, { page: 1, pageSize: 1000 });
if (page.rows.length !== Math.min(1000, N + 1)) throw new Error(`expected ${Math.min(1000, N + 1)} rows, got ${page.rows.length}`);
const listStage = await times(async () => (page = await listDocumentsPage(ctx, tenant, filter, { page: 1, pageSize: 1000 })));
let answer: LegacyAnswer = { code: '0000', msg: '', list: { total: page.total, page: 1, rows: [] } };
const mapStage = await times(() => (answer = { code: '0000', msg: '정상 처리되었습니다', list: { total: page.total, page: 1, rows: page.rows.map(legacyDocumentRow) } }));
const xmlUtf8 = await times(() => renderLegacyXml(answer, 'utf-8'));
const xmlCp949 = await times(() => renderLegacyXml(answer, 'euc-kr'));
const json = await times(() => renderLegacyJson(answer, 'utf-8'));

const fmt = (xs: number[]) => `${median(xs).toFixed(1)} | ${p99(xs).toFixed(1)}`;
console.log(`\nMULTILIST page_size 1000 over ${(N + 1).toLocaleString('en-US')} documents on ${engine} (${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}); seeded in ${(seeded / 1000).toFixed(1)} s; ${RUNS} runs`);
console.log(`answer: ${bytesUtf8.toLocaleString('en-US')} bytes UTF-8, ${bytesCp949.toLocaleString('en-US')} bytes CP949`);
console.log('| measure | median ms | p99 ms | goal |');
console.log('|---|---|---|---|');
console.log(`| HTTP MULTILIST, XML UTF-8 | ${fmt(httpUtf8)} | ≤ ${GOAL_MS} |`);
console.log(`| HTTP MULTILIST, XML CP949 | ${fmt(httpCp949)} | ≤ ${GOAL_MS} |`);
console.log(`| HTTP MULTILIST, JSON | ${fmt(httpJson)} | ≤ ${GOAL_MS} |`);
console.log(`| HTTP MULTILIST, page_size 1 (fixed cost) | ${fmt(httpOne)} | - |`);
console.log(`| HTTP REST list, 200 rows | ${fmt(restHttp)} | - |`);
console.log(`| stage: count + row query (listDocumentsPage) | ${fmt(listStage)} | - |`);
console.log(`| stage: row mapping (legacyDocumentRow × ${page.rows.length}) | ${fmt(mapStage)} | - |`);
console.log(`| stage: encode XML UTF-8 | ${fmt(xmlUtf8)} | - |`);
console.log(`| stage: encode XML CP949 | ${fmt(xmlCp949)} | - |`);
console.log(`| stage: encode JSON | ${fmt(json)} | - |`);

// the seeded rows stay (PostgreSQL: drop the scratch database). Deleting them was a statement of its own: with
// 100,000 rows it ran for more than 20 minutes (a foreign-key check per row), holding back the whole cluster's
// transaction horizon — and with it the event log of every other database on the server meanwhile.
await close();
