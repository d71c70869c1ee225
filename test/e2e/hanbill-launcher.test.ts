// bin/hanbill, the launcher `npm start` and the `hanbill` command run: it sets the memory settings before node starts
// (glibc's arena count and mmap threshold, V8's young generation), keeps values the environment already has, puts
// HANBILL_NODE_ARGS after its own options, and execs node on bin/hanbill.js with the arguments as given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const launcher = path.join(root, 'bin/hanbill');

/** Runs the launcher with NODE set to a stand-in that prints what it was given (its arguments and the settings). */
function launch(env: Record<string, string>, args: string[]): { argv: string[]; arena: string; mmap: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-launcher-'));
  try {
    const fake = path.join(dir, 'node');
    fs.writeFileSync(fake, '#!/bin/sh\nprintf "%s\\n" "arena=$MALLOC_ARENA_MAX" "mmap=$MALLOC_MMAP_THRESHOLD_" "$@"\n', { mode: 0o755 });
    const base = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    const out = execFileSync(launcher, args, { env: { ...base, ...env, NODE: fake }, encoding: 'utf8' }).split('\n').slice(0, -1);
    return { arena: out[0]!.slice('arena='.length), mmap: out[1]!.slice('mmap='.length), argv: out.slice(2) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the launcher sets the memory settings and runs bin/hanbill.js with the arguments as given', () => {
  const r = launch({}, ['serve', 'a b']);
  assert.equal(r.arena, '2');
  assert.equal(r.mmap, '65536');
  assert.deepEqual(r.argv, ['--max-semi-space-size=2', '--heap-growing-percent=50', path.join(root, 'bin/hanbill.js'), 'serve', 'a b']);
});

test('values already in the environment are kept, and HANBILL_NODE_ARGS come after the launcher’s own options', () => {
  const r = launch({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '131072', HANBILL_NODE_ARGS: '--max-semi-space-size=16 --cpu-prof' }, ['version']);
  assert.equal(r.arena, '4');
  assert.equal(r.mmap, '131072');
  assert.deepEqual(r.argv, ['--max-semi-space-size=2', '--heap-growing-percent=50', '--max-semi-space-size=16', '--cpu-prof', path.join(root, 'bin/hanbill.js'), 'version']);
});

test('through a symbolic link (npm links the command into node_modules/.bin) it still finds bin/hanbill.js', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-link-'));
  try {
    fs.symlinkSync(launcher, path.join(dir, 'hanbill'));
    const out = execFileSync(path.join(dir, 'hanbill'), ['version'], { encoding: 'utf8' });
    assert.match(out, /^hanbill \d+\.\d+\.\d+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
