/**
 * The 대량발행 template as an .xlsx (exceljs): headers (Korean) in row 1, an English note per column in row 2
 * (grey, italic), and a `설명` (notes) sheet with an example; data rows start at row 3. Layout:
 * `xlsx-columns.ts`.
 */
import { kstDate } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import { FIRST_DATA_ROW, LINES_PER_ROW, MAX_BULK_ROWS, TEMPLATE_COLUMNS, TEMPLATE_SHEET } from './xlsx-columns.ts';

export const TEMPLATE_FILE_NAME = 'hanbill-bulk-issue-template.xlsx';

export async function buildBulkTemplate(ctx: Ctx): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Hanbill';
  wb.created = ctx.clock.now();
  const sheet = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((c) => ({ key: c.key, width: c.width }));
  sheet.addRow(TEMPLATE_COLUMNS.map((c) => c.header)).font = { bold: true };
  const note = sheet.addRow(TEMPLATE_COLUMNS.map((c) => c.note));
  note.font = { italic: true, color: { argb: 'FF777777' }, size: 8 };
  note.alignment = { wrapText: true, vertical: 'top' };
  // text cells for numbers that must keep their leading zeros / digits
  for (const key of ['rowKey', 'writeDate', 'buyerId', 'buyerSubBizno']) sheet.getColumn(key).numFmt = '@';

  const help = wb.addWorksheet('설명');
  help.columns = [{ width: 110 }];
  for (const line of [
    '대량발행 양식 (Hanbill bulk issue template)',
    `- '${TEMPLATE_SHEET}' 시트의 ${FIRST_DATA_ROW}행부터 한 행에 문서 하나를 적습니다. 1행 제목과 2행 설명은 지우지 마세요. (one document per row from row ${FIRST_DATA_ROW}; keep rows 1–2)`,
    `- 한 행에 품목 ${LINES_PER_ROW}개까지 (up to ${LINES_PER_ROW} lines per row); 한 번에 ${MAX_BULK_ROWS}행까지 (up to ${MAX_BULK_ROWS} rows per upload).`,
    '- 행키: 같은 행키의 문서는 한 번만 발행됩니다. 비우면 행의 내용으로 만든 값을 씁니다. (row key: a document is issued once per row key; blank = a hash of the row)',
    '- 세액을 비우면 공급가액의 10%(원 미만 절사)로 계산합니다. 계산서와 영세율은 0입니다. (blank VAT = 10 % of supply, truncated; 0 for 계산서 / 영세율)',
    '- 공급자는 회원정보로 채워집니다. (the supplier is the member)',
  ]) help.addRow([line]);
  help.addRow([]);
  help.addRow(['예시 (example row):']);
  const example: Record<string, string | number> = {
    rowKey: 'INV-0001',
    writeDate: kstDate(ctx.clock.now()),
    kind: '세금계산서',
    taxType: '일반',
    purpose: '청구',
    buyerId: '2208162517',
    buyerName: '예시상사',
    buyerCeoName: '홍길동',
    buyerEmail: 'buyer@example.com',
    'line1.name': '컨설팅',
    'line1.quantity': 1,
    'line1.unitPrice': 100000,
    'line1.supply': 100000,
    'line1.tax': 10000,
  };
  help.addRow([TEMPLATE_COLUMNS.filter((c) => example[c.key] !== undefined).map((c) => `${c.header}=${example[c.key]}`).join(', ')]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
