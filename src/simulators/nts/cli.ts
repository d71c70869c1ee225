/** `hanbill nts-sim`: run the NTS simulator on its own (see nts-simulator.ts and docs/nts.md). */
import type { Writable } from 'node:stream';
import { startNtsSimulator } from './nts-simulator.ts';

const USAGE = `usage: hanbill nts-sim [--port N] [--host H] [--state-dir DIR] [--result-delay-ms N]
                     [--registration-id 41000001]... [--fail-rate P] [--timeout-rate P]
                     [--drop-result-rate P] [--duplicate-result-rate P]

Serves POST /services/SubmitEtaxInvoice and /services/RequestResults (KEC SOAP, NTS.md §4), pushes results to
each submission's ReplyTo, GET /kmCert.der (the certificate to encrypt packages for; keep it stable with
--state-dir), GET /_sim/stats and PUT /_sim/faults (JSON) for tests.
`;

export async function runNtsSim(argv: string[], stdout: Writable, stderr: Writable): Promise<number> {
  const opts: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      stdout.write(USAGE);
      return 0;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      stderr.write(`hanbill nts-sim: unexpected argument ${arg}\n${USAGE}`);
      return 2;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      stderr.write(`hanbill nts-sim: --${m[1]} needs a value\n`);
      return 2;
    }
    (opts[m[1]!] ??= []).push(value);
  }
  const one = (name: string) => opts[name]?.[opts[name]!.length - 1];
  const num = (name: string, fallback: number) => {
    const v = one(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number`);
    return n;
  };
  const registrationIds = opts['registration-id'];
  if (registrationIds?.some((r) => !/^\d{8}$/.test(r))) {
    stderr.write('hanbill nts-sim: --registration-id expects 8 digits\n');
    return 2;
  }
  const stateDir = one('state-dir');
  const sim = await startNtsSimulator({
    port: num('port', 8090),
    host: one('host') ?? '127.0.0.1',
    resultDelayMs: num('result-delay-ms', 2000),
    ...(registrationIds ? { registrationIds } : {}),
    ...(stateDir ? { stateDir } : {}),
    faults: {
      failRate: num('fail-rate', 0),
      timeoutRate: num('timeout-rate', 0),
      dropResultRate: num('drop-result-rate', 0),
      duplicateResultRate: num('duplicate-result-rate', 0),
    },
  });
  stdout.write(`NTS simulator listening on ${sim.url} (NTS_GATEWAY_URL=${sim.url})\n`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => {});
}
