/** `hanbill nts-sim`: run the NTS simulator on its own (see nts-simulator.ts and docs/nts.md). */
import type { Writable } from 'node:stream';
import { runSimCommand, SimOptionError } from '../shared/sim-cli.ts';
import { startNtsSimulator } from './nts-simulator.ts';

const USAGE = `usage: hanbill nts-sim [--port N] [--host H] [--state-dir DIR] [--result-delay-ms N]
                     [--registration-id 41000001]... [--fail-rate P] [--timeout-rate P]
                     [--drop-result-rate P] [--duplicate-result-rate P]

Serves POST /services/SubmitEtaxInvoice and /services/RequestResults (KEC SOAP, NTS.md §4), pushes results to
each submission's ReplyTo, GET /kmCert.der (the certificate to encrypt packages for; keep it stable with
--state-dir), GET /_sim/stats and PUT /_sim/faults (JSON) for tests.
`;

export async function runNtsSim(argv: string[], stdout: Writable, stderr: Writable): Promise<number> {
  return runSimCommand(
    {
      name: 'nts-sim',
      usage: USAGE,
      start: async (o) => {
        const registrationIds = o.all('registration-id');
        if (registrationIds?.some((r) => !/^\d{8}$/.test(r))) throw new SimOptionError('--registration-id expects 8 digits');
        const stateDir = o.one('state-dir');
        return startNtsSimulator({
          port: o.num('port', 8090, 65535),
          host: o.one('host') ?? '127.0.0.1',
          resultDelayMs: o.num('result-delay-ms', 2000),
          ...(registrationIds ? { registrationIds } : {}),
          ...(stateDir ? { stateDir } : {}),
          faults: {
            failRate: o.num('fail-rate', 0, 1),
            timeoutRate: o.num('timeout-rate', 0, 1),
            dropResultRate: o.num('drop-result-rate', 0, 1),
            duplicateResultRate: o.num('duplicate-result-rate', 0, 1),
          },
        });
      },
      listening: (url) => `NTS simulator listening on ${url} (NTS_GATEWAY_URL=${url})`,
    },
    argv,
    stdout,
    stderr,
  );
}
