/** `hanbill bank-sim`: run the bank simulator on its own (see bank-simulator.ts and docs/settlement.md "Bank"). */
import type { Writable } from 'node:stream';
import { startBankSimulator } from './bank-simulator.ts';

const USAGE = `usage: hanbill bank-sim [--port N] [--host H] [--notice-secret S] [--notice-url URL] [--notice-delay-ms N]
                      [--bank-code 088] [--fail-rate P] [--duplicate-rate P] [--push-fail-rate P]
                      [--lost-ack-rate P] [--late-rate P] [--late-ms N] [--push-retry-ms N]

Serves POST /v1/virtual-accounts, /v1/payers and /v1/debits (our bank relay protocol) and pushes deposit,
deposit-cancellation and debit-result notices, signed with the notice secret (default: BANK_NOTICE_SECRET), to the
notice URL each call names (else --notice-url), retrying until answered 2xx. Control: POST /_sim/deposits
{account, amount, depositor}, POST /_sim/deposits/cancel {transactionId}, POST /_sim/payers/fail {payerId, times?,
resultCode?}, GET /_sim/stats, PUT /_sim/faults. Then start Hanbill with BANK_GATEWAY_URL=<its URL> and the same
BANK_NOTICE_SECRET.
`;

export async function runBankSim(argv: string[], stdout: Writable, stderr: Writable, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      stdout.write(USAGE);
      return 0;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      stderr.write(`hanbill bank-sim: unexpected argument ${arg}\n${USAGE}`);
      return 2;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      stderr.write(`hanbill bank-sim: --${m[1]} needs a value\n`);
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
  const noticeSecret = opts['notice-secret'] ?? env['BANK_NOTICE_SECRET'];
  if (!noticeSecret) {
    stderr.write('hanbill bank-sim: --notice-secret (or BANK_NOTICE_SECRET) is required: notices are signed with it\n');
    return 2;
  }
  const bankCode = opts['bank-code'] ?? '088';
  if (!/^\d{3}$/.test(bankCode)) {
    stderr.write('hanbill bank-sim: --bank-code: expected 3 digits, e.g. 088 (신한) or 020 (우리)\n');
    return 2;
  }
  let sim;
  try {
    sim = await startBankSimulator({
      port: num('port', 8092, 65535),
      host: opts['host'] ?? '127.0.0.1',
      noticeSecret,
      noticeUrl: opts['notice-url'],
      noticeDelayMs: num('notice-delay-ms', 1000),
      bankCode,
      pushRetryMs: num('push-retry-ms', 1000),
      faults: {
        failRate: num('fail-rate', 0, 1),
        duplicateRate: num('duplicate-rate', 0, 1),
        pushFailRate: num('push-fail-rate', 0, 1),
        lostAckRate: num('lost-ack-rate', 0, 1),
        lateRate: num('late-rate', 0, 1),
        lateMs: num('late-ms', 0),
      },
    });
  } catch (err) {
    stderr.write(`hanbill bank-sim: ${(err as Error).message}\n`);
    return 2;
  }
  stdout.write(`bank simulator listening on ${sim.url} (BANK_GATEWAY_URL=${sim.url})\n`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => {});
}
