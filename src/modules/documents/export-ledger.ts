/**
 * 문서함 엑셀 다운로드: the selection of a ledger search (search-ledger.ts: the same filters and order as the screen)
 * as a real .xlsx, streamed (exceljs' WorkbookWriter, keyset pages of 500, so 100,000 rows never sit in memory),
 * Korean headers, the states in words, and the selection's totals under the rows. The query is checked by
 * readLedgerQuery before the first byte.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Ctx } from '../../platform/context.ts';
import { kstDateTime } from '../../platform/clock.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import type { DocumentRow } from './document-views.ts';
import { ledgerTotals, NTS_STATE_NAMES, PROC_STATE_NAMES, searchLedgerPage, type LedgerQuery } from './search-ledger.ts';

export const LEDGER_HEADERS = ['작성일자', '승인번호', '발행일시', '공급자 사업자번호', '공급자 상호', '공급받는자 등록번호', '공급받는자 상호', '품목', '공급가액', '세액', '합계금액', '처리상태', '국세청 전송', '문서키'] as const;
const PAGE = 500;

export function ledgerCells(r: DocumentRow): (string | number)[] {
  return [
    String(r.write_date),
    r.nts_issue_id ?? '',
    r.issued_at ? kstDateTime(r.issued_at) : '',
    r.sup_bizno,
    r.sup_name,
    r.buy_id,
    r.buy_name,
    r.item_summary,
    Number(r.supply_amt),
    Number(r.tax_amt),
    Number(r.total_amt),
    PROC_STATE_NAMES[r.proc_state]?.[0] ?? r.proc_state,
    NTS_STATE_NAMES[r.nts_state]?.[0] ?? r.nts_state,
    r.dockey,
  ];
}

const drained = (out: PassThrough) => (out.writableNeedDrain ? new Promise<void>((resolve) => out.once('drain', resolve)) : Promise.resolve());

async function writeWorkbook(ctx: Ctx, tenant: Tenant, q: LedgerQuery, out: PassThrough): Promise<void> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Hanbill';
  wb.created = ctx.clock.now();
  const sheet = wb.addWorksheet(q.filter.ledger === 'sales' ? '매출 문서함' : '매입 문서함', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = LEDGER_HEADERS.map((h, i) => ({ header: h, key: `c${i}`, width: [12, 28, 20, 14, 24, 16, 24, 30, 14, 12, 14, 16, 12, 24][i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let cursor: string | undefined;
  for (;;) {
    const { after: _a, before: _b, ...rest } = q;
    const page = await searchLedgerPage(ctx, tenant, { ...rest, size: PAGE, ...(cursor ? { after: cursor } : {}) });
    for (const r of page.rows) sheet.addRow(ledgerCells(r)).commit();
    await drained(out);
    if (!page.next) break;
    cursor = page.next;
  }
  const t = await ledgerTotals(ctx, tenant, q);
  sheet.addRow([]).commit();
  const sums = sheet.addRow(['합계', `${t.count}건`, '', '', '', '', '', '', t.supply, t.tax, t.total]);
  sums.font = { bold: true };
  sums.commit();
  sheet.commit();
  await wb.commit();
}

export function exportLedger(ctx: Ctx, tenant: Tenant, q: LedgerQuery): { fileName: string; stream: Readable } {
  const out = new PassThrough();
  writeWorkbook(ctx, tenant, q, out).catch((err: unknown) => {
    ctx.log.error({ err, subscriptionId: tenant.subscriptionId }, 'ledger xlsx failed while streaming');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  const span = q.filter.from || q.filter.to ? `_${q.filter.from ?? ''}_${q.filter.to ?? ''}` : '';
  return { fileName: `${q.filter.ledger === 'sales' ? '매출' : '매입'}문서함${span}.xlsx`, stream: out };
}
