/**
 * The one polling helper of the tests: call `fn` until `ok` accepts its value, and **throw** on timeout.
 * Returning the last value instead (as an earlier helper did) made the next assertion fail with an
 * unrelated message; the error here names what was awaited and shows the last value seen, so a timeout
 * reads as what it is. An exception from `fn` or `ok` is not retried: it is a bug, not "not yet".
 *
 * Prefer an event (MailCatcher.waitFor, a promise the handler resolves) where one exists; poll only
 * state that has none, such as rows a background worker writes.
 */
export interface WaitForOptions<T = unknown> {
  /** Give up after this long (default 15 s, well inside the e2e tier's per-test timeout). */
  timeoutMs?: number;
  /** Pause between calls (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("the mail to be sent"). */
  what?: string;
  /** What of the last value the timeout message shows (default: all of it), e.g. a count by state of 500 rows. */
  show?: (value: T) => unknown;
}

/** Resolves with the first value of `fn` that `ok` accepts (narrowed when `ok` is a type guard). */
export function waitFor<T, U extends T>(fn: () => T | Promise<T>, ok: (value: T) => value is U, opts?: WaitForOptions<T>): Promise<U>;
export function waitFor<T>(fn: () => T | Promise<T>, ok: (value: T) => boolean, opts?: WaitForOptions<T>): Promise<T>;
export async function waitFor<T>(fn: () => T | Promise<T>, ok: (value: T) => boolean, opts: WaitForOptions<T> = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const intervalMs = opts.intervalMs ?? 50;
  const started = Date.now();
  let calls = 0;
  for (;;) {
    const value = await fn();
    calls += 1;
    if (ok(value)) return value;
    // checked after a call, so even a tiny timeout looks at least once
    if (Date.now() - started >= timeoutMs) {
      const shown = opts.show ? opts.show(value) : value;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'} (${calls} tries); last value: ${describe(shown)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Accepts anything but `undefined`, `null` and `false`: for `fn`s that answer "not yet" with one of those. */
export function isPresent<T>(value: T | undefined | null | false): value is T {
  return value !== undefined && value !== null && value !== false;
}

const MAX_DESCRIBED = 2000;

/** The last value for the error message: JSON when it can be, shortened; Maps and Sets as their entries. */
function describe(value: unknown): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v: unknown) => {
        if (v instanceof Map) return Object.fromEntries(v);
        if (v instanceof Set) return [...v];
        if (typeof v === 'bigint') return `${v}n`;
        return v;
      }) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_DESCRIBED ? `${text.slice(0, MAX_DESCRIBED)}… (${text.length} chars)` : text;
}
