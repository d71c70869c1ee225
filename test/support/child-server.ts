/**
 * `hanbill serve` from the sources (tsx) in a child process on a free port, ready when /readyz answers 200: for tests
 * and benches that kill a server (SIGKILL) or keep the client out of the server's event loop. `env` is added to this
 * process's environment; without DATABASE_URL in it the child runs the embedded database in HANBILL_DATA_DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** resolves with the exit code (null after a signal) */
  exited: Promise<number | null>;
}

/** A job channel of its own (the shared PostgreSQL test database holds other test files' jobs). */
export function freshChannel(): string {
  return `t${crypto.randomBytes(6).toString('hex')}`;
}

/**
 * The environment of a quiet child system on job channel `channel`: errors only in its log, no billing tick, no
 * history purge, no auto-filing, mail without its PDF; with `databaseUrl`, PostgreSQL and fresh secrets.
 */
export function quietChildEnv(channel: string, databaseUrl?: string): Record<string, string> {
  return {
    LOG_LEVEL: 'error',
    HANBILL_CHANNEL: channel,
    HANBILL_NTS_CHANNEL: `${channel}n`,
    HANBILL_BILLING_TICK_MS: '0',
    HANBILL_MESSAGE_HISTORY_PURGE: 'off',
    HANBILL_NTS_AUTO_FILE: 'off',
    HANBILL_MAIL_PDF: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex'), HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url') } : {}),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function serveChild(env: Record<string, string>, opts: { readyTimeoutMs?: number } = {}): Promise<ChildServer> {
  const port = await freePort();
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...env, PORT: String(port), HOST: '127.0.0.1' };
  if (env['DATABASE_URL'] === undefined) delete childEnv['DATABASE_URL'];
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.runCli(process.argv.slice(1)); })", 'serve'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hanbill serve exited (${child.exitCode ?? child.signalCode})`);
    if (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)) return { url, child, exited };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error('hanbill serve not ready in time');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A `hanbill serve` child with HANBILL_ROLES=worker (it listens on nothing): ready when its log says so. Its log is
 * read at level info (the ready line) and otherwise dropped.
 */
export async function workerChild(env: Record<string, string>, opts: { readyTimeoutMs?: number } = {}): Promise<Omit<ChildServer, 'url'>> {
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...env, HANBILL_ROLES: 'worker', LOG_LEVEL: 'info' };
  if (env['DATABASE_URL'] === undefined) delete childEnv['DATABASE_URL'];
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.runCli(process.argv.slice(1)); })", 'serve'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let log = '';
  const ready = new Promise<boolean>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (log.length < 100_000) log += c.toString('utf8');
      if (log.includes('"msg":"hanbill is ready"')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([ready, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), opts.readyTimeoutMs ?? 90_000)))]);
  clearTimeout(timer);
  if (!ok) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`hanbill serve (worker) not ready: ${log.slice(-500)}`);
  }
  return { child, exited };
}

/**
 * A stand-alone simulator (`hanbill nts-sim | carrier-sim | bank-sim` from the sources) in a child process on a free
 * port: its counters (GET /_sim/stats) outlive the Hanbill processes a test kills. `args` are the command's options
 * (`--port` is chosen here).
 */
export async function simChild(command: 'nts-sim' | 'carrier-sim' | 'bank-sim', args: string[] = [], env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.runCli(process.argv.slice(1)); })", command, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    new Promise<string | undefined>((resolve) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => resolve(undefined));
    }),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 60_000))),
  ]);
  clearTimeout(timer);
  if (!url) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`hanbill ${command} did not start: ${out.slice(-500)}`);
  }
  return { url, child, exited };
}
