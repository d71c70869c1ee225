// The test command's decisions: which tier a file is in, what the arguments select, and that TAP output is
// forwarded as it arrives while its summary is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTapCounter, parseArgs, planRun, tierOf, TIERS } from './test-runner.mjs';

const FILES = [
  'scripts/test-runner.test.mjs',
  'src/modules/mail/mail-catcher.test.ts',
  'test/browser/portal-journey.test.ts',
  'test/db/jobs.test.ts',
  'test/e2e/documents-rest.test.ts',
  'test/fuzz/legacy-fuzz.test.ts',
  'test/support/wait-for.test.ts',
];

test('every file has one tier: src, scripts and loose test/ files are unit; test/fuzz runs with e2e', () => {
  assert.deepEqual(
    FILES.map((f) => [f, tierOf(f)]),
    [
      ['scripts/test-runner.test.mjs', 'unit'],
      ['src/modules/mail/mail-catcher.test.ts', 'unit'],
      ['test/browser/portal-journey.test.ts', 'browser'],
      ['test/db/jobs.test.ts', 'db'],
      ['test/e2e/documents-rest.test.ts', 'e2e'],
      ['test/fuzz/legacy-fuzz.test.ts', 'e2e'],
      ['test/support/wait-for.test.ts', 'unit'],
    ],
  );
  assert.equal(tierOf('test\\db\\jobs.test.ts'.split('\\').join('/')), 'db');
  assert.ok(TIERS.every((t) => t.fileTimeoutMs > 0));
  assert.ok(TIERS.find((t) => t.name === 'unit').fileTimeoutMs < TIERS.find((t) => t.name === 'e2e').fileTimeoutMs);
});

test('no argument runs every tier in order with every file; npm test stays the whole suite', () => {
  const args = parseArgs([]);
  assert.equal(args.typecheck, true);
  const plan = planRun(FILES, args);
  assert.deepEqual(plan.map((p) => p.tier.name), ['unit', 'db', 'e2e', 'browser']);
  assert.deepEqual(plan.flatMap((p) => p.files).sort(), [...FILES].sort());
});

test('tiers by word or --tier, filters by substring, --test-* passed on, unknown tier or option refused', () => {
  assert.deepEqual(planRun(FILES, parseArgs(['e2e'])).map((p) => [p.tier.name, p.files]), [['e2e', ['test/e2e/documents-rest.test.ts', 'test/fuzz/legacy-fuzz.test.ts']]]);
  assert.deepEqual(planRun(FILES, parseArgs(['--tier', 'db,browser'])).map((p) => p.tier.name), ['db', 'browser']);
  assert.deepEqual(planRun(FILES, parseArgs(['--tier=unit', 'mail'])).map((p) => p.files), [['src/modules/mail/mail-catcher.test.ts']]);
  // filters without a tier: each file runs in its own tier, with that tier's timeout
  const byFilter = planRun(FILES, parseArgs(['--no-typecheck', 'jobs', 'documents-rest', 'mail-catcher']));
  assert.deepEqual(byFilter.map((p) => [p.tier.name, p.files]), [
    ['unit', ['src/modules/mail/mail-catcher.test.ts']],
    ['db', ['test/db/jobs.test.ts']],
    ['e2e', ['test/e2e/documents-rest.test.ts']],
  ]);
  assert.equal(parseArgs(['--no-typecheck']).typecheck, false);
  assert.deepEqual(parseArgs(['--test-name-pattern=promptly']).nodeOptions, ['--test-name-pattern=promptly']);
  assert.deepEqual(planRun(FILES, parseArgs(['nothing-matches'])), []);
  assert.throws(() => parseArgs(['--tier', 'fast']), /unknown tier 'fast': use one of unit, db, e2e, browser/);
  assert.throws(() => parseArgs(['--tier']), /unknown tier/);
  assert.throws(() => parseArgs(['--bail']), /unknown option --bail/);
});

test('TAP is forwarded chunk by chunk as it arrives, and the summary is read across chunk borders', () => {
  const out = [];
  const tap = createTapCounter((text) => out.push(text));
  tap.push('TAP version 13\nok 1 - first\n');
  assert.deepEqual(out, ['TAP version 13\nok 1 - first\n'], 'written before the stream ends');
  tap.push(Buffer.from('# Subtest: x\n    # tests 99\n1..2\n# tes'));
  assert.equal(out.length, 2);
  tap.push('ts 7\n# pass 4\n# fail 1\n# cancelled 1\n# skipped 1\r\n# todo 0\n# duration_ms 12');
  assert.deepEqual(tap.end(), { tests: 7, pass: 4, fail: 1, cancelled: 1, skipped: 1, todo: 0 }, 'indented subtest lines are not the summary');
  assert.equal(out.join(''), 'TAP version 13\nok 1 - first\n# Subtest: x\n    # tests 99\n1..2\n# tests 7\n# pass 4\n# fail 1\n# cancelled 1\n# skipped 1\r\n# todo 0\n# duration_ms 12');
});

test('a stream without a summary (the process died) counts 0 tests', () => {
  const tap = createTapCounter(() => undefined);
  tap.push('TAP version 13\n');
  assert.deepEqual(tap.end(), { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 });
});
