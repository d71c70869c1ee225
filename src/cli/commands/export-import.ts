/**
 * `hanbill export [--data-dir DIR] --out FILE [--include-secrets]` and
 * `hanbill import --in FILE [--secrets-out FILE]` (docs/deploy.md "Moving off the embedded default").
 *
 * export reads the embedded folder of --data-dir (or HANBILL_DATA_DIR, ./data), or DATABASE_URL when it is set and
 * no --data-dir is given; an embedded folder a live server holds is refused. import loads into the empty PostgreSQL
 * at DATABASE_URL with HANBILL_MASTER_KEY (or the dump's own key when it was exported with --include-secrets).
 * Exit 0 done, 1 refused (the reason on stderr), 2 usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type DatabaseTarget } from '../../platform/db/database.ts';
import { dataDirHolder } from '../../platform/db/data-dir-lock.ts';
import { parseMasterKey, SecretBoxError } from '../../platform/secret-box.ts';
import { importInstallation, TransferRefused, writeDump } from '../../modules/installation-transfer/installation-transfer.ts';
import { parseArgs, UsageError, valueOf, type OptionSpec, type ParsedArgs } from '../api/cli-args.ts';

type Env = Record<string, string | undefined>;
interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The command's options (cli-args.ts, as the API commands parse theirs); a usage error is printed with the usage (exit 2). */
function optionsOf(args: string[], spec: Record<string, OptionSpec>, command: string, usage: string, io: Io): ParsedArgs | undefined {
  try {
    const p = parseArgs(args, spec);
    if (p.positionals.length) throw new UsageError(`unknown option ${p.positionals[0]}`);
    return p;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`hanbill ${command}: ${err.message}\nusage: ${usage}\n`);
    return undefined;
  }
}

function refused(io: Io, command: string, err: unknown): number {
  if (err instanceof TransferRefused) {
    io.stderr.write(`hanbill ${command}: ${err.message}\n`);
    return 1;
  }
  throw err;
}

function progressWriter(io: Io): (message: string) => void {
  let last = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    io.stderr.write(`  … ${message}\n`);
  };
}

/** The secrets an embedded folder's server runs with: HANBILL_* when set, else <data dir>/secrets.json. */
function embeddedSecrets(dataDir: string, env: Env): { masterKey: string; operatorToken: string } | undefined {
  const file = path.join(dataDir, 'secrets.json');
  const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { masterKey?: string; operatorToken?: string }) : {};
  const masterKey = env['HANBILL_MASTER_KEY'] ?? stored.masterKey;
  const operatorToken = env['HANBILL_OPERATOR_TOKEN'] ?? stored.operatorToken;
  return masterKey && operatorToken ? { masterKey, operatorToken } : undefined;
}

export async function runExport(args: string[], env: Env, io: Io): Promise<number> {
  const usage = 'hanbill export [--data-dir DIR] --out FILE [--include-secrets]';
  const o = optionsOf(args, { 'include-secrets': { flag: true }, 'data-dir': {}, out: {} }, 'export', usage, io);
  if (!o) return 2;
  const out = valueOf(o, 'out');
  if (!out) {
    io.stderr.write(`hanbill export: --out FILE is required\nusage: ${usage}\n`);
    return 2;
  }
  try {
    const dataDirOption = valueOf(o, 'data-dir');
    const url = dataDirOption ? undefined : env['DATABASE_URL'];
    const dataDir = path.resolve(dataDirOption ?? env['HANBILL_DATA_DIR'] ?? './data');
    let target: DatabaseTarget;
    let secrets: { masterKey: string; operatorToken: string } | undefined;
    if (url) {
      target = { kind: 'postgres', url, max: 1 };
      const masterKey = env['HANBILL_MASTER_KEY'];
      const operatorToken = env['HANBILL_OPERATOR_TOKEN'];
      secrets = masterKey && operatorToken ? { masterKey, operatorToken } : undefined;
    } else {
      const pgdata = path.join(dataDir, 'pgdata');
      if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
        throw new TransferRefused(`${dataDir}에 내장 데이터베이스(pgdata)가 없습니다 (no embedded database in ${dataDir}: ${pgdata}/PG_VERSION is missing)`);
      }
      const holder = dataDirHolder(pgdata);
      if (holder) {
        throw new TransferRefused(
          `서버(프로세스 ${holder.pid})가 ${dataDir}를 사용 중입니다: 서버를 멈춘 뒤 내보내세요 (a running hanbill, process ${holder.pid}, has ${dataDir} open; stop it first, then export)`,
        );
      }
      target = { kind: 'pglite', dataDir: pgdata };
      secrets = embeddedSecrets(dataDir, env);
    }
    if (o.flags.has('include-secrets') && !secrets) {
      throw new TransferRefused('--include-secrets: 마스터 키와 운영자 토큰을 찾을 수 없습니다 (no master key and operator token: set HANBILL_MASTER_KEY and HANBILL_OPERATOR_TOKEN)');
    }
    const database = await openDatabase(target);
    try {
      const r = await writeDump(database.pool, {
        out: path.resolve(out),
        engine: database.engine,
        now: new Date(),
        ...(o.flags.has('include-secrets') ? { secrets } : {}),
      });
      io.stdout.write(
        `exported ${r.rows} rows of ${r.header.tables.length} tables (${r.header.partitions.length} partitions, ${r.header.sequences.length} sequences) ` +
          `at migration ${r.header.migrations.at(-1)?.name ?? '-'} to ${out} (${r.bytes} bytes)\n`,
      );
      if (o.flags.has('include-secrets')) {
        io.stderr.write(
          `\n!! ${out}에 마스터 키와 운영자 토큰이 들어 있습니다: 이 파일을 가진 사람은 모든 비밀을 열 수 있습니다 (파일 권한 0600).\n` +
            `!! ${out} CONTAINS THE MASTER KEY AND OPERATOR TOKEN: whoever holds this file can open every secret (file mode 0600). Keep it like the key itself.\n\n`,
        );
      } else {
        io.stderr.write(`note: the master key is not in the dump; the import needs HANBILL_MASTER_KEY set to this installation's key${url ? '' : ` (masterKey in ${path.join(dataDir, 'secrets.json')})`}\n`);
      }
      return 0;
    } finally {
      await database.close();
    }
  } catch (err) {
    return refused(io, 'export', err);
  }
}

