/**
 * `hanbill list` and `hanbill show <dockey>`: the subscription's documents as a table (newest first; `--all`
 * pages through every one), and one document in full.
 */
import type { DocumentSummary, DocumentView } from '../../../clients/typescript/src/index.ts';
import { intOf, parseArgs, UsageError, valueOf } from '../api/cli-args.ts';
import { clientOf, loadCliSettings } from '../api/cli-config.ts';
import { EXIT_OK, json, keyValues, reportFailure, table, won, write, type CliIo } from '../api/cli-output.ts';

export const LIST_USAGE = 'usage: hanbill list [--state T|S|A|R] [--nts 0..4] [--from YYYYMMDD] [--to YYYYMMDD] [--ledger sales|purchase] [--limit N | --all] [--json] [--config FILE]';
export const SHOW_USAGE = 'usage: hanbill show <dockey> [--json] [--config FILE]';

const PROC: Record<string, string> = { T: '임시저장 (draft)', S: '발행 (issued)', A: '승인 (approved)', R: '거부 (rejected)', C: '취소 (cancelled)' };
const NTS: Record<string, string> = { '0': '미전송 (not filed)', '1': '대기 (queued)', '2': '전송 (sent)', '3': '성공 (succeeded)', '4': '실패 (failed)' };
const procName = (s: string) => PROC[s] ?? s;
const ntsName = (s: string) => NTS[s] ?? s;

export async function runList(args: string[], io: CliIo): Promise<number> {
  let asJson = false;
  try {
    const p = parseArgs(args, { json: { flag: true }, all: { flag: true }, state: {}, nts: {}, from: {}, to: {}, ledger: {}, limit: {}, config: {} });
    asJson = p.flags.has('json');
    if (p.positionals.length) throw new UsageError(`알 수 없는 인자 (unexpected argument) ${p.positionals[0]}`);
    const ledger = valueOf(p, 'ledger');
    if (ledger !== undefined && ledger !== 'sales' && ledger !== 'purchase') throw new UsageError('--ledger는 sales 또는 purchase (--ledger is sales or purchase)');
    const limit = intOf(p, 'limit', { max: 200 });
    if (limit !== undefined && p.flags.has('all')) throw new UsageError('--limit와 --all은 함께 쓸 수 없습니다 (--limit and --all exclude each other)');
    const query = {
      ...(ledger ? { ledger: ledger as 'sales' | 'purchase' } : {}),
      ...(valueOf(p, 'state') ? { procState: valueOf(p, 'state')! } : {}),
      ...(valueOf(p, 'nts') ? { ntsState: valueOf(p, 'nts')! } : {}),
      ...(valueOf(p, 'from') ? { from: valueOf(p, 'from')!, dateType: 'W' as const } : {}),
      ...(valueOf(p, 'to') ? { to: valueOf(p, 'to')!, dateType: 'W' as const } : {}),
    };
    const client = clientOf(loadCliSettings(io.env, valueOf(p, 'config')));
    let docs: DocumentSummary[];
    let hasMore = false;
    if (p.flags.has('all')) {
      docs = [];
      for await (const d of client.documents.iterate({ ...query, limit: 200 })) docs.push(d);
    } else {
      const page = await client.documents.list({ ...query, limit: limit ?? 20 });
      docs = page.data;
      hasMore = page.hasMore;
    }
    if (asJson) {
      await write(io.stdout, json({ data: docs, hasMore }));
      return EXIT_OK;
    }
    await write(io.stdout, table(docs, [
      { header: '문서키 (dockey)', value: (d) => d.dockey },
      { header: '작성일자 (date)', value: (d) => d.writeDate },
      { header: '공급받는자 (buyer)', value: (d) => d.buyer.name },
      { header: '합계 (total)', value: (d) => won(d.amounts.total), right: true },
      { header: '상태 (state)', value: (d) => procName(d.procState) },
      { header: '국세청 (NTS)', value: (d) => ntsName(d.ntsState) },
      { header: '승인번호 (approval no.)', value: (d) => d.issueId ?? '' },
    ]));
    if (hasMore) await write(io.stdout, '… 더 있습니다: --all 또는 --limit (more: use --all or --limit)\n');
    return EXIT_OK;
  } catch (err) {
    return reportFailure(err, io, LIST_USAGE, asJson);
  }
}

export async function runShow(args: string[], io: CliIo): Promise<number> {
  let asJson = false;
  try {
    const p = parseArgs(args, { json: { flag: true }, config: {} });
    asJson = p.flags.has('json');
    if (p.positionals.length !== 1) throw new UsageError('문서키 하나를 주세요 (give one dockey)');
    const client = clientOf(loadCliSettings(io.env, valueOf(p, 'config')));
    const d: DocumentView = await client.documents.get(p.positionals[0]!);
    if (asJson) {
      await write(io.stdout, json(d));
      return EXIT_OK;
    }
    await write(io.stdout, keyValues([
      ['문서키 (dockey)', d.dockey],
      ['부가키 (subkey)', d.subkey ?? ''],
      ['종류 (kind)', `${d.kind} (${d.typeCode})`],
      ['작성일자 (date)', d.writeDate],
      ['공급자 (supplier)', `${d.supplier.name} ${d.supplier.bizno}`],
      ['공급받는자 (buyer)', `${d.buyer.name} ${d.buyer.id}${d.buyer.email ? ` <${d.buyer.email}>` : ''}`],
      ['공급가액 (supply)', won(d.amounts.supply)],
      ['세액 (tax)', won(d.amounts.tax)],
      ['합계 (total)', won(d.amounts.total)],
      ['상태 (state)', procName(d.procState)],
      ['승인번호 (approval no.)', d.issueId ?? ''],
      ['발행일시 (issued at)', d.issuedAt ?? ''],
      ['국세청 (NTS)', ntsName(d.ntsState)],
      ['메일 (mail)', d.mailResult ?? ''],
      ['열람 (read)', d.readAt ?? ''],
    ]));
    return EXIT_OK;
  } catch (err) {
    return reportFailure(err, io, SHOW_USAGE, asJson);
  }
}
