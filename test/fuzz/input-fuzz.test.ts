// The input fuzz suite (issue 8): generated malformed legacy forms against every legacy page and cmd, and
// generated REST bodies against every route of /openapi.json, as several tenants. For every answer: never
// a 5xx or 9999, input errors name their field, and a refused request changes no row (row-snapshot.ts).
//
// Reproduce a run: FUZZ_SEED=<printed seed> node scripts/test.mjs --no-typecheck fuzz. By default every
// failure is collected and reported by class with its smallest request; FUZZ_SHRINK=1 stops at the first
// one and lets fast-check shrink it. FUZZ_RUNS scales the number of cases (default: about a minute).
// FUZZ_VERBOSE=1 prints every request before it is sent (a request that freezes the server, which runs in
// this process, then shows as the last line before the file's time-out).
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LEGACY_PAGES } from '../../src/faces/legacy/legacy-routes.ts';
import { changedTables, rowSnapshotter, type RowSnapshotter, type Snapshot } from '../support/row-snapshot.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { closeRawAgent, sendRaw, type RawAnswer, type RawRequest } from '../support/raw-http.ts';
import { checkLegacyAnswer, checkRestAnswer, type Verdict } from './answer-checks.ts';
import { Bytes, type FieldValue } from './fuzz-values.ts';
import { buildWorld, invoiceBody, secretNames, type World } from './fuzz-world.ts';
import { buildLegacy, legacyCase } from './legacy-requests.ts';
import { buildRest, restCase, restRoutes, type RestRoute } from './rest-requests.ts';

const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : Math.floor(Math.random() * 2 ** 31);
const shrink = process.env['FUZZ_SHRINK'] === '1';
const scale = Number(process.env['FUZZ_RUNS'] ?? '1');
/** Each property stops after this long even if its runs are not done (slow machines stay bounded). */
const TIME_LIMIT_MS = 20_000;

let db: PrivateDatabase;
let world: World;
let snapshots: RowSnapshotter;
let current: Snapshot;

before(async () => {
  const started = Date.now();
  db = await usePrivateDatabase('hanbill_fuzz');
  world = await buildWorld();
  snapshots = await rowSnapshotter(world.sys.ctx.db);
  console.log(`fuzz world ready in ${Math.round((Date.now() - started) / 1000)} s`);
});
after(async () => {
  closeRawAgent();
  await world?.sys.close();
  await db?.drop();
});

interface FailureClass {
  count: number;
  repro: string;
  size: number;
  /** Routes or page+cmd where the class was seen. */
  where: Set<string>;
}

/**
 * The class of a problem. A missing field or a foreign error shape usually has one cause shared by many
 * routes (Fastify's own errors, one parser): grouped by the answer's message with numbers and quoted
 * parts blanked. A 5xx, a 9999, a bad answer or changed rows: grouped by route, where the causes differ.
 */
function classOf(face: string, label: string, problem: string, summary: string): string {
  if (!/^(input error|error answer is not)/.test(problem)) return `${face} ${label}: ${problem}`;
  // Fastify's own errors carry an FST_ code; ours a message (possibly cut off at the summary's end)
  const message = /"code":"(FST_\w+)"|"message":"((?:[^"\\]|\\.)*)|<msg>([^<]*)<\/msg>/.exec(summary);
  const template = (message?.[1] ?? message?.[2] ?? message?.[3] ?? summary)
    .replace(/'[^']*'|‘[^’]*’/g, "'…'")
    .replace(/\d+/g, '#')
    .slice(0, 90);
  return `${face}: ${problem} — "${template}"`;
}

