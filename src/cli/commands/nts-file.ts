/**
 * `hanbill file <dockey…>`: file issued documents with the NTS (국세청 전송, up to 100 per request), and with
 * `--wait` follow each until its final state (3 성공 / 4 실패). Exit 1 when one could not be queued or failed.
 */
import { intOf, parseArgs, UsageError, valueOf } from '../api/cli-args.ts';
import { clientOf, loadCliSettings } from '../api/cli-config.ts';
import { EXIT_FAILED, EXIT_OK, json, reportFailure, table, write, type CliIo } from '../api/cli-output.ts';

export const FILE_USAGE = 'usage: hanbill file <dockey…> [--wait] [--timeout SECONDS] [--json] [--config FILE]';

interface Row {
  dockey: string;
  queued: boolean;
  ntsState: string | null;
  result: string;
}

export async function runFile(args: string[], io: CliIo): Promise<number> {
  let asJson = false;
  try {
    const p = parseArgs(args, { json: { flag: true }, wait: { flag: true }, timeout: {}, config: {} });
    asJson = p.flags.has('json');
    const dockeys = [...new Set(p.positionals)];
    if (dockeys.length === 0) throw new UsageError('문서키를 하나 이상 주세요 (give at least one dockey)');
    const timeoutS = intOf(p, 'timeout', { max: 3600 }) ?? 120;
    const client = clientOf(loadCliSettings(io.env, valueOf(p, 'config')));
    const rows: Row[] = [];
    for (let i = 0; i < dockeys.length; i += 100) {
      const answer = await client.nts.file(dockeys.slice(i, i + 100));
      for (const r of answer.results) {
        rows.push({ dockey: r.dockey, queued: r.queued, ntsState: r.ntsState, result: r.queued ? '전송 대기 (queued)' : `${r.error?.code ?? 'refused'}: ${r.error?.message ?? ''}` });
      }
    }
    if (p.flags.has('wait')) {
      const deadline = Date.now() + timeoutS * 1000;
      for (const row of rows.filter((r) => r.queued)) {
        for (;;) {
          const s = await client.nts.status(row.dockey);
          row.ntsState = s.ntsState;
          if (s.ntsState === '3' || s.ntsState === '4') {
            row.result = s.ntsState === '3' ? '성공 (succeeded)' : `실패 (failed) ${s.resultCode ?? ''} ${s.resultMessage ?? ''}`.trim();
            break;
          }
          if (Date.now() > deadline) {
            row.result = `시간 초과, 상태 ${s.ntsState} (timed out waiting; state ${s.ntsState})`;
            break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
    await write(io.stdout, asJson ? json({ results: rows }) : table(rows, [
      { header: '문서키 (dockey)', value: (r) => r.dockey },
      { header: '국세청 상태 (NTS state)', value: (r) => r.ntsState ?? '' },
      { header: '결과 (result)', value: (r) => r.result },
    ]));
    const bad = rows.some((r) => !r.queued || (p.flags.has('wait') && r.ntsState !== '3'));
    return bad ? EXIT_FAILED : EXIT_OK;
  } catch (err) {
    return reportFailure(err, io, FILE_USAGE, asJson);
  }
}
