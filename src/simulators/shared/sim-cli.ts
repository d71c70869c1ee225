/**
 * The command line every stand-alone simulator shares (`hanbill nts-sim | carrier-sim | bank-sim`): options as
 * `--name value` or `--name=value` (repeatable; the last one counts unless all are read), a few value-less flags,
 * --help; a wrong option is said on stderr, naming it, with exit code 2 before anything starts. Once listening the
 * simulator runs until SIGINT or SIGTERM.
 */
import type { Writable } from 'node:stream';

/** A refused option value: the message names the option. */
export class SimOptionError extends Error {}

export class SimOptions {
  constructor(
    private readonly values: Map<string, string[]>,
    private readonly flags: Set<string>,
  ) {}

  /** The last value of --name. */
  one(name: string): string | undefined {
    return this.values.get(name)?.at(-1);
  }

  /** Every value of a repeated --name, in order. */
  all(name: string): string[] | undefined {
    return this.values.get(name);
  }

  has(flag: string): boolean {
    return this.flags.has(flag);
  }

  /** --name as a number from 0 to `max`, or `fallback` when absent. */
  num(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.one(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) throw new SimOptionError(`--${name}: expected a number from 0 to ${max}`);
    return n;
  }
}

export interface SimCommand {
  /** `nts-sim`, `carrier-sim`, `bank-sim`. */
  name: string;
  usage: string;
  /** Options without a value, e.g. `no-push`. */
  flags?: readonly string[];
  /** Check the options and start the simulator; a SimOptionError (or any error) is said with exit code 2. */
  start(options: SimOptions): Promise<{ url: string; close(): Promise<void> }>;
  /** The line said once listening, e.g. `bank simulator listening on <url> (BANK_GATEWAY_URL=<url>)`. */
  listening(url: string): string;
}

/** Parse `argv`, start the simulator and run it until a signal (the promise then never settles), or exit 0/2. */
export async function runSimCommand(command: SimCommand, argv: string[], stdout: Writable, stderr: Writable): Promise<number> {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      stdout.write(command.usage);
      return 0;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      stderr.write(`hanbill ${command.name}: unexpected argument ${arg}\n${command.usage}`);
      return 2;
    }
    const name = m[1]!;
    if (command.flags?.includes(name) && m[2] === undefined) {
      flags.add(name);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      stderr.write(`hanbill ${command.name}: --${name} needs a value\n`);
      return 2;
    }
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  let sim;
  try {
    sim = await command.start(new SimOptions(values, flags));
  } catch (err) {
    stderr.write(`hanbill ${command.name}: ${(err as Error).message}\n`);
    return 2;
  }
  stdout.write(`${command.listening(sim.url)}\n`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => {});
}
