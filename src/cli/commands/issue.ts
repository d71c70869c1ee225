/**
 * `hanbill issue <file.json|file.xlsx|->`: issue one document, or many as a document batch (up to 10,000; the
 * progress on stderr until every item is done), falling back to the bulk route (100 at a time) on a server
 * without batches. JSON: a document, a write body (`{ document, subkey?, issue? }`), an array of either, or
 * `{ documents: [...] }`. .xlsx: the 대량발행 template (src/modules/bulk-issue/xlsx-rows.ts reads it; each row's
 * 행키 becomes its subkey, so issuing the same sheet again issues nothing twice); rows the sheet itself gets wrong
 * are listed and nothing is sent. Exit 1 when any document was refused.
 */
import fs from 'node:fs';
import { HanbillError, type BulkWrite, type DocumentBatchItem, type HanbillClient } from '../../../clients/typescript/src/index.ts';
import { documentOfRow, readSheetRows } from '../../modules/bulk-issue/xlsx-rows.ts';
import { columnOfField } from '../../modules/bulk-issue/xlsx-columns.ts';
import { AppError } from '../../platform/errors.ts';
import { parseArgs, UsageError, valueOf } from '../api/cli-args.ts';
import { clientOf, loadCliSettings } from '../api/cli-config.ts';
import { EXIT_FAILED, EXIT_OK, json, progressBar, reportFailure, table, won, write, type CliIo } from '../api/cli-output.ts';

export const ISSUE_USAGE = 'usage: hanbill issue <file.json|file.xlsx|-> [--draft] [--no-wait] [--json] [--config FILE]';

type WriteItem = BulkWrite['documents'][number];

interface ItemResult {
  index: number;
  subkey: string | null;
  state: 'issued' | 'saved' | 'failed' | 'pending';
  dockey: string | null;
  issueId: string | null;
  error: { code: string; message: string; field: string | null } | null;
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks);
}

