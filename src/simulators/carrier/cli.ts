/** `hanbill carrier-sim`: run the carrier simulator on its own (see carrier-simulator.ts and docs/messaging.md). */
import type { Writable } from 'node:stream';
import { runSimCommand, SimOptionError } from '../shared/sim-cli.ts';
import { startCarrierSimulator } from './carrier-simulator.ts';

const USAGE = `usage: hanbill carrier-sim [--port N] [--host H] [--result-delay-ms N] [--report-secret S]
                         [--fail-rate P] [--fail-after-rate P] [--timeout-rate P] [--hang-ms N]
                         [--duplicate-rate P] [--late-rate P] [--late-ms N] [--drop-push-rate P] [--no-push]

Serves POST /v1/messages and /v1/reports/query (our carrier relay protocol), pushes each result to the send's
reportUrl signed with the report secret (default: CARRIER_REPORT_SECRET), GET /_sim/stats and PUT /_sim/faults.
Then start Hanbill with CARRIER_GATEWAY_URL=<its URL> and the same CARRIER_REPORT_SECRET.
`;

export async function runCarrierSim(argv: string[], stdout: Writable, stderr: Writable, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runSimCommand(
    {
      name: 'carrier-sim',
      usage: USAGE,
      flags: ['no-push'],
      start: async (o) => {
        const reportSecret = o.one('report-secret') ?? env['CARRIER_REPORT_SECRET'];
        if (!reportSecret) throw new SimOptionError('--report-secret (or CARRIER_REPORT_SECRET) is required: pushed reports are signed with it');
        return startCarrierSimulator({
          port: o.num('port', 8091, 65535),
          host: o.one('host') ?? '127.0.0.1',
          resultDelayMs: o.num('result-delay-ms', 1000),
          reportSecret,
          faults: {
            failRate: o.num('fail-rate', 0, 1),
            failAfterRate: o.num('fail-after-rate', 0, 1),
            timeoutRate: o.num('timeout-rate', 0, 1),
            hangMs: o.num('hang-ms', 30_000),
            duplicateRate: o.num('duplicate-rate', 0, 1),
            lateRate: o.num('late-rate', 0, 1),
            lateMs: o.num('late-ms', 0),
            dropPushRate: o.num('drop-push-rate', 0, 1),
            pushDisabled: o.has('no-push'),
          },
        });
      },
      listening: (url) => `carrier simulator listening on ${url} (CARRIER_GATEWAY_URL=${url})`,
    },
    argv,
    stdout,
    stderr,
  );
}
