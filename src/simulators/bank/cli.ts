/** `hanbill bank-sim`: run the bank simulator on its own (see bank-simulator.ts and docs/settlement.md "Bank"). */
import type { Writable } from 'node:stream';
import { runSimCommand, SimOptionError } from '../shared/sim-cli.ts';
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
  return runSimCommand(
    {
      name: 'bank-sim',
      usage: USAGE,
      start: async (o) => {
        const noticeSecret = o.one('notice-secret') ?? env['BANK_NOTICE_SECRET'];
        if (!noticeSecret) throw new SimOptionError('--notice-secret (or BANK_NOTICE_SECRET) is required: notices are signed with it');
        const bankCode = o.one('bank-code') ?? '088';
        if (!/^\d{3}$/.test(bankCode)) throw new SimOptionError('--bank-code: expected 3 digits, e.g. 088 (신한) or 020 (우리)');
        return startBankSimulator({
          port: o.num('port', 8092, 65535),
          host: o.one('host') ?? '127.0.0.1',
          noticeSecret,
          noticeUrl: o.one('notice-url'),
          noticeDelayMs: o.num('notice-delay-ms', 1000),
          bankCode,
          pushRetryMs: o.num('push-retry-ms', 1000),
          faults: {
            failRate: o.num('fail-rate', 0, 1),
            duplicateRate: o.num('duplicate-rate', 0, 1),
            pushFailRate: o.num('push-fail-rate', 0, 1),
            lostAckRate: o.num('lost-ack-rate', 0, 1),
            lateRate: o.num('late-rate', 0, 1),
            lateMs: o.num('late-ms', 0),
          },
        });
      },
      listening: (url) => `bank simulator listening on ${url} (BANK_GATEWAY_URL=${url})`,
    },
    argv,
    stdout,
    stderr,
  );
}
