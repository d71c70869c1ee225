/**
 * Arguments of the API commands (`hanbill issue|list|show|file|send|events|webhook`) and of `hanbill export|import`: `--name value`,
 * `--name=value`, boolean `--flag`s, repeatable options, and positionals; anything else is a usage error (exit 2).
 */
export class UsageError extends Error {}

export interface OptionSpec {
  /** a boolean flag (takes no value) */
  flag?: boolean;
  /** may be given more than once (values kept in order) */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

export function parseArgs(args: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`알 수 없는 옵션 (unknown option) ${arg}`);
      parsed.positionals.push(arg);
      continue;
    }
    const name = m[1]!;
    const option = spec[name];
    if (!option) throw new UsageError(`알 수 없는 옵션 (unknown option) --${name}`);
    if (option.flag) {
      if (m[2] !== undefined) throw new UsageError(`--${name}에는 값이 없습니다 (--${name} takes no value)`);
      parsed.flags.add(name);
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      value = args[++i];
      // `--out --include-secrets` is a forgotten value, not a file named --include-secrets (`--out=--x` says it is)
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name}에 값이 필요합니다 (--${name} needs a value)`);
    }
    const list = parsed.values.get(name) ?? [];
    if (list.length > 0 && !option.repeat) throw new UsageError(`--${name}이(가) 두 번 있습니다 (--${name} given twice)`);
    list.push(value);
    parsed.values.set(name, list);
  }
  return parsed;
}

export function valueOf(p: ParsedArgs, name: string): string | undefined {
  return p.values.get(name)?.[0];
}

/** A positive integer option (or undefined when absent). */
export function intOf(p: ParsedArgs, name: string, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  const text = valueOf(p, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name}은(는) ${min}~${max}의 정수여야 합니다 (--${name} must be an integer from ${min} to ${max})`);
  return Number(text);
}

/** Comma-separated and repeated values, flattened: `--type a,b --type c` → [a, b, c]. */
export function listOf(p: ParsedArgs, name: string): string[] {
  return (p.values.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}
