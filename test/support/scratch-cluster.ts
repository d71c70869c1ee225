/**
 * A PostgreSQL server of a test's own (initdb in a temporary folder, a free port, trust auth on 127.0.0.1), so that a
 * test may really stop and restart it — the machine's shared cluster serves other test files at the same time.
 * Uses the Debian server binaries (/usr/lib/postgresql/<version>/bin); run as root, they run as the `postgres` user
 * (initdb refuses root). `available()` says why not when they are missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './child-server.ts';

function binDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

const asRoot = process.getuid?.() === 0;

/** false when a scratch cluster can be made here; else why not (a node:test `skip` reason). */
export function scratchClusterUnavailable(): string | false {
  if (!binDir()) return 'no PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin/pg_ctl)';
  if (asRoot && spawnSync('id', ['postgres']).status !== 0) return 'running as root without a postgres user to run the server as';
  return false;
}

export interface ScratchCluster {
  url: string;
  /** pg_ctl stop -m fast (every session ended), `downMs` with no server listening, then start again. */
  restart(downMs: number): Promise<void>;
  /** Stop the server and remove its folder. */
  destroy(): void;
}

export async function startScratchCluster(): Promise<ScratchCluster> {
  const bin = binDir()!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const run = (tool: string, args: string[]) => (asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe' }) : execFileSync(path.join(bin, tool), args, { stdio: 'pipe' }));
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs: number) {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      await new Promise((r) => setTimeout(r, downMs));
      start();
    },
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
