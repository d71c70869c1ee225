/**
 * Reading a filled 대량발행 template: the `문서` sheet's data rows (from row 3; columns found by their Korean
 * header in row 1, so a reordered sheet still reads) → one document input per row in the REST shape, and its
 * row key. Words become codes (세금계산서 → tax_invoice, 청구 → claim …); a blank 세액 becomes 10 % of the
 * supply (truncated; 0 for 계산서 / 영세율); the header amounts are the sums of the lines. Validation is not done
 * here: the caller runs the same `prepareDocument` as the API and names the column of the failing field.
 */
import { createHash } from 'node:crypto';
import { invalidError } from '../../platform/errors.ts';
import { PAYMENT_MEAN_LABELS, type PaymentMean } from '../documents/model.ts';
import { FIRST_DATA_ROW, HEADER_ROW, LINE_FIELDS, LINES_PER_ROW, MAX_BULK_ROWS, TEMPLATE_COLUMNS, TEMPLATE_SHEET, type LineFieldKey } from './xlsx-columns.ts';
import type { RowError } from './tables.ts';

export interface SheetRow {
  /** The Excel row number. */
  rowNo: number;
  /** Cell text by template column key. */
  cells: Record<string, string>;
}

export interface ReadRow {
  rowNo: number;
  /** The document subkey: `xl:` + the 행키, or `xl:#` + a hash of the row. */
  rowKey: string;
  input: Record<string, unknown>;
  /** Errors found while reading (before validation). */
  errors: RowError[];
}

const MAX_ROW_KEY = 40;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Excel dates are day counts: exceljs gives UTC midnight
    const y = value.getUTCFullYear();
    const m = String(value.getUTCMonth() + 1).padStart(2, '0');
    const d = String(value.getUTCDate()).padStart(2, '0');
    return `${y}${m}${d}`;
  }
  if (typeof value === 'object') {
    const o = value as { result?: unknown; richText?: { text: string }[]; text?: unknown; hyperlink?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('').trim();
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text.trim();
    return '';
  }
  return String(value).trim();
}

/** The data rows of the workbook (an unreadable file → field_invalid naming `file`). */
export async function readSheetRows(data: Buffer): Promise<SheetRow[]> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw invalidError('file', '엑셀(.xlsx) 파일을 읽을 수 없습니다. 대량발행 양식을 내려받아 채우세요 (not a readable .xlsx file: fill in the downloaded template)');
  }
  const sheet = wb.getWorksheet(TEMPLATE_SHEET) ?? wb.worksheets[0];
  if (!sheet) throw invalidError('file', '시트가 없습니다 (the workbook has no sheet)');
  const byHeader = new Map(TEMPLATE_COLUMNS.map((c) => [c.header, c.key]));
  const keyOfColumn = new Map<number, string>();
  sheet.getRow(HEADER_ROW).eachCell((cell, col) => {
    const key = byHeader.get(cellText(cell.value));
    if (key) keyOfColumn.set(col, key);
  });
  if (!['buyerId', 'line1.supply'].every((k) => [...keyOfColumn.values()].includes(k))) {
    throw invalidError('file', `'${TEMPLATE_SHEET}' 시트 1행에 양식의 제목이 없습니다. 대량발행 양식을 쓰세요 (row 1 does not hold the template's headers)`);
  }
  const rows: SheetRow[] = [];
  for (let r = FIRST_DATA_ROW; r <= sheet.rowCount; r++) {
    const cells: Record<string, string> = {};
    const row = sheet.getRow(r);
    for (const [col, key] of keyOfColumn) {
      const text = cellText(row.getCell(col).value);
      if (text !== '') cells[key] = text;
    }
    if (Object.keys(cells).length === 0) continue;
    if (rows.length >= MAX_BULK_ROWS) {
      throw invalidError('file', `한 번에 ${MAX_BULK_ROWS}행까지 올릴 수 있습니다 (at most ${MAX_BULK_ROWS} rows per upload)`);
    }
    rows.push({ rowNo: r, cells });
  }
  if (rows.length === 0) throw invalidError('file', `${FIRST_DATA_ROW}행부터 적은 문서가 없습니다 (no document rows from row ${FIRST_DATA_ROW})`);
  return rows;
}

const KIND_WORDS: Record<string, string> = { 세금계산서: 'tax_invoice', 전자세금계산서: 'tax_invoice', 계산서: 'invoice', 전자계산서: 'invoice' };
const TAX_TYPE_WORDS: Record<string, string> = { 일반: 'regular', 과세: 'regular', 영세율: 'zero_rated', 영세: 'zero_rated' };
const PURPOSE_WORDS: Record<string, string> = { 영수: 'receipt', 청구: 'claim' };
const PAYMENT_WORDS: Record<string, PaymentMean> = Object.fromEntries(Object.entries(PAYMENT_MEAN_LABELS).map(([k, v]) => [v, k as PaymentMean]));

