// docs/deploy.md "Going past one PostgreSQL: Citus" lists every table with how it would be placed (distributed by
// partner, reference, local on the coordinator) and the schema changes that needs. This reads the catalogue of a
// migrated database and checks that list against it, so the document is verified, not guessed: every table is
// listed; a distributed table's partner column is as the list says (or it says to add one, through a parent the table
// has a foreign key to); every primary key and unique index without partner_id, and every nullable partner_id, is
// named in its changes; a reference table has no partner column and refers only to reference tables.
// It also prints the tables that lack a partner column today (they reach their partner only through parents).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { openTestDatabase } from '../support/test-database.ts';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

interface CatalogueTable {
  name: string;
  partner: 'none' | 'null' | 'nn';
  pk: string[];
  uniquesWithoutPartner: string[];
  parents: string[];
}

async function catalogue(db: Database['db']): Promise<Map<string, CatalogueTable>> {
  const rows = await sql<{ name: string; partner: 'none' | 'null' | 'nn'; pk: string | null; uniq: string | null; parents: string | null }>`
    WITH t AS (
      SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition)
    SELECT t.relname AS name,
      coalesce((SELECT CASE WHEN a.attnotnull THEN 'nn' ELSE 'null' END FROM pg_attribute a
                 WHERE a.attrelid = t.oid AND a.attname = 'partner_id' AND NOT a.attisdropped), 'none') AS partner,
      (SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = t.oid AND i.indisprimary) AS pk,
      (SELECT string_agg(ic.relname, ',') FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = t.oid AND i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) AND a.attname = 'partner_id')) AS uniq,
      (SELECT string_agg(DISTINCT k.confrelid::regclass::text, ',') FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'f') AS parents
    FROM t ORDER BY 1`.execute(db);
  const split = (s: string | null) => (s ? s.split(',') : []);
  return new Map(rows.rows.map((r) => [r.name, { name: r.name, partner: r.partner, pk: split(r.pk), uniquesWithoutPartner: split(r.uniq), parents: split(r.parents) }]));
}

interface DocRow {
  name: string;
  kind: string;
  today: string;
  changes: string;
}

function docRows(): DocRow[] {
  const text = fs.readFileSync(path.join(import.meta.dirname, '../../docs/deploy.md'), 'utf8');
  const start = text.indexOf('## Going past one PostgreSQL: Citus');
  assert.ok(start >= 0, 'docs/deploy.md has the Citus section');
  const section = text.slice(start, text.indexOf('\n## ', start + 10) < 0 ? undefined : text.indexOf('\n## ', start + 10));
  const rows: DocRow[] = [];
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z0-9_]+)` \| (\w+) \| (.*?) \| (.*) \|$/.exec(line);
    if (m) rows.push({ name: m[1]!, kind: m[2]!, today: m[3]!, changes: m[4]! });
  }
  return rows;
}

test('the Citus table list of docs/deploy.md matches the catalogue, table by table', async () => {
  const tables = await catalogue(database.db);
  const rows = docRows();
  const listed = new Map(rows.map((r) => [r.name, r]));
  assert.equal(listed.size, rows.length, 'each table listed once');
  assert.deepEqual([...listed.keys()].filter((n) => !tables.has(n)), [], 'listed tables that do not exist');
  assert.deepEqual([...tables.keys()].filter((n) => !listed.has(n)), [], 'tables missing from the list (a new migration\'s table: place it)');
  const kindOf = (n: string) => listed.get(n)!.kind;
  const problems: string[] = [];
  for (const row of rows) {
    const t = tables.get(row.name)!;
    if (!['distributed', 'reference', 'local'].includes(row.kind)) problems.push(`${row.name}: kind "${row.kind}"`);
    if (row.kind === 'reference') {
      if (t.partner !== 'none') problems.push(`${row.name}: a reference table with partner_id`);
      for (const p of t.parents) if (kindOf(p) !== 'reference') problems.push(`${row.name}: a reference table refers to ${kindOf(p)} ${p}`);
    }
    if (row.kind !== 'distributed') continue;
    if (row.name === 'partners') {
      if (row.today !== '`id`') problems.push('partners: distributed by id');
      continue;
    }
    const via = /^add `partner_id` \(via ([a-z_]+)/.exec(row.today);
    if (t.partner === 'none') {
      if (!via) problems.push(`${row.name}: has no partner_id, the list says "${row.today}"`);
      else if (!t.parents.includes(via[1]!)) problems.push(`${row.name}: no foreign key to ${via[1]}`);
      else if (kindOf(via[1]!) !== 'distributed') problems.push(`${row.name}: its partner comes via ${via[1]}, which is not distributed`);
    } else if (row.today !== '`partner_id`') problems.push(`${row.name}: has partner_id, the list says "${row.today}"`);
    if (t.partner === 'null' && !row.changes.includes('`partner_id` NOT NULL')) problems.push(`${row.name}: partner_id is nullable, not in its changes`);
    if (!t.pk.includes('partner_id') && !row.changes.includes(`PK (${t.pk.join(',')}) → (partner_id, `)) problems.push(`${row.name}: PK (${t.pk.join(',')}) without partner_id, not in its changes`);
    for (const u of t.uniquesWithoutPartner) if (!row.changes.includes(`\`${u}\``)) problems.push(`${row.name}: unique index ${u} without partner_id, not in its changes`);
  }
  assert.deepEqual(problems, []);
  const lacking = rows.filter((r) => r.kind === 'distributed' && tables.get(r.name)!.partner === 'none' && r.name !== 'partners');
  console.log(`# ${rows.filter((r) => r.kind === 'distributed').length} distributed, ${rows.filter((r) => r.kind === 'reference').length} reference, ${rows.filter((r) => r.kind === 'local').length} local; without partner_id today (${lacking.length}): ${lacking.map((r) => r.name).join(', ')}`);
});
