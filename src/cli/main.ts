/** The `hanbill` command line. */
import { ConfigError, loadConfig, VARIABLES } from '../config.ts';
import { databaseTarget } from '../composition/database-target.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

const HELP = `hanbill — Korean e-tax-invoice and messaging platform

Usage: hanbill <command> [options]

Commands:
  serve        start the server (roles from HANBILL_ROLES: api, worker; default both)
  migrate      apply database migrations and exit
  export       dump the installation to a file: [--data-dir DIR] --out FILE [--include-secrets] (the embedded folder
               of a stopped server, or DATABASE_URL; docs/deploy.md)
  import       load a dump into the empty PostgreSQL at DATABASE_URL: --in FILE [--secrets-out FILE]
               (HANBILL_MASTER_KEY: the source installation's master key)
  create-operator  add an operator of the console: --login ID [--name NAME]; the password is read from
               HANBILL_NEW_OPERATOR_PASSWORD or standard input (first line)
  sign         sign a standard tax-invoice XML: --cert signCert.der --key signPri.key --password P
               (or --pfx file.p12 --password P; --password-env NAME) < unsigned.xml > signed.xml
  verify       verify a signed tax-invoice XML on stdin (exit 0 when valid; --bizno checks the VID)
  nts-sim      run the NTS simulator alone: [--port 8090] [--host 127.0.0.1] [--state-dir DIR]
               [--result-delay-ms N] [--registration-id 8 digits]...; then set NTS_GATEWAY_URL to it
  carrier-sim  run the carrier (Kakao/SMS) simulator alone: [--port 8091] [--result-delay-ms N] [--report-secret S]
               [--fail-rate P] [--timeout-rate P] [--no-push] …; then set CARRIER_GATEWAY_URL to it
  bank-sim     run the bank simulator (virtual accounts, CMS debits, deposit notices) alone: [--port 8092]
               [--notice-secret S] [--notice-url URL] [--notice-delay-ms N] …; then set BANK_GATEWAY_URL to it
  API commands (a Hanbill server: HANBILL_URL, HANBILL_API_KEY, HANBILL_SUBSCRIPTION_ID, HANBILL_SVC_KEY, or
  ~/.config/hanbill/config.json {url, apiKey, subscriptionId, serviceKey}, or --config FILE; --json for scripts;
  exit 0 ok, 1 API error (its code and field printed), 2 usage):
  issue        issue documents: hanbill issue <file.json|file.xlsx|-> (many: a batch, progress on stderr)
  list         the subscription's documents: [--state S] [--nts N] [--from D] [--to D] [--limit N | --all]
  show         one document: hanbill show <dockey>
  file         file documents with the NTS: hanbill file <dockey…> [--wait]
  send         send a message: hanbill send sms|lms|mms|alimtalk|friendtalk --to N [--from N] [--text T] …
  events       the event log: hanbill events tail [--type T,…] [--object-id ID] [--follow]
  webhook      check a delivery's signature: hanbill webhook verify --secret S --header H < body
  help         show this help (also --help, -h)
  version      print the version

Configuration comes from environment variables:
${VARIABLES.map((v) => `  ${v.name.padEnd(24)} ${v.meaning} (default: ${v.default})`).join('\n')}
`;

export async function runCli(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case 'version':
    case '--version':
      process.stdout.write('hanbill 0.1.0\n');
      return 0;
    case 'sign': {
      const { runSign } = await import('./commands/sign.ts');
      return runSign(rest, process.stdin, process.stdout, process.stderr);
    }
    case 'verify': {
      const { runVerify } = await import('./commands/sign.ts');
      return runVerify(rest, process.stdin, process.stdout, process.stderr);
    }
    case 'nts-sim': {
      const { runNtsSim } = await import('../simulators/nts/cli.ts');
      return runNtsSim(rest, process.stdout, process.stderr);
    }
    case 'carrier-sim': {
      const { runCarrierSim } = await import('../simulators/carrier/cli.ts');
      return runCarrierSim(rest, process.stdout, process.stderr);
    }
    case 'bank-sim': {
      const { runBankSim } = await import('../simulators/bank/cli.ts');
      return runBankSim(rest, process.stdout, process.stderr);
    }
    case 'migrate': {
      const config = loadConfig();
      const database = await openDatabase(databaseTarget(config));
      try {
        const r = await migrate(database.pool);
        process.stdout.write(`migrations: ${r.applied.length} applied (${r.applied.join(', ') || 'none'}), ${r.alreadyApplied} already applied\n`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'export': {
      const { runExport } = await import('./commands/export-import.ts');
      return runExport(rest, process.env, process);
    }
    case 'import': {
      const { runImport } = await import('./commands/export-import.ts');
      return runImport(rest, process.env, process);
    }
    case 'issue':
    case 'list':
    case 'show':
    case 'file':
    case 'send':
    case 'events':
    case 'webhook': {
      const { runApiCommand } = await import('./commands/api-commands.ts');
      return runApiCommand(command, rest);
    }
    case 'create-operator': {
      const { runCreateOperator } = await import('./commands/create-operator.ts');
      return runCreateOperator(rest, process.stdin, process.stdout, process.stderr);
    }
    case 'serve': {
      const config = loadConfig();
      // the database opens (PGlite: ~1 s of WebAssembly start-up) while the rest of the system loads
      const opening = openDatabase(databaseTarget(config));
      const loading = import('../main.ts');
      const [database, { startSystem }] = await Promise.allSettled([opening, loading]).then(async ([db, mod]) => {
        if (db.status === 'fulfilled' && mod.status === 'fulfilled') return [db.value, mod.value] as const;
        if (db.status === 'fulfilled') await db.value.close(); // the system failed to load: no database left open
        throw db.status === 'rejected' ? db.reason : (mod as PromiseRejectedResult).reason;
      });
      // startSystem owns the database from here: a failed start closes it
      const system = await startSystem(config, { database });
      const stop = async (signal: string) => {
        const timeoutMs = config.shutdownTimeoutMs;
        system.ctx.log.info({ signal, timeoutMs }, 'shutting down: no new connections or jobs; finishing what is in flight');
        // a part that will not close (a handler stuck past the deadline) does not keep the process: out 5 s after it
        setTimeout(() => {
          system.ctx.log.error({ timeoutMs }, 'shutdown: parts still closing 5 s after the deadline; exiting');
          process.exit(1);
        }, timeoutMs + 5_000).unref();
        try {
          const r = await system.shutdown(timeoutMs);
          system.ctx.log.info({ handedBack: r.handedBack.length, requestsFinished: r.requestsFinished }, 'stopped');
          process.exit(0);
        } catch (err) {
          system.ctx.log.error({ err: String(err) }, 'shutdown failed');
          process.exit(1);
        }
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      return new Promise<number>(() => {}); // runs until a signal
    }
    default:
      process.stderr.write(`hanbill: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}

export async function main(): Promise<void> {
  try {
    const code = await runCli(process.argv.slice(2));
    if (code !== 0) process.exitCode = code;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hanbill: ${err.message}\n`);
      process.exitCode = 78;
      return;
    }
    process.stderr.write(`hanbill: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
