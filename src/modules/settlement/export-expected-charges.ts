/**
 * 결제예정내역 엑셀 다운로드: the rows a query (or a selection of ids) matches as a real .xlsx, streamed with exceljs'
 * WorkbookWriter in keyset pages (memory stays bounded), Korean headers, KST times, and the period's totals
 * (공급가액, 부가세, 합계) under the rows. The query is checked before the first byte.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Ctx } from '../../platform/context.ts';
import { kstDateTime } from '../../platform/clock.ts';
import { chargeTypeName, expectedChargeRows, expectedChargeTotals, resolveExpectedChargesQuery, type ExpectedChargeRow, type ExpectedChargesInput, type ExpectedChargesQuery } from './expected-charges.ts';

export const EXPECTED_SHEET = '결제예정내역';
export const EXPECTED_HEADERS = ['번호', '유형', '템플릿 제목', '발신번호 / 채널ID', '수신번호', '문서 번호', '거래처', '발송일시', '수량', '단가', '이용금액 (VAT 별도)'] as const;
const PAGE = 500;

export function expectedChargeCells(r: ExpectedChargeRow): (string | number)[] {
  return [r.id, chargeTypeName(r.type), r.title, r.sender, r.recipient, r.documentNo, r.counterparty, kstDateTime(r.sentAt), r.quantity, r.unitPriceKrw, r.amountKrw];
}

const drained = (out: PassThrough) => (out.writableNeedDrain ? new Promise<void>((resolve) => out.once('drain', resolve)) : Promise.resolve());

async function writeWorkbook(ctx: Ctx, partnerId: number, query: ExpectedChargesQuery, out: PassThrough): Promise<void> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Hanbill';
  wb.created = ctx.clock.now();
  const sheet = wb.addWorksheet(EXPECTED_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPECTED_HEADERS.map((h, i) => ({ header: h, key: `c${i}`, width: [10, 14, 36, 18, 14, 28, 24, 20, 8, 10, 16][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let after: { occurredAt: Date; id: number } | undefined;
  for (;;) {
    const rows = await expectedChargeRows(ctx.db, partnerId, query, { limit: PAGE, ...(after ? { after } : {}) });
    for (const r of rows) sheet.addRow(expectedChargeCells(r)).commit();
    await drained(out);
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { occurredAt: last.occurredAt, id: last.id };
  }
  const t = await expectedChargeTotals(ctx.db, partnerId, query);
  sheet.addRow([]).commit();
  for (const [label, value] of [['공급가액', t.supplyKrw], ['부가세 (10%, 원 미만 절사)', t.vatKrw], ['합계', t.totalKrw]] as const) {
    const row = sheet.addRow(['', label, '', '', '', '', '', '', '', '', value]);
    row.font = { bold: true };
    row.commit();
  }
  sheet.commit();
  await wb.commit();
}

export function exportExpectedCharges(ctx: Ctx, partnerId: number, input: ExpectedChargesInput): { fileName: string; query: ExpectedChargesQuery; stream: Readable } {
  const query = resolveExpectedChargesQuery(input, ctx.clock.now());
  const out = new PassThrough();
  writeWorkbook(ctx, partnerId, query, out).catch((err: unknown) => {
    ctx.log.error({ err, partnerId }, 'expected charges xlsx failed while streaming');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return { fileName: `결제예정내역_${query.fromDate}_${query.toDate}.xlsx`, query, stream: out };
}
