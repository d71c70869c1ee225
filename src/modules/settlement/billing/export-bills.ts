/**
 * 결제완료/미납내역 엑셀 다운로드: the bills a query (or a selection of order numbers) matches as a real .xlsx
 * (exceljs' streaming WorkbookWriter, pages of 200), Korean headers, KST dates, and the sums (결제금액, 입금액,
 * 미납/잔액) under the rows. The query is checked before the first byte.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Ctx } from '../../../platform/context.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { billRows, billStateName, billTotals, paymentMethodName, resolveBillsQuery, type Bill, type BillsQuery, type ListBillsInput } from './list-bills.ts';

export const BILLS_SHEET = '결제완료·미납내역';
export const BILLS_HEADERS = ['주문번호', '발송기간', '공급가액', '부가세', '결제금액 (VAT 포함)', '입금액', '잔액', '청구일', '결제기간', '결제일', '결제상태', '결제수단', '세금계산서 승인번호'] as const;
const PAGE = 200;

export function billCells(b: Bill): (string | number)[] {
  return [
    b.orderNo, `${b.usageFromDate} ~ ${b.usageToDate}`, b.supplyKrw, b.vatKrw, b.totalKrw, b.paidKrw, b.remainingKrw, b.billedDate,
    `${b.billedDate} ~ ${b.dueDate}`, b.paidAt ? kstDateTime(b.paidAt) : '', billStateName(b.state), paymentMethodName(b.method), b.invoice?.ntsIssueId ?? '',
  ];
}

const drained = (out: PassThrough) => (out.writableNeedDrain ? new Promise<void>((resolve) => out.once('drain', resolve)) : Promise.resolve());

async function writeWorkbook(ctx: Ctx, query: BillsQuery, out: PassThrough): Promise<void> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Hanbill';
  wb.created = ctx.clock.now();
  const sheet = wb.addWorksheet(BILLS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = BILLS_HEADERS.map((h, i) => ({ header: h, key: `c${i}`, width: [14, 26, 12, 10, 18, 12, 12, 12, 26, 20, 10, 10, 28][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (let offset = 0; ; offset += PAGE) {
    const rows = await billRows(ctx.db, query, { limit: PAGE, offset });
    for (const b of rows) sheet.addRow(billCells(b)).commit();
    await drained(out);
    if (rows.length < PAGE) break;
  }
  const t = await billTotals(ctx.db, query);
  sheet.addRow([]).commit();
  const sums = sheet.addRow(['합계', `${t.count}건`, '', '', t.totalKrw, t.paidKrw, t.remainingKrw]);
  sums.font = { bold: true };
  sums.commit();
  sheet.commit();
  await wb.commit();
}

/** `scope.partnerId`: a partner's own download (only its bills, whatever the input says). */
export function exportBills(ctx: Ctx, input: ListBillsInput, scope: { partnerId?: number } = {}): { fileName: string; query: BillsQuery; stream: Readable } {
  const query = resolveBillsQuery(input, scope);
  const out = new PassThrough();
  writeWorkbook(ctx, query, out).catch((err: unknown) => {
    ctx.log.error({ err, partnerId: query.partnerId }, 'bills xlsx failed while streaming');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  const span = query.from || query.to ? `_${(query.from ?? '').slice(0, 7)}_${(query.to ?? '').slice(0, 7)}` : '';
  return { fileName: `결제완료_미납내역${span}.xlsx`, query, stream: out };
}
