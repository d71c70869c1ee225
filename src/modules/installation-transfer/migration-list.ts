/**
 * The migrations a dump was taken at, with the SHA-256 of each file's SQL, and the check an import makes against
 * the migrations it ships: the dump's list must be a prefix of ours, file for file (same name, same checksum).
 * A dump from a newer Hanbill (a migration we do not have) is refused; an older dump is loaded at its own level and
 * the rest of our migrations run after it (they transform its rows as they would have on the old installation).
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { listMigrations } from '../../platform/db/migrate.ts';
import { TransferRefused } from './dump-format.ts';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** The applied migrations of the source (schema_migrations), each with the checksum of our file of that name. */
export async function appliedMigrations(db: Pick<pg.ClientBase, 'query'>): Promise<{ name: string; sha256: string }[]> {
  const applied = (await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name);
  const ours = new Map(listMigrations().map((m) => [m.name, m.sql]));
  const unknown = applied.filter((n) => !ours.has(n));
  if (unknown.length) {
    throw new TransferRefused(
      `이 데이터베이스에는 이 버전의 hanbill에 없는 마이그레이션이 적용되어 있습니다: ${unknown.join(', ')} — 최신 hanbill로 내보내세요 ` +
        `(the database has migrations this hanbill does not know: ${unknown.join(', ')}; export with the newer hanbill)`,
    );
  }
  return applied.map((name) => ({ name, sha256: sha256(ours.get(name)!) }));
}

/** Check the dump's migrations against ours; returns the names to apply before loading (the dump's level). */
export function checkDumpMigrations(dumped: { name: string; sha256: string }[]): { atDumpLevel: Set<string>; after: string[] } {
  const ours = listMigrations();
  const byName = new Map(ours.map((m) => [m.name, sha256(m.sql)]));
  for (const m of dumped) {
    const sum = byName.get(m.name);
    if (sum === undefined) {
      throw new TransferRefused(
        `덤프가 더 새로운 hanbill에서 만들어졌습니다 (마이그레이션 ${m.name}이 없습니다): 그 버전의 hanbill로 가져오세요 ` +
          `(the dump comes from a newer hanbill: migration ${m.name} is unknown here; import with that version or newer)`,
      );
    }
    if (sum !== m.sha256) {
      throw new TransferRefused(
        `마이그레이션 ${m.name}의 내용이 덤프를 만든 버전과 다릅니다 (migration ${m.name} differs from the one the dump was taken at: checksum mismatch)`,
      );
    }
  }
  const atDumpLevel = new Set(dumped.map((m) => m.name));
  const missingInside = ours.filter((m) => !atDumpLevel.has(m.name) && m.name < (dumped.at(-1)?.name ?? '')).map((m) => m.name);
  if (missingInside.length) {
    throw new TransferRefused(
      `덤프의 마이그레이션 목록 중간이 비어 있습니다: ${missingInside.join(', ')} (the dump's migration list has gaps: ${missingInside.join(', ')} were not applied at the source)`,
    );
  }
  return { atDumpLevel, after: ours.filter((m) => !atDumpLevel.has(m.name)).map((m) => m.name) };
}
