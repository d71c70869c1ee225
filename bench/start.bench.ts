/**
 * Start time of the built server: `bin/hanbill serve` (the launcher, then compiled dist/, as `npm start` runs it) on a
 * fresh data folder (first start: creates the PGlite database, migrates, mints keys), then again on that
 * folder (second start: the usual restart), each timed from spawn to the first 200 on /readyz.
 *   npm run build && node --import tsx bench/start.bench.ts
 * Options: BENCH_RESTARTS (default 3; the second-start figure is their median). Prints figures only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/hanbill');
const RESTARTS = Math.max(1, Number(process.env['BENCH_RESTARTS'] ?? 3));

if (!fs.existsSync(path.join(root, 'dist/cli/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false; // not listening yet
  }
}

/**
 * CPU time (user + system, ms) the process has used so far, from /proc (Linux; undefined elsewhere): on a
 * shared machine the wall time depends on the neighbours' load, the CPU time much less.
 */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

interface Start {
  wallMs: number;
  cpuMs: number | undefined;
}

/** Spawn the server, wait for /readyz 200 (≤ 120 s), stop it with SIGTERM; the time to ready. */
async function timedStart(dataDir: string): Promise<Start> {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(bin, ['serve'], {
    cwd: root,
    env: { ...process.env, HANBILL_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_OPTIONS: '', NODE: process.execPath },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    while (!(await ready(`http://127.0.0.1:${port}/readyz`))) {
      if (gone) throw new Error(`server exited before ready:\n${stderr}`);
      if (performance.now() - t0 > 120_000) throw new Error(`not ready after 120 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { wallMs: performance.now() - t0, cpuMs: cpuMs(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-start-bench-'));
try {
  const first = await timedStart(dataDir);
  const restarts: Start[] = [];
  for (let i = 0; i < RESTARTS; i++) restarts.push(await timedStart(dataDir));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = (ms: number | undefined) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(2)} s`);
  const cpu = (x: Start) => (x.cpuMs === undefined ? '' : `, CPU ${s(x.cpuMs)}`);
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(`first start  (new data folder)      ${s(first.wallMs)}${cpu(first)}`);
  const cpus = restarts.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
  console.log(
    `second start (existing data folder) ${s(median(restarts.map((r) => r.wallMs)))}${cpus.length ? `, CPU ${s(median(cpus))}` : ''}` +
      ` (median of ${RESTARTS}: ${restarts.map((r) => s(r.wallMs)).join(', ')})`,
  );
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
