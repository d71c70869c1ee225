// docs/events.md documents the catalogue: every event type has its row (type, object type), and no row names a type
// the catalogue lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_TYPE_NAMES, EVENT_TYPES } from './event-catalogue.ts';

const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../../docs/events.md'), 'utf8');

test('docs/events.md has a catalogue row for every event type, with its object type', () => {
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| ([a-z_]+) \|/gm)) rows.set(m[1]!, m[2]!);
  for (const type of EVENT_TYPE_NAMES) assert.equal(rows.get(type), EVENT_TYPES[type].object, `${type} in docs/events.md`);
  assert.deepEqual([...rows.keys()].filter((t) => !(EVENT_TYPE_NAMES as string[]).includes(t)), [], 'rows of unknown types');
});
