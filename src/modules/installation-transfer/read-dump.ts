/**
 * Reading a dump back as a stream: the header, then per table its rows, one line at a time (gunzip → lines), so an
 * import holds one batch of rows whatever the size of the file.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { DUMP_FORMAT, DUMP_VERSION, TransferRefused, type DumpHeader, type DumpRow } from './dump-format.ts';

export interface DumpReader {
  header: DumpHeader;
  /** The tables in file order, each with an iterator of its rows; then `end` is checked. */
  tables(): AsyncGenerator<{ table: string; rows: AsyncGenerator<DumpRow> }>;
  close(): void;
}

function refuseFile(file: string, why: string): never {
  throw new TransferRefused(`${file}: hanbill 덤프 파일이 아닙니다 — ${why} (not a hanbill dump: ${why})`);
}

export async function openDump(file: string): Promise<DumpReader> {
  if (!fs.existsSync(file)) throw new TransferRefused(`${file}: 파일이 없습니다 (no such file)`);
  const input = fs.createReadStream(file);
  const lines = readline.createInterface({ input: input.pipe(zlib.createGunzip()), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async (): Promise<string | undefined> => {
    try {
      const r = await lines.next();
      return r.done ? undefined : r.value;
    } catch (err) {
      refuseFile(file, `gzip: ${(err as Error).message}`);
    }
  };
  const first = await next();
  let header: DumpHeader;
  try {
    header = JSON.parse(first ?? '') as DumpHeader;
  } catch {
    refuseFile(file, 'the first line is not JSON');
  }
  if (header.format !== DUMP_FORMAT) refuseFile(file, `format ${String(header.format)}`);
  if (header.version !== DUMP_VERSION) {
    throw new TransferRefused(`${file}: 덤프 형식 버전 ${header.version}은 읽을 수 없습니다 (dump format version ${header.version}; this hanbill reads version ${DUMP_VERSION})`);
  }
  let pending: string | undefined = await next();
  async function* rowsOf(): AsyncGenerator<DumpRow> {
    while (pending !== undefined && pending.startsWith('[')) {
      yield JSON.parse(pending) as DumpRow;
      pending = await next();
    }
  }
  async function* tables() {
    let total = 0;
    while (pending !== undefined && pending.startsWith('{"table"')) {
      const { table } = JSON.parse(pending) as { table: string };
      pending = await next();
      let n = 0;
      const counting = async function* () {
        for await (const r of rowsOf()) {
          n++;
          yield r;
        }
      };
      yield { table, rows: counting() };
      for await (const _ of rowsOf()) n++; // rows the consumer left unread still count
      total += n;
    }
    const end = pending === undefined ? undefined : (JSON.parse(pending) as { end?: boolean; rows?: number });
    if (!end?.end) refuseFile(file, 'the file ends early (no end line): it was cut off or is still being written');
    if (end.rows !== total) refuseFile(file, `the end line counts ${end.rows} rows, the file holds ${total}`);
  }
  return { header, tables, close: () => input.destroy() };
}
