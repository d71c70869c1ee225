/**
 * Moving an installation between databases (`hanbill export` / `hanbill import`): off the embedded default onto
 * PostgreSQL, and backups of either. Generic over the schema: every table, partition and sequence is read from the
 * catalogue, so a table a new migration creates is carried without a change here. The file format is in
 * dump-format.ts; the operator's side in docs/deploy.md.
 *
 *   export  source (PGlite folder no server holds, or PostgreSQL) ─► one REPEATABLE READ snapshot
 *           ─► header (migrations + checksums, tables in FK order with row counts, partitions, sequences,
 *              xid horizon[, secrets]) ─► rows per table through a cursor ─► gzip ─► <out>.partial ─► rename
 *   import  dump ─► check its migrations against ours (newer: refused; older: loaded at its level, then migrated on)
 *           ─► target empty? (else refused, naming what is there) ─► transaction counter past the dump's horizon
 *           ─► BEGIN: migrations up to the dump's level, partitions, rows (unnest batches), counts checked,
 *              sequences, the master key opens the dump's sealed secrets (else refused) ─► COMMIT
 *           ─► the rest of our migrations
 *
 * One step per file: write-dump.ts, read-dump.ts, migration-list.ts, target-check.ts, xid-horizon.ts,
 * load-tables.ts, restore-sequences.ts, master-key-probe.ts.
 */
import type pg from 'pg';
import { applyMigrationsInTransaction, migrate } from '../../platform/db/migrate.ts';
import { parseMasterKey } from '../../platform/secret-box.ts';
import { TEXT_FORM_SETTINGS, TransferRefused, type DumpHeader } from './dump-format.ts';
import { loadTables } from './load-tables.ts';
import { probeMasterKey } from './master-key-probe.ts';
import { checkDumpMigrations } from './migration-list.ts';
import { openDump } from './read-dump.ts';
import { restoreSequences } from './restore-sequences.ts';
import { refuseNonEmptyTarget } from './target-check.ts';
import { advanceXidsPast } from './xid-horizon.ts';

export { writeDump, type WriteDumpOptions, type WriteDumpResult } from './write-dump.ts';
export { TransferRefused } from './dump-format.ts';

export interface ImportOptions {
  file: string;
  /** the key the imported installation will run with (HANBILL_MASTER_KEY); without it, the dump's own (--include-secrets) */
  masterKey: Buffer | undefined;
  progress?: (message: string) => void;
}

export interface ImportResult {
  header: DumpHeader;
  rows: number;
  tables: number;
  partitionsCreated: number;
  sequencesSet: number;
  secretsChecked: number;
  xidsAdvanced: bigint;
  migratedAfter: string[];
}

export async function importInstallation(pool: pg.Pool, opts: ImportOptions): Promise<ImportResult> {
  const say = opts.progress ?? (() => {});
  const reader = await openDump(opts.file);
  try {
    const header = reader.header;
    const levels = checkDumpMigrations(header.migrations);
    const masterKey = opts.masterKey ?? (header.secrets ? parseMasterKey(header.secrets.masterKey) : undefined);
    if (!masterKey) {
      throw new TransferRefused(
        'HANBILL_MASTER_KEY를 원래 설치의 마스터 키로 지정하세요: 덤프에는 키가 없습니다 (set HANBILL_MASTER_KEY to the source installation\'s master key: the dump was exported without --include-secrets)',
      );
    }
    const client = await pool.connect();
    let load: { rows: number; partitionsCreated: number; sequencesSet: number; secretsChecked: number; xidsAdvanced: bigint };
    try {
      await refuseNonEmptyTarget(client);
      const xidsAdvanced = await advanceXidsPast(client, BigInt(header.xidHorizon), (left) => say(`transaction ids: ${left} to go past the source's ${header.xidHorizon}`));
      await client.query('BEGIN');
      try {
        for (const s of TEXT_FORM_SETTINGS) await client.query(s);
        await applyMigrationsInTransaction(client, levels.atDumpLevel);
        const loaded = await loadTables(client, reader, (table, n) => say(`${table}: ${n}`));
        const sequencesSet = await restoreSequences(client, header);
        const probe = await probeMasterKey(client, masterKey);
        await client.query('COMMIT');
        load = { ...loaded, sequencesSet, secretsChecked: probe.checked, xidsAdvanced };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      client.release();
    }
    const after = levels.after.length ? (await migrate(pool)).applied : [];
    return { header, tables: header.tables.length, migratedAfter: after, ...load };
  } finally {
    reader.close();
  }
}
