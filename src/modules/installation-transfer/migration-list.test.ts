import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { listMigrations } from '../../platform/db/migrate.ts';
import { TransferRefused } from './dump-format.ts';
import { checkDumpMigrations } from './migration-list.ts';

const ours = listMigrations().map((m) => ({ name: m.name, sha256: crypto.createHash('sha256').update(m.sql).digest('hex') }));

test('a dump at our level: everything applied before the load, nothing after', () => {
  const r = checkDumpMigrations(ours);
  assert.equal(r.atDumpLevel.size, ours.length);
  assert.deepEqual(r.after, []);
});

test('an older dump: loaded at its level, our later migrations run after it', () => {
  const r = checkDumpMigrations(ours.slice(0, 3));
  assert.deepEqual([...r.atDumpLevel], ours.slice(0, 3).map((m) => m.name));
  assert.deepEqual(r.after, ours.slice(3).map((m) => m.name));
});

test('a dump from a newer hanbill, a changed migration or a gap is refused, saying which', () => {
  assert.throws(() => checkDumpMigrations([...ours, { name: '9999_from_the_future.sql', sha256: '0'.repeat(64) }]), (e: unknown) => e instanceof TransferRefused && /newer hanbill: migration 9999_from_the_future\.sql/.test(e.message));
  assert.throws(() => checkDumpMigrations([{ ...ours[0]!, sha256: 'f'.repeat(64) }]), (e: unknown) => e instanceof TransferRefused && new RegExp(`migration ${ours[0]!.name} differs`).test(e.message));
  assert.throws(() => checkDumpMigrations([ours[0]!, ours[2]!]), (e: unknown) => e instanceof TransferRefused && e.message.includes(`gaps: ${ours[1]!.name}`));
});