export async function runImport(args: string[], env: Env, io: Io): Promise<number> {
  const usage = 'DATABASE_URL=postgres://… HANBILL_MASTER_KEY=… hanbill import --in FILE [--secrets-out FILE]';
  const o = optionsOf(args, { in: {}, 'secrets-out': {} }, 'import', usage, io);
  if (!o) return 2;
  const file = valueOf(o, 'in');
  if (!file) {
    io.stderr.write(`hanbill import: --in FILE is required\nusage: ${usage}\n`);
    return 2;
  }
  try {
    const url = env['DATABASE_URL'];
    if (!url) throw new TransferRefused('DATABASE_URL을 지정하세요: 가져올 빈 PostgreSQL 데이터베이스 (set DATABASE_URL to the empty PostgreSQL database to import into)');
    let masterKey: Buffer | undefined;
    const keyText = env['HANBILL_MASTER_KEY'];
    if (keyText !== undefined) {
      try {
        masterKey = parseMasterKey(keyText);
      } catch (err) {
        if (err instanceof SecretBoxError) throw new TransferRefused(`HANBILL_MASTER_KEY: ${err.message}`);
        throw err;
      }
    }
    const database = await openDatabase({ kind: 'postgres', url, max: 2 });
    try {
      const r = await importInstallation(database.pool, { file, masterKey, progress: progressWriter(io) });
      io.stdout.write(
        `imported ${r.rows} rows of ${r.tables} tables from ${file} (exported ${r.header.exportedAt} from ${r.header.source.engine}); ` +
          `${r.partitionsCreated} partitions created, ${r.sequencesSet} sequences set, ${r.secretsChecked} sealed secrets opened with the master key` +
          `${r.xidsAdvanced > 0n ? `, transaction counter moved on by ${r.xidsAdvanced}` : ''}` +
          `${r.migratedAfter.length ? `; migrated on: ${r.migratedAfter.join(', ')}` : ''}\n`,
      );
      const secretsOut = valueOf(o, 'secrets-out');
      if (secretsOut) {
        if (!r.header.secrets) throw new TransferRefused('--secrets-out: 덤프에 비밀이 없습니다 (the dump was exported without --include-secrets)');
        fs.writeFileSync(secretsOut, `HANBILL_MASTER_KEY=${r.header.secrets.masterKey}\nHANBILL_OPERATOR_TOKEN=${r.header.secrets.operatorToken}\n`, { mode: 0o600 });
        io.stderr.write(`the master key and operator token are in ${secretsOut} (mode 0600): give them to the server's environment\n`);
      } else if (!keyText && r.header.secrets) {
        io.stderr.write('note: the dump\'s own master key was used; start the server with HANBILL_MASTER_KEY and HANBILL_OPERATOR_TOKEN from it (hanbill import … --secrets-out FILE writes them)\n');
      }
      return 0;
    } finally {
      await database.close();
    }
  } catch (err) {
    return refused(io, 'import', err);
  }
}