function show(v: FieldValue): string {
  if (v instanceof Bytes) return `bytes(${v.bytes.toString('hex')})`;
  return JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}… (${v.length} chars)` : v);
}

function reproOf(r: RawRequest, answer: string, fields?: [string, FieldValue][]): string {
  const hide = (s: string) => secretNames(world).reduce((acc, [secret, name]) => acc.split(secret).join(name), s);
  const headers = Object.entries(r.headers ?? {})
    .map(([k, v]) => `${k}: ${k === 'cookie' ? '<portal session>' : k === 'x-csrf-token' ? '<csrf>' : v}`)
    .join(' | ');
  const body = fields
    ? fields.map(([k, v]) => `${k}=${show(v)}`).join(' ')
    : r.body
      ? r.body.length > 300
        ? `${JSON.stringify(r.body.subarray(0, 300).toString('utf8'))}… (${r.body.length} bytes)`
        : JSON.stringify(r.body.toString('utf8'))
      : '(none)';
  const path = r.path.length > 300 ? `${r.path.slice(0, 300)}… (${r.path.length} chars)` : r.path;
  return hide(`${r.method} ${path}\n      headers: ${headers}\n      ${fields ? 'fields' : 'body'}: ${body}\n      answer: ${answer.replace(/\s+/g, ' ')}`);
}

/** Send one request, check its answer and, when it was refused, that no row changed. */
/** Answers by code (legacy) or status (REST): a run that only ever reaches the first check tests little. */
const outcomes = new Map<string, number>();
/** Requests sent per face: the number of generated cases a run reports. */
const sent = new Map<string, number>();

async function exercise(
  failures: Map<string, FailureClass>,
  face: string,
  label: string,
  request: RawRequest,
  check: (a: RawAnswer) => Verdict,
  fields?: [string, FieldValue][],
): Promise<boolean> {
  let verdict: Verdict;
  sent.set(face, (sent.get(face) ?? 0) + 1);
  // the system runs in this process: a request that freezes it freezes the suite too (the file times
  // out). Printed before sending, the last line then names the request that froze it.
  if (process.env['FUZZ_VERBOSE'] === '1') console.log(`→ ${reproOf(request, '(pending)', fields)}`);
  try {
    verdict = check(await sendRaw(world.sys.url, request));
  } catch (err) {
    verdict = { refused: true, problems: [`no answer: ${(err as Error).message}`], summary: String(err) };
  }
  const outcome = `${face} ${/<code>(\d+)<\/code>|"code":"(\d{4})"/.exec(verdict.summary)?.slice(1).find(Boolean) ?? verdict.summary.slice(0, 8)}`;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (process.env['FUZZ_VERBOSE'] === '1') console.log(`← ${outcome}: ${verdict.summary.slice(0, 200)}`);
  const after = await snapshots.take();
  const changed = verdict.refused ? changedTables(current, after) : [];
  current = after;
  if (changed.length) verdict.problems.push(`refused, yet rows changed in ${changed.join(', ')}`);
  for (const p of verdict.problems) {
    const key = classOf(face, label, p, verdict.summary);
    const size = (request.body?.length ?? 0) + request.path.length;
    const known = failures.get(key) ?? { count: 0, size: Infinity, repro: '', where: new Set<string>() };
    known.count++;
    known.where.add(label);
    if (size < known.size) Object.assign(known, { size, repro: reproOf(request, verdict.summary, fields) });
    failures.set(key, known);
  }
  return verdict.problems.length === 0;
}

function report(t: TestContext, face: string, cases: number, ms: number, failures: Map<string, FailureClass>): void {
  const seen = [...outcomes].filter(([k]) => k.startsWith(`${face} `)).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k.slice(face.length + 1)} ×${n}`);
  const lines = [`${face}: ${cases} generated cases in ${Math.round(ms / 1000)} s, seed ${seed}, ${failures.size} failure classes; answers: ${seen.join(', ')}`];
  for (const [key, f] of [...failures].sort()) {
    const where = [...f.where].sort();
    lines.push(`  ✗ ${key} (${f.count}×${key.includes(' — ') ? `; on ${where.length}: ${where.slice(0, 6).join(', ')}${where.length > 6 ? ', …' : ''}` : ''})\n      ${f.repro}`);
  }
  console.log(lines.join('\n'));
  t.diagnostic(`${face}: ${cases} cases, seed ${seed}, ${failures.size} failure classes`);
}

async function run<T>(t: TestContext, face: string, numRuns: number, property: (failures: Map<string, FailureClass>) => fc.IAsyncPropertyWithHooks<[T]>): Promise<void> {
  const failures = new Map<string, FailureClass>();
  current = await snapshots.take();
  const started = Date.now();
  try {
    await fc.assert(property(failures), {
      seed,
      numRuns: Math.round(numRuns * scale),
      interruptAfterTimeLimit: TIME_LIMIT_MS * scale,
      markInterruptAsFailure: false,
    });
  } finally {
    report(t, face, sent.get(face) ?? 0, Date.now() - started, failures);
  }
  assert.deepEqual([...failures.keys()].sort(), [], `${face}: ${failures.size} failure classes (seed ${seed}; reproductions printed above)`);
}

test('the row snapshot sees a write (else every "changed nothing" below would pass vacuously)', async () => {
  const before = await snapshots.take();
  const a = world.tenants[0]!;
  const draft = await sendRaw(world.sys.url, {
    method: 'POST',
    path: `/v1/subscriptions/${a.sinchno}/documents`,
    headers: { 'content-type': 'application/json', 'x-svc-key': a.svcKey },
    body: Buffer.from(JSON.stringify({ document: invoiceBody(world.today, world.credentials.bizno) })),
  });
  assert.equal(draft.status, 201, draft.bytes.toString());
  assert.ok(changedTables(before, await snapshots.take()).includes('documents'));
});

test('fuzz: legacy forms against every page and cmd', async (t) => {
  // the static page table of the legacy face: every page and cmd the server dispatches
  const pages = Object.fromEntries(Object.entries(LEGACY_PAGES).map(([p, cmds]) => [p, Object.keys(cmds)]));
  console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} reproduces); legacy pages: ${Object.entries(pages).map(([p, c]) => `${p} [${c.join(' ')}]`).join(', ')}`);
  await run(t, 'legacy', 600, (failures) =>
    fc.asyncProperty(legacyCase, async (c) => {
      const b = buildLegacy(world, pages, c);
      const ok = await exercise(failures, 'legacy', b.label, b.request, (a) => checkLegacyAnswer(a, c.json), b.fields);
      return ok || !shrink;
    }),
  );
});

test('fuzz: REST bodies against every route of /openapi.json', async (t) => {
  const spec = (await (await fetch(`${world.sys.url}/openapi.json`)).json()) as Parameters<typeof restRoutes>[0];
  const routes: RestRoute[] = restRoutes(spec);
  assert.ok(routes.length > 40, `the OpenAPI document lists the routes (${routes.length})`);
  console.log(`fuzz seed ${seed}; ${routes.length} REST routes; snapshot of ${snapshots.tables.length} tables: ${snapshots.tables.join(' ')}`);
  await run(t, 'REST', 900, (failures) =>
    fc.asyncProperty(restCase, async (c) => {
      const b = buildRest(world, routes, c);
      const ok = await exercise(failures, 'REST', b.label, b.request, checkRestAnswer);
      return ok || !shrink;
    }),
  );
});
