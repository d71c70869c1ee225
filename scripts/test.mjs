#!/usr/bin/env node
// The test command (`npm test`): type-check, then every *.test.ts under src/ and test/ with node:test.
// Node 20 neither expands globs nor finds .ts files itself, and it passes with 0 tests: we list the
// files, and fail when no test ran. Extra args are file filters (substring match).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const skipTypecheck = process.argv.includes('--no-typecheck') || process.env.HANBILL_SKIP_TYPECHECK === '1';

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return e.name.endsWith('.test.ts') ? [path.relative(root, p)] : [];
  });
}

let files = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'test'))].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

if (!skipTypecheck) {
  console.log('# typecheck: tsc --noEmit');
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { stdio: 'inherit', cwd: root });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

console.log(`# ${files.length} test files${process.env.TEST_DATABASE_URL ? ' against TEST_DATABASE_URL (PostgreSQL)' : ' on PGlite'}`);
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 512 * 1024 * 1024 },
);
process.stdout.write(run.stdout ?? '');
const tests = /^# tests (\d+)$/m.exec(run.stdout ?? '');
if (!tests || Number(tests[1]) === 0) {
  console.error('no test ran: failing the run');
  process.exit(1);
}
const pass = /^# pass (\d+)$/m.exec(run.stdout)?.[1] ?? '0';
const fail = /^# fail (\d+)$/m.exec(run.stdout)?.[1] ?? '0';
const skipped = /^# skipped (\d+)$/m.exec(run.stdout)?.[1] ?? '0';
console.log(`${pass} passed, ${fail} failed, ${skipped} skipped`);
process.exit(run.status ?? 1);
