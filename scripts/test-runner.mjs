// The parts of the test command (scripts/test.mjs) that decide and count, kept apart so that
// scripts/test-runner.test.mjs can check them without running a suite.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Test tiers, run in this order, each with its own timeout, so a hang costs a unit file a minute, not the
 * 5 minutes one runner-wide timeout used to allow. Node 20 applies `--test-timeout` to each test *file* as
 * a whole (the file's process), not to each test in it: the figures bound the slowest file of the tier
 * with room for a busy 2-core machine (quiet, the slowest e2e file, nts-exactly-once, takes about 80 s).
 * A test that must finish sooner says so itself with `{ timeout }`.
 */
export const TIERS = [
  { name: 'unit', fileTimeoutMs: 60_000, about: 'src/**/*.test.ts, scripts/, clients/ (the TypeScript client), and any test/ file outside the folders below' },
  { name: 'db', fileTimeoutMs: 120_000, about: 'test/db' },
  { name: 'e2e', fileTimeoutMs: 240_000, about: 'test/e2e and test/fuzz' },
  { name: 'browser', fileTimeoutMs: 180_000, about: 'test/browser' },
];

const TIER_FOLDERS = [
  ['test/db/', 'db'],
  ['test/e2e/', 'e2e'],
  ['test/fuzz/', 'e2e'],
  ['test/browser/', 'browser'],
];

/** The tier of a test file (path relative to the repository, either separator): every file has exactly one. */
export function tierOf(file) {
  const p = file.split(path.sep).join('/');
  for (const [folder, tier] of TIER_FOLDERS) if (p.startsWith(folder)) return tier;
  return 'unit';
}

/** *.test.ts and *.test.mjs files under the given folders of root, relative to root, sorted. */
export function findTestFiles(root, folders = ['src', 'scripts', 'test', 'clients']) {
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(p);
      return /\.test\.(ts|mjs)$/.test(e.name) ? [path.relative(root, p)] : [];
    });
  };
  return folders.flatMap((f) => walk(path.join(root, f))).sort();
}

/**
 * Command-line arguments → what to run. Tier names (`unit`, `e2e` …, or `--tier e2e` / `--tier=e2e`) pick
 * tiers; other words are file filters (a substring of the path); `--test-*` options go to node:test
 * (`--test-name-pattern=…`); `--no-typecheck` skips tsc. No tier named = every tier.
 */
export function parseArgs(argv) {
  const names = new Set(TIERS.map((t) => t.name));
  const tiers = [];
  const filters = [];
  const nodeOptions = [];
  let typecheck = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-typecheck') typecheck = false;
    else if (a === '--tier' || a.startsWith('--tier=')) {
      const value = a === '--tier' ? argv[++i] : a.slice('--tier='.length);
      for (const t of (value ?? '').split(',')) {
        if (!names.has(t)) throw new Error(`unknown tier '${t}': use one of ${[...names].join(', ')}`);
        tiers.push(t);
      }
    } else if (a.startsWith('--test-')) nodeOptions.push(a);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (names.has(a)) tiers.push(a);
    else filters.push(a);
  }
  return { tiers: tiers.length ? TIERS.filter((t) => tiers.includes(t.name)) : TIERS, filters, nodeOptions, typecheck };
}

/** The files of each chosen tier that match a filter (all when there is none); tiers with no file are left out. */
export function planRun(files, { tiers, filters }) {
  const chosen = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
  return tiers.map((tier) => ({ tier, files: chosen.filter((f) => tierOf(f) === tier.name) })).filter((p) => p.files.length > 0);
}

/**
 * Forwards a TAP stream chunk by chunk as it arrives (never holding the whole output) and reads node:test's
 * closing summary (`# tests N`, `# pass N` …) from it. Only the unfinished last line is kept between chunks.
 */
export function createTapCounter(write) {
  const counts = {};
  let partial = '';
  const readLine = (line) => {
    const m = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (m) counts[m[1]] = Number(m[2]);
  };
  return {
    push(chunk) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      write(text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) readLine(line.replace(/\r$/, ''));
    },
    /** The summary; call when the stream has ended. Counts missing from it (no summary at all) read as 0. */
    end() {
      if (partial) readLine(partial);
      partial = '';
      const n = (k) => counts[k] ?? 0;
      return { tests: n('tests'), pass: n('pass'), fail: n('fail'), cancelled: n('cancelled'), skipped: n('skipped'), todo: n('todo') };
    },
  };
}
