/**
 * 엑셀 다운로드 of the send history: the batches a query (or a selection of ids) matches as a real .xlsx, written
 * with exceljs' streaming WorkbookWriter — rows are read from the database in pages and committed to the zip as
 * they come, so memory stays bounded however long the sheet. Korean headers, KST times, sheets named in Korean;
 * with `detail: 'recipients'` a second sheet lists every recipient of those batches with its attempts.
 *
 * The query is checked before the first byte (bad input throws an AppError naming its field); a failure while
 * writing destroys the stream (the download breaks, nothing is claimed complete).
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Ctx } from '../../../platform/context.ts';
import { kstDate, kstDateTime } from '../../../platform/clock.ts';
import { resolveHistoryQuery, type HistoryQuery, type HistoryQueryInput } from './history-query.ts';
import { historyRowOf, historyRows, historyWhere, stateName, typeName, type HistoryRow } from './history-rows.ts';
import { readRecipients, type RecipientView } from '../sending/list-message-recipients.ts';

export const HISTORY_SHEET = '발송내역';
export const RECIPIENT_SHEET = '수신자';
export const HISTORY_HEADERS = ['번호', '유형', '템플릿 제목', '발신번호 / 채널ID', '발송 건수', '성공', '실패', '대기', '취소', '상태', '접수 일시', '최근 발송 일시'] as const;
export const RECIPIENT_HEADERS = ['발송내역 번호', '순번', '수신번호', 'clientRef', '유형', '상태', '결과 코드', '결과 메시지', '발송 일시', '완료 일시', '시도 (대체발송 포함)'] as const;

const PAGE = 500;
const RECIPIENT_PAGE = 1000;

export interface ExportMessageHistoryOptions {
  detail?: 'recipients' | undefined;
}

export interface HistoryExport {
  fileName: string;
  query: HistoryQuery;
  stream: Readable;
}

/** Wait while the consumer (the HTTP response) has not taken what was written: memory stays bounded. */
const drained = (out: PassThrough) => (out.writableNeedDrain ? new Promise<void>((resolve) => out.once('drain', resolve)) : Promise.resolve());

const time = (d: Date | null) => (d ? kstDateTime(d) : '');

export function historyCells(r: HistoryRow): (string | number)[] {
  return [r.id, typeName(r), r.title, r.sender, r.total, r.success, r.failure, r.pending, r.cancelled, stateName(r.state), time(r.acceptedAt), time(r.lastSentAt)];
}

const RECIPIENT_STATE: Record<RecipientView['state'], string> = { reserved: '예약', queued: '대기', sending: '발송중', delivered: '성공', failed: '실패', cancelled: '취소' };

export function attemptsText(r: RecipientView): string {
  return r.attempts.map((a) => `#${a.attemptNo} ${a.kind}${a.isFallback ? ' (대체발송)' : ''} ${a.state}${a.resultCode ? ` ${a.resultCode}` : ''}`).join('; ');
}

export function recipientCells(batchId: number, r: RecipientView): (string | number)[] {
  return [batchId, r.index + 1, r.to, r.clientRef ?? '', r.kind, RECIPIENT_STATE[r.state], r.resultCode ?? '', r.resultMessage ?? '', time(r.sentAt), time(r.doneAt), attemptsText(r)];
}

/** The matching batches in pages (keyset on accepted_at, id: stable under concurrent inserts). */
async function* batchesOf(ctx: Ctx, partnerId: number, query: HistoryQuery, out: PassThrough): AsyncGenerator<HistoryRow> {
  const where = historyWhere(partnerId, query);
  let last: HistoryRow | undefined;
  for (;;) {
    const after = last;
    let q = historyRows(ctx.db, where).limit(PAGE);
    if (after) {
      q = q.where((eb) => eb.or([eb('message_batches.accepted_at', '<', after.acceptedAt), eb.and([eb('message_batches.accepted_at', '=', after.acceptedAt), eb('message_batches.id', '<', after.id)])]));
    }
    const rows = (await q.execute()).map(historyRowOf);
    yield* rows;
    await drained(out);
    if (rows.length < PAGE) return;
    last = rows[rows.length - 1];
  }
}

async function writeWorkbook(ctx: Ctx, partnerId: number, query: HistoryQuery, opts: ExportMessageHistoryOptions, out: PassThrough): Promise<void> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Hanbill';
  wb.created = ctx.clock.now();
  const sheet = wb.addWorksheet(HISTORY_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = HISTORY_HEADERS.map((h, i) => ({ header: h, key: `c${i}`, width: [10, 14, 40, 18, 10, 8, 8, 8, 8, 10, 20, 20][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const withRecipients: Pick<HistoryRow, 'id' | 'acceptedAt'>[] = [];
  for await (const r of batchesOf(ctx, partnerId, query, out)) {
    sheet.addRow(historyCells(r)).commit();
    if (opts.detail === 'recipients') withRecipients.push({ id: r.id, acceptedAt: r.acceptedAt });
  }
  sheet.commit();
  if (opts.detail === 'recipients') {
    const rs = wb.addWorksheet(RECIPIENT_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
    rs.columns = RECIPIENT_HEADERS.map((h, i) => ({ header: h, key: `c${i}`, width: [12, 8, 14, 16, 10, 8, 10, 24, 20, 20, 48][i] }));
    rs.getRow(1).font = { bold: true };
    rs.getRow(1).commit();
    for (const b of withRecipients) {
      let afterSeq = -1;
      for (;;) {
        const page = await readRecipients(ctx.db, b, { afterSeq, limit: RECIPIENT_PAGE });
        for (const r of page) rs.addRow(recipientCells(b.id, r)).commit();
        await drained(out);
        if (page.length < RECIPIENT_PAGE) break;
        afterSeq = page[page.length - 1]!.index;
      }
    }
    rs.commit();
  }
  await wb.commit();
}

/** Check the query, then stream the workbook (the returned stream carries the .xlsx bytes). */
export function exportMessageHistory(ctx: Ctx, partnerId: number, input: HistoryQueryInput, opts: ExportMessageHistoryOptions = {}): HistoryExport {
  const query = resolveHistoryQuery(input, ctx.clock.now());
  const out = new PassThrough();
  writeWorkbook(ctx, partnerId, query, opts, out).catch((err: unknown) => {
    ctx.log.error({ err, partnerId }, 'message history xlsx failed while streaming');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  const fileName = `발송내역_${kstDate(query.from)}-${kstDate(new Date(query.to.getTime() - 1))}.xlsx`;
  return { fileName, query, stream: out };
}
