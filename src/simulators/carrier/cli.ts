/** `hanbill carrier-sim`: run the carrier simulator on its own (see carrier-simulator.ts and docs/messaging.md). */
import type { Writable } from 'node:stream';
import { startCarrierSimulator } from './carrier-simulator.ts';

const USAGE = `usage: hanbill carrier-sim [--port N] [--host H] [--result-delay-ms N] [--report-secret S]
                         [--fail-rate P] [--fail-after-rate P] [--timeout-rate P] [--hang-ms N]
                         [--duplicate-rate P] [--late-rate P] [--late-ms N] [--drop-push-rate P] [--no-push]

Serves POST /v1/messages and /v1/reports/query (our carrier relay protocol), pushes each result to the send's
reportUrl signed with the report secret (default: CARRIER_REPORT_SECRET), GET /_sim/stats and PUT /_sim/faults.
Then start Hanbill with CARRIER_GATEWAY_URL=<its URL> and the same CARRIER_REPORT_SECRET.
`;

export async function runCarrierSim(argv: string[], stdout: Writable, stderr: Writable, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const opts: Record<string, string> = {};
  let push = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      stdout.write(USAGE);
      return 0;
    }
    if (arg === '--no-push') {
      push = false;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      stderr.write(`hanbill carrier-sim: unexpected argument ${arg}\n${USAGE}`);
      return 2;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      stderr.write(`hanbill carrier-sim: --${m[1]} needs a value\n`);
      return 2;
    }
    opts[m[1]!] = value;
  }
  const num = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = opts[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`--${name}: expected a number from 0 to ${max}`);
    return n;
  };
  const reportSecret = opts['report-secret'] ?? env['CARRIER_REPORT_SECRET'];
  if (!reportSecret) {
    stderr.write('hanbill carrier-sim: --report-secret (or CARRIER_REPORT_SECRET) is required: pushed reports are signed with it\n');
    return 2;
  }
  const sim = await startCarrierSimulator({
    port: num('port', 8091, 65535),
    host: opts['host'] ?? '127.0.0.1',
    resultDelayMs: num('result-delay-ms', 1000),
    reportSecret,
    faults: {
      failRate: num('fail-rate', 0, 1),
      failAfterRate: num('fail-after-rate', 0, 1),
      timeoutRate: num('timeout-rate', 0, 1),
      hangMs: num('hang-ms', 30_000),
      duplicateRate: num('duplicate-rate', 0, 1),
      lateRate: num('late-rate', 0, 1),
      lateMs: num('late-ms', 0),
      dropPushRate: num('drop-push-rate', 0, 1),
      pushDisabled: !push,
    },
  });
  stdout.write(`carrier simulator listening on ${sim.url} (CARRIER_GATEWAY_URL=${sim.url})\n`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => {});
}
