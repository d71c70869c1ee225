#!/usr/bin/env node
// The test command (`npm test`): type-check, then the *.test.ts files with node:test, tier by tier, with the
// TAP output streamed through as it comes (a long run shows its progress; nothing is held until the end).
//
//   npm test                              every tier: unit → db → e2e → browser (clients/typescript built first
//                                         when a file of clients/typescript/test is selected)
//   npm test -- e2e   (or --tier e2e)     one tier; several may be named (`unit db`, `--tier unit,db`)
//   npm test -- jobs documents-rest       file filters (substring of the path), each file in its own tier
//   --no-typecheck (HANBILL_SKIP_TYPECHECK=1) skips tsc; --test-name-pattern=… and other --test-* go to node
//
// Tiers and their timeouts (per file, as Node 20 applies them) are in scripts/test-runner.mjs. Node 20 neither expands globs nor finds
// .ts files itself, and it passes with 0 tests: we list the files, and fail a tier in which no test ran.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTapCounter, findTestFiles, parseArgs, planRun } from './test-runner.mjs';

const root = path.resolve(import.meta.dirname, '..');

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
const plan = planRun(findTestFiles(root), args);
if (plan.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

if (args.typecheck && process.env.HANBILL_SKIP_TYPECHECK !== '1') {
  console.log('# typecheck: tsc --noEmit');
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { stdio: 'inherit', cwd: root });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

// The TypeScript client (clients/typescript) is its own package, built with the root's typescript: its dist/ is what
// integrators import, and its tests (clients/typescript/test, dist.test.ts among them) load it. A run that selects
// none of them does not build it (its sources are type-checked with the root's by tsc above).
if (plan.some((step) => step.files.some((f) => f.startsWith(`clients${path.sep}typescript${path.sep}`)))) {
  console.log('# build: clients/typescript (tsc -p clients/typescript)');
  const client = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'clients/typescript')], { stdio: 'inherit', cwd: root });
  if (client.status !== 0) process.exit(client.status ?? 1);
}

/** One tier in a node:test process; its stdout is forwarded chunk by chunk while the summary is read from it. */
function runTier({ tier, files }) {
  const argv = ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=2', `--test-timeout=${tier.fileTimeoutMs}`, ...args.nodeOptions, ...files];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const tap = createTapCounter((text) => process.stdout.write(text));
    child.stdout.on('data', (chunk) => tap.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ ...tap.end(), code: code ?? (signal ? 1 : 0) }));
  });
}

const db = process.env.TEST_DATABASE_URL ? 'against TEST_DATABASE_URL (PostgreSQL)' : 'on PGlite';
const total = { pass: 0, fail: 0, skipped: 0, todo: 0 };
let failed = false;
const started = Date.now();
for (const step of plan) {
  console.log(`# tier ${step.tier.name}: ${step.files.length} test files ${db}, at most ${step.tier.fileTimeoutMs / 1000} s per file`);
  const tierStarted = Date.now();
  const r = await runTier(step);
  const seconds = Math.round((Date.now() - tierStarted) / 1000);
  console.log(`# tier ${step.tier.name}: ${r.pass} passed, ${r.fail + r.cancelled} failed, ${r.skipped} skipped in ${seconds} s`);
  if (r.tests === 0) {
    console.error(`no test ran in tier ${step.tier.name}: failing the run`);
    failed = true;
  }
  if (r.code !== 0 || r.fail > 0 || r.cancelled > 0) failed = true;
  total.pass += r.pass;
  total.fail += r.fail + r.cancelled;
  total.skipped += r.skipped;
  total.todo += r.todo;
}
console.log(`# ${plan.length} tiers in ${Math.round((Date.now() - started) / 1000)} s${total.todo ? `; ${total.todo} todo (known bugs, reported as not ok # TODO)` : ''}`);
console.log(`${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
