/**
 * What the API commands print: tables for people (Korean headers with English, columns aligned by display width —
 * Hangul takes two cells), JSON for scripts, errors with their code and field, and a progress bar on stderr.
 */
import { HanbillError } from '../../../clients/typescript/src/index.ts';
import { UsageError } from './cli-args.ts';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** Terminal cells of a character: 2 for Hangul and other wide East Asian characters. */
function cells(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (c < 0x1100) return 1;
  if (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x1f300) return 2;
  return 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += cells(ch);
  return w;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** right-aligned (amounts) */
  right?: boolean;
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const texts = rows.map((r) => columns.map((c) => c.value(r).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...texts.map((t) => displayWidth(t[i]!))));
  const line = (cellsOf: string[]) => cellsOf.map((t, i) => pad(t, widths[i]!, columns[i]!.right === true)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...texts.map(line)].join('\n') + '\n';
}

/** key: value lines, keys padded. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([k]) => displayWidth(k)));
  return pairs.map(([k, v]) => `${pad(k, width, false)}  ${v}`).join('\n') + '\n';
}

export const won = (n: number | null | undefined) => (typeof n === 'number' ? n.toLocaleString('ko-KR') : '');

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** An API error as one line: its code, field and request id, then the server's message (Korean with English). */
export function describeError(err: HanbillError): string {
  const where = [err.status ? `HTTP ${err.status}` : undefined, err.code, err.field ? `field ${err.field}` : undefined, err.requestId ? `requestId ${err.requestId}` : undefined].filter(Boolean).join(', ');
  return `오류 (error) [${where}]: ${err.message}`;
}

/** The exit code of a failed command, its message on stderr (with the usage for a usage error). */
export async function reportFailure(err: unknown, io: CliIo, usage: string, asJson = false): Promise<number> {
  if (err instanceof UsageError || (err instanceof HanbillError && err.code === 'client_usage')) {
    await write(io.stderr, `hanbill: ${err.message}\n${usage}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof HanbillError) {
    if (asJson) await write(io.stdout, json({ error: { status: err.status, code: err.code, field: err.field ?? null, message: err.message, requestId: err.requestId ?? null } }));
    await write(io.stderr, `hanbill: ${describeError(err)}\n`);
    return EXIT_FAILED;
  }
  throw err;
}

/** A progress bar on stderr: redrawn in place on a terminal, one line per change otherwise. */
export function progressBar(io: CliIo, label: string) {
  let last = '';
  return {
    async update(done: number, total: number, detail: string) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
      const text = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${won(done)}/${won(total)} ${detail}`;
      if (text === last) return;
      last = text;
      await write(io.stderr, io.stderr.isTTY ? `\r${text}` : `${text}\n`);
    },
    async end() {
      if (io.stderr.isTTY && last) await write(io.stderr, '\n');
    },
  };
}
