/**
 * The 대량발행 Excel template's layout (docs/member-web.md "Write, certificate, 대량발행"): one sheet `문서`,
 * row 1 Korean headers, row 2 an English note per column, one document per row from row 3. A row carries up
 * to four lines (품목1 … 품목4, as on the paper form). Errors name the Excel row number and the Korean header.
 */
export const TEMPLATE_SHEET = '문서';
export const HEADER_ROW = 1;
export const NOTE_ROW = 2;
export const FIRST_DATA_ROW = 3;
/** Lines per row (the paper form's four). */
export const LINES_PER_ROW = 4;
/** Data rows read from one upload. */
export const MAX_BULK_ROWS = 1000;

export interface TemplateColumn {
  key: string;
  header: string;
  note: string;
  width: number;
}

const HEAD: TemplateColumn[] = [
  { key: 'rowKey', header: '행키', note: 'row key: unique per document, makes a re-upload safe (optional; else a hash of the row)', width: 14 },
  { key: 'writeDate', header: '작성일자', note: 'write date YYYYMMDD (or an Excel date)', width: 12 },
  { key: 'kind', header: '종류', note: '세금계산서 (tax invoice) or 계산서 (VAT-exempt invoice)', width: 12 },
  { key: 'taxType', header: '과세형태', note: '일반 (10 %) or 영세율 (0 %); blank = 일반', width: 10 },
  { key: 'purpose', header: '영수/청구', note: '영수 (receipt) or 청구 (claim)', width: 10 },
  { key: 'buyerId', header: '공급받는자 등록번호', note: "buyer's business number, 10 digits (13: resident number)", width: 18 },
  { key: 'buyerSubBizno', header: '종사업장번호', note: 'branch number, 4 digits (optional)', width: 12 },
  { key: 'buyerName', header: '상호', note: "buyer's name", width: 18 },
  { key: 'buyerCeoName', header: '대표자', note: "buyer's CEO", width: 10 },
  { key: 'buyerAddress', header: '주소', note: 'address (optional)', width: 24 },
  { key: 'buyerBusinessType', header: '업태', note: 'business type (optional)', width: 10 },
  { key: 'buyerBusinessItem', header: '종목', note: 'business item (optional)', width: 10 },
  { key: 'buyerContactName', header: '담당자', note: "buyer's contact (optional)", width: 10 },
  { key: 'buyerEmail', header: '이메일', note: "buyer's e-mail: the invoice is mailed there (required)", width: 22 },
  { key: 'paymentMean', header: '결제방법', note: '현금 / 수표 / 어음 / 외상미수금: the total in that means (optional)', width: 12 },
  { key: 'remark', header: '비고', note: 'remark (optional)', width: 20 },
];

export const LINE_FIELDS = [
  { key: 'day', header: '일', note: 'day of the write month (blank = the write date)', width: 5 },
  { key: 'name', header: '품목', note: 'item', width: 16 },
  { key: 'spec', header: '규격', note: 'spec (optional)', width: 8 },
  { key: 'quantity', header: '수량', note: 'quantity (optional)', width: 8 },
  { key: 'unitPrice', header: '단가', note: 'unit price (optional)', width: 10 },
  { key: 'supply', header: '공급가액', note: 'supply amount, integer won', width: 12 },
  { key: 'tax', header: '세액', note: 'VAT, integer won; blank = 10 % of the supply, truncated (0 for 계산서 / 영세율)', width: 10 },
] as const;

export type LineFieldKey = (typeof LINE_FIELDS)[number]['key'];

export const TEMPLATE_COLUMNS: TemplateColumn[] = [
  ...HEAD,
  ...Array.from({ length: LINES_PER_ROW }, (_, i) =>
    LINE_FIELDS.map((f) => ({ key: `line${i + 1}.${f.key}`, header: `품목${i + 1} ${f.header}`, note: i === 0 ? f.note : `line ${i + 1}: ${f.key}`, width: f.width })),
  ).flat(),
];

export function columnHeader(key: string): string {
  return TEMPLATE_COLUMNS.find((c) => c.key === key)?.header ?? key;
}

/** The template column a document field path names (validate-document.ts paths), for "3행 공급가액: …". */
export function columnOfField(field: string | undefined): string {
  if (!field) return '';
  const line = /^lines\[(\d+)\]\.(\w+)$/.exec(field);
  if (line) {
    const n = Number(line[1]) + 1;
    const key = line[2] === 'month' ? 'day' : line[2]!;
    return columnHeader(`line${n}.${key}`);
  }
  const direct: Record<string, string> = {
    writeDate: 'writeDate',
    kind: 'kind',
    taxType: 'taxType',
    purpose: 'purpose',
    'buyer.id': 'buyerId',
    'buyer.idType': 'buyerId',
    'buyer.subBizno': 'buyerSubBizno',
    'buyer.name': 'buyerName',
    'buyer.ceoName': 'buyerCeoName',
    'buyer.address': 'buyerAddress',
    'buyer.businessType': 'buyerBusinessType',
    'buyer.businessItem': 'buyerBusinessItem',
    'buyer.contacts[0].name': 'buyerContactName',
    'buyer.contacts[0].email': 'buyerEmail',
    'remarks[0]': 'remark',
    remarks: 'remark',
    lines: 'line1.name',
  };
  if (direct[field]) return columnHeader(direct[field]);
  if (field.startsWith('payments')) return columnHeader('paymentMean');
  if (field === 'amounts.supply') return '공급가액 합계';
  if (field === 'amounts.tax') return '세액 합계';
  if (field === 'amounts.total') return '합계금액';
  if (field.startsWith('supplier')) return '공급자(회원정보)';
  return field;
}