function writeItemOf(value: unknown, draft: boolean, where: string): WriteItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${where}: 문서는 JSON 객체여야 합니다 (a document must be a JSON object)`);
  const o = value as Record<string, unknown>;
  if ('document' in o) return { issue: !draft, ...o } as WriteItem;
  return { issue: !draft, document: o } as WriteItem;
}

/** The write bodies of a JSON input. */
function itemsOfJson(text: string, draft: boolean): WriteItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`JSON을 읽을 수 없습니다 (not valid JSON): ${(err as Error).message}`);
  }
  if (Array.isArray(value)) return value.map((v, i) => writeItemOf(v, draft, `[${i}]`));
  if (typeof value === 'object' && value !== null && Array.isArray((value as { documents?: unknown }).documents)) {
    return ((value as { documents: unknown[] }).documents).map((v, i) => writeItemOf(v, draft, `documents[${i}]`));
  }
  return [writeItemOf(value, draft, 'document')];
}

interface Input {
  items: WriteItem[];
  xlsx: boolean;
}

async function readInput(file: string, io: CliIo, draft: boolean): Promise<Input | { rowErrors: string }> {
  const bytes = file === '-' ? await readStdin(io.stdin) : readFileArg(file);
  if (/\.xlsx$/i.test(file)) {
    const rows = (await readSheetRows(bytes)).map(documentOfRow);
    const bad = rows.filter((r) => r.errors.length > 0);
    if (bad.length > 0) {
      const lines = bad.flatMap((r) => r.errors.map((e) => ({ row: r.rowNo, column: e.column, message: e.message })));
      return { rowErrors: table(lines, [{ header: '행 (row)', value: (l) => String(l.row), right: true }, { header: '열 (column)', value: (l) => l.column }, { header: '오류 (error)', value: (l) => l.message }]) };
    }
    if (rows.length === 0) throw new UsageError('시트에 발행할 행이 없습니다 (the sheet has no rows to issue)');
    return { items: rows.map((r) => ({ issue: !draft, subkey: r.rowKey, document: r.input }) as WriteItem), xlsx: true };
  }
  return { items: itemsOfJson(bytes.toString('utf8'), draft), xlsx: false };
}

function readFileArg(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`파일을 읽을 수 없습니다 (cannot read the file) ${file}: ${(err as Error).message}`);
  }
}

function fromBatchItem(i: DocumentBatchItem): ItemResult {
  return { index: i.index, subkey: i.subkey, state: i.state, dockey: i.dockey, issueId: i.issueId, error: i.error };
}

/** Many documents through a batch: stored at once, then polled with a progress bar until completed. */
async function issueAsBatch(client: HanbillClient, items: WriteItem[], io: CliIo, wait: boolean): Promise<{ batchId: string | null; results: ItemResult[] }> {
  const batch = await client.documentBatches.create(items);
  if (!wait) return { batchId: String(batch.id), results: [] };
  const bar = progressBar(io, '발행 (issuing)');
  const done = await client.documentBatches.waitForCompletion(batch.id, {
    pollIntervalMs: 500,
    onProgress: (b) => void bar.update(b.issued + b.failed, b.total, `발행 ${won(b.issued)} · 오류 ${won(b.failed)} (issued · failed)`),
  });
  await bar.update(done.issued + done.failed, done.total, `발행 ${won(done.issued)} · 오류 ${won(done.failed)} (issued · failed)`);
  await bar.end();
  const results: ItemResult[] = [];
  for await (const item of client.documentBatches.iterateItems(batch.id, { limit: 1000 })) results.push(fromBatchItem(item));
  return { batchId: String(batch.id), results };
}

/** Many documents through the bulk route, 100 per request (a server without document batches). */
async function issueInBulk(client: HanbillClient, items: WriteItem[], io: CliIo): Promise<ItemResult[]> {
  const bar = progressBar(io, '발행 (issuing)');
  const results: ItemResult[] = [];
  for (let start = 0; start < items.length; start += 100) {
    const chunk = items.slice(start, start + 100);
    const answer = await client.documents.bulk({ documents: chunk });
    for (const r of answer.data) {
      const subkey = chunk[r.index]?.subkey ?? null;
      results.push(
        r.ok && r.document
          ? { index: start + r.index, subkey, state: r.document.procState === 'T' ? 'saved' : 'issued', dockey: r.document.dockey, issueId: r.document.issueId ?? null, error: null }
          : { index: start + r.index, subkey, state: 'failed', dockey: null, issueId: null, error: r.error ? { code: r.error.code, message: r.error.message, field: r.error.field ?? null } : null },
      );
    }
    const failed = results.filter((r) => r.state === 'failed').length;
    await bar.update(results.length, items.length, `발행 ${won(results.length - failed)} · 오류 ${won(failed)} (issued · failed)`);
  }
  await bar.end();
  return results;
}

export async function runIssue(args: string[], io: CliIo): Promise<number> {
  let asJson = false;
  try {
    const p = parseArgs(args, { json: { flag: true }, draft: { flag: true }, 'no-wait': { flag: true }, config: {} });
    asJson = p.flags.has('json');
    if (p.positionals.length !== 1) throw new UsageError('파일 하나를 주세요 (give one file)');
    const client = clientOf(loadCliSettings(io.env, valueOf(p, 'config')));
    let input: Awaited<ReturnType<typeof readInput>>;
    try {
      input = await readInput(p.positionals[0]!, io, p.flags.has('draft'));
    } catch (err) {
      if (err instanceof AppError) throw new UsageError(err.message);
      throw err;
    }
    if ('rowErrors' in input) {
      await write(io.stderr, `hanbill: 시트에 오류가 있어 아무것도 보내지 않았습니다 (the sheet has errors; nothing was sent)\n${input.rowErrors}`);
      return EXIT_FAILED;
    }

    if (input.items.length === 1 && !input.xlsx) {
      const doc = await client.documents.create(input.items[0]!);
      await write(io.stdout, asJson ? json(doc) : table([doc], [
        { header: '문서키 (dockey)', value: (d) => d.dockey },
        { header: '승인번호 (approval no.)', value: (d) => d.issueId ?? '' },
        { header: '상태 (state)', value: (d) => (d.procState === 'T' ? '임시저장 (draft)' : '발행 (issued)') },
        { header: '합계 (total)', value: (d) => won(d.amounts.total), right: true },
      ]));
      return EXIT_OK;
    }

    let batchId: string | null = null;
    let results: ItemResult[];
    try {
      ({ batchId, results } = await issueAsBatch(client, input.items, io, !p.flags.has('no-wait')));
    } catch (err) {
      if (!(err instanceof HanbillError && err.code === 'route_not_found')) throw err;
      results = await issueInBulk(client, input.items, io);
    }
    if (p.flags.has('no-wait') && batchId !== null && results.length === 0) {
      await write(io.stdout, asJson ? json({ batchId }) : `대량 발행 접수 (batch accepted): ${batchId}\n`);
      return EXIT_OK;
    }
    const failed = results.filter((r) => r.state === 'failed').length;
    const fieldName = (f: string | null) => (f && input.xlsx ? `${f} (${columnOfField(f) ?? f})` : (f ?? ''));
    if (asJson) {
      await write(io.stdout, json({ batchId, total: results.length, issued: results.length - failed, failed, items: results }));
    } else {
      await write(io.stdout, table(results, [
        { header: '번호 (#)', value: (r) => String(r.index + 1), right: true },
        { header: '부가키 (subkey)', value: (r) => r.subkey ?? '' },
        { header: '문서키 (dockey)', value: (r) => r.dockey ?? '' },
        { header: '승인번호 (approval no.)', value: (r) => r.issueId ?? '' },
        { header: '결과 (result)', value: (r) => (r.error ? `${r.error.code} ${fieldName(r.error.field)}: ${r.error.message}` : r.state === 'saved' ? '임시저장 (draft)' : '발행 (issued)') },
      ]));
      await write(io.stdout, `${batchId ? `batch ${batchId}: ` : ''}발행 ${won(results.length - failed)}건, 오류 ${won(failed)}건 (issued, failed)\n`);
    }
    return failed > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (err) {
    return reportFailure(err, io, ISSUE_USAGE, asJson);
  }
}