const word = (table: Record<string, string>, text: string | undefined) => (text === undefined ? undefined : (table[text.replace(/\s+/g, '')] ?? text));

/** A money cell: "1,000" → 1000; anything else stays text, and validation names the column. */
function money(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/[,\s원]/g, '');
  return /^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : text;
}

function rowKeyOf(row: SheetRow): { key: string; error?: RowError } {
  const given = row.cells['rowKey'];
  if (given !== undefined) {
    if ([...given].length > MAX_ROW_KEY) return { key: '', error: { column: '행키', message: `${MAX_ROW_KEY}자 이내여야 합니다 (at most ${MAX_ROW_KEY} characters)` } };
    return { key: `xl:${given}` };
  }
  const canonical = JSON.stringify(Object.entries(row.cells).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { key: `xl:#${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}` };
}

/** One sheet row → the document input the API would receive, plus its row key. */
export function documentOfRow(row: SheetRow): ReadRow {
  const c = row.cells;
  const errors: RowError[] = [];
  const { key, error } = rowKeyOf(row);
  if (error) errors.push(error);
  const kind = word(KIND_WORDS, c['kind']);
  const taxType = word(TAX_TYPE_WORDS, c['taxType']) ?? 'regular';
  const writeDate = c['writeDate']?.replace(/[-./\s]/g, '');
  const zeroTax = kind === 'invoice' || taxType === 'zero_rated';

  const lines: Record<string, unknown>[] = [];
  for (let i = 1; i <= LINES_PER_ROW; i++) {
    const get = (f: LineFieldKey) => c[`line${i}.${f}`];
    if (LINE_FIELDS.every((f) => get(f.key) === undefined)) continue;
    const supply = money(get('supply'));
    const taxText = get('tax');
    const tax = taxText === undefined ? (typeof supply === 'number' ? (zeroTax ? 0 : Math.trunc(supply / 10)) : undefined) : money(taxText);
    const day = get('day');
    const dayNo = day !== undefined && /^\d{1,2}$/.test(day) ? Number(day) : day;
    const month = writeDate && /^\d{8}$/.test(writeDate) ? Number(writeDate.slice(4, 6)) : undefined;
    lines.push({
      ...(day !== undefined ? { month, day: dayNo } : {}),
      name: get('name'),
      spec: get('spec'),
      quantity: get('quantity')?.replace(/,/g, ''),
      unitPrice: get('unitPrice')?.replace(/,/g, ''),
      supply,
      tax,
    });
  }
  const nums = (k: 'supply' | 'tax') => lines.map((l) => l[k]).filter((v): v is number => typeof v === 'number');
  const supplySum = nums('supply').reduce((a, b) => a + b, 0);
  const taxSum = nums('tax').reduce((a, b) => a + b, 0);
  const mean = c['paymentMean'] === undefined ? undefined : PAYMENT_WORDS[c['paymentMean'].replace(/\s+/g, '')];
  if (c['paymentMean'] !== undefined && !mean) errors.push({ column: '결제방법', message: '현금, 수표, 어음, 외상미수금 중 하나여야 합니다 (one of 현금, 수표, 어음, 외상미수금)' });
  const buyerId = c['buyerId']?.replace(/[-\s]/g, '');
  const contact = { name: c['buyerContactName'], email: c['buyerEmail'] };
  const input: Record<string, unknown> = {
    kind,
    taxType,
    purpose: word(PURPOSE_WORDS, c['purpose']),
    writeDate,
    buyer: {
      idType: buyerId && /^\d{13}$/.test(buyerId) ? (buyerId === '9999999999999' ? 'foreigner' : 'resident') : 'business',
      id: buyerId,
      subBizno: c['buyerSubBizno'],
      name: c['buyerName'],
      ceoName: c['buyerCeoName'],
      address: c['buyerAddress'],
      businessType: c['buyerBusinessType'],
      businessItem: c['buyerBusinessItem'],
      ...(contact.name || contact.email ? { contacts: [contact] } : {}),
    },
    amounts: { supply: supplySum, tax: taxSum, total: supplySum + taxSum },
    ...(mean ? { payments: { [mean]: supplySum + taxSum } } : {}),
    ...(c['remark'] ? { remarks: [c['remark']] } : {}),
    lines,
  };
  return { rowNo: row.rowNo, rowKey: key, input: JSON.parse(JSON.stringify(input)) as Record<string, unknown>, errors };
}
