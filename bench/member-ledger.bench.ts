// 매출 문서함 over 100,000 documents (issue 12 benchmark): the first page's server time for a plain list and for
// searches, through the member web's use cases (searchLedgerPage + ledgerTotals, as /member/sales calls them) and
// over HTTP (/member/sales with a member session). Prints figures; asserts nothing.
//   node --import tsx bench/member-ledger.bench.ts                     (embedded PGlite in a temp folder)
//   DATABASE_URL=postgres://… node --import tsx bench/member-ledger.bench.ts   (PostgreSQL; use a scratch database)
// Options: BENCH_LEDGER_DOCS (default 100000), BENCH_RUNS (default 20; the median is printed).
import os from 'node:os';
import { sql } from 'kysely';
import { startBenchSystem } from './support/bench-system.ts';
import { insertDocument } from '../src/modules/documents/insert-document.ts';
import { sampleTaxInvoice } from '../src/modules/documents/sample-documents.ts';
import { ledgerTotals, readLedgerQuery, searchLedgerPage } from '../src/modules/documents/search-ledger.ts';
import { onboard } from '../test/support/onboard.ts';

const N = Number(process.env['BENCH_LEDGER_DOCS'] ?? 100_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const { sys, close } = await startBenchSystem('ledger');
const engine = sys.database.engine;
const url = sys.url!;
const ctx = sys.ctx;

const m = await onboard(url);
const member = await ctx.db.selectFrom('members').select('id').where('bizno', '=', m.bizno).executeTakeFirstOrThrow();
const tenant = { subscriptionId: m.sinchno, memberId: Number(member.id), packageId: 1 };

// one real document (validated, stored as the API stores it) whose body the seeded rows share
const sample = sampleTaxInvoice();
sample.supplier = { ...sample.supplier, bizno: m.bizno };
sample.writeDate = '20261101';
sample.lines = sample.lines.map((l) => ({ ...l, month: 11, day: 1 }));
const first = await insertDocument(ctx, tenant, { input: sample, issue: false });
const seedId = first.document.id;

// bulk seed in one statement per 20,000: dates over two years, 500 buyers, amounts and items varied, issued
const t0 = performance.now();
const BATCH = 20_000;
for (let from = 1; from <= N; from += BATCH) {
  const to = Math.min(N, from + BATCH - 1);
  await sql`
    INSERT INTO documents (subscription_id, dockey, doc_state, proc_state, read_state, nts_state, kind, type_code, write_date,
                           sup_bizno, sup_name, buy_id, buy_name, buy_email1, supply_amt, tax_amt, total_amt, item_summary, body,
                           nts_issue_id, issued_at, send_at, created_at, updated_at, buy_bizno, buy_sub_bizno)
    SELECT s.subscription_id, 'bench-' || ${m.sinchno}::text || '-' || g, 'N', (ARRAY['S','A','R','S'])[1 + g % 4], 'N', (ARRAY['0','3','3','4'])[1 + g % 4],
           s.kind, s.type_code, DATE '2025-01-01' + (g % 700),
           s.sup_bizno, s.sup_name, lpad(((g % 500) * 7919 + 1000000000)::text, 10, '0'), '(주)거래처' || (g % 500), s.buy_email1,
           (g % 1000 + 1) * 10000, (g % 1000 + 1) * 1000, (g % 1000 + 1) * 11000,
           (ARRAY['유지보수료','노트북','모니터','소프트웨어 라이선스','컨설팅'])[1 + g % 5] || ' ' || (g % 97), s.body,
           'B' || ${m.sinchno}::text || '-' || g, TIMESTAMPTZ '2025-01-01 09:00+09' + (g % 700) * INTERVAL '1 day' + (g % 86400) * INTERVAL '1 second',
           NULL, now(), now(), lpad(((g % 500) * 7919 + 1000000000)::text, 10, '0'), ''
      FROM generate_series(${from}::int, ${to}::int) g, (SELECT * FROM documents WHERE id = ${seedId}) s`.execute(ctx.db);
}
await sql`ANALYZE documents`.execute(ctx.db);
await sql`VACUUM (ANALYZE) documents`.execute(ctx.db).catch(() => undefined);
const seeded = performance.now() - t0;

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn();
    xs.push(performance.now() - s);
  }
  return median(xs);
}

// a member session over HTTP, as a browser has it
const login = await fetch(`${url}/member/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ bizno: m.bizno, loginId: m.id, password: m.pwd }) });
const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('hb_member=')) ?? '').split(';')[0]!;

const cases: [string, Record<string, string>][] = [
  ['plain list (작성일자 ↓, 50 rows + totals)', {}],
  ['sort by 합계 ↑', { sort: 'total', dir: 'asc' }],
  ['period: one month by 작성일자', { from: '2025-06-01', to: '2025-06-30' }],
  ['period by 발행일, sort by 발행일', { dateType: 'issue', from: '2025-03-01', to: '2025-09-30', sort: 'issue' }],
  ['counterparty name', { counterparty: '거래처42' }],
  ['counterparty number', { counterparty: String(42 * 7919 + 1000000000) }],
  ['amount range + state + NTS state', { amountMin: '1000000', amountMax: '2000000', state: 'S', ntsState: '0' }],
  ['item text', { item: '라이선스 1' }],
];
const rows: string[][] = [];
for (const [label, query] of cases) {
  const q = readLedgerQuery('sales', query);
  let count = 0;
  const core = await timeIt(async () => {
    const [, t] = await Promise.all([searchLedgerPage(ctx, tenant, q), ledgerTotals(ctx, tenant, q)]);
    count = t.count;
  });
  const qs = new URLSearchParams(query).toString();
  const httpMs = await timeIt(async () => {
    const r = await fetch(`${url}/member/sales${qs ? `?${qs}` : ''}`, { headers: { cookie } });
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    await r.arrayBuffer();
  });
  rows.push([label, count.toLocaleString('en-US'), core.toFixed(1), httpMs.toFixed(1)]);
}
// the next page (keyset) deep into the ledger costs what the first does
{
  const q = readLedgerQuery('sales', {});
  let page = await searchLedgerPage(ctx, tenant, q);
  for (let i = 0; i < 100 && page.next; i++) page = await searchLedgerPage(ctx, tenant, { ...q, after: page.next });
  const after = page.next!;
  const ms = await timeIt(() => searchLedgerPage(ctx, tenant, { ...q, after }));
  rows.push(['page 102 (keyset, no totals)', '-', ms.toFixed(1), '-']);
}

console.log(`\n매출 문서함 of ${N.toLocaleString('en-US')} documents on ${engine} (${os.cpus().length} cores, Node ${process.version}); seeded in ${(seeded / 1000).toFixed(1)} s; median of ${RUNS}`);
console.log('| query | selection | use cases ms (page + totals) | HTTP /member/sales ms |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

// the seeded rows are this bench's own: on PostgreSQL remove them (a shared scratch database stays small; the
// self-referencing foreign keys make this slow — a database of its own, dropped afterwards, is quicker); the
// PGlite folder goes as a whole below
if (engine === 'postgres') {
  await sql`DELETE FROM ledger_entries WHERE subscription_id = ${m.sinchno}`.execute(ctx.db);
  await sql`DELETE FROM documents WHERE subscription_id = ${m.sinchno} AND dockey LIKE 'bench-%'`.execute(ctx.db);
}
await close();
