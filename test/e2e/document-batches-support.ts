// Helpers of test/e2e/document-batches*.test.ts and bench/document-batch.bench.ts: a batch body with 1 % invalid items of
// varied faults, and the answers the bulk route gives those faults.
import { freshBizno } from '../support/test-system.ts';

/** Items of the large batch test (DOCUMENT_BATCH_TEST_ITEMS overrides; 10,000 by default, issue 14). */
export const BATCH_TEST_ITEMS = Number(process.env['DOCUMENT_BATCH_TEST_ITEMS'] ?? 10_000);

/** The answers of GET …/document-batches/{id}: the module's own view types. */
export type { DocumentBatchItemView as Item, DocumentBatchView as BatchView } from '../../src/modules/document-batches/read-document-batches.ts';

export interface PrivateDate {
  writeDate: string;
  month: number;
  day: number;
}

/** A write date no other test uses (the approval-serial row of the date is ours alone): a random day of 2001–2020. */
export function privateDate(): PrivateDate {
  const year = 2001 + Math.floor(Math.random() * 20);
  const month = 1 + Math.floor(Math.random() * 12);
  const day = 1 + Math.floor(Math.random() * 28);
  return { writeDate: `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`, month, day };
}

/**
 * A valid two-line 세금계산서 to `buyerBizno` with every contact filled, as an ERP sends it (about 1.1 KB of JSON:
 * 10,000 of them pass the default 10 MiB body limit), whose first buyer contact gets the issuance mail (issuing
 * requires one).
 */
export function invoice(date: PrivateDate, buyerBizno: string, email = 'batch-buyer@example.kr'): Record<string, unknown> {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: date.writeDate,
    supplier: { contact: { department: '재무팀', name: '이담당', tel: '02-1234-5678', email: 'tax@supplier.example.kr' } },
    buyer: {
      idType: 'business', id: buyerBizno, name: '(주)대량상사 강남지점', ceoName: '정대표', address: '서울특별시 강남구 테헤란로 123, 45층 (역삼동, 한빌타워)',
      businessType: '도소매', businessItem: '전자부품',
      contacts: [{ name: '최담당', department: '구매팀', tel: '02-555-0101', mobile: '010-1234-5678', email }, { name: '박참조', department: '회계팀', email: 'batch-cc@example.kr' }],
    },
    amounts: { supply: 150000, tax: 15000, total: 165000 },
    payments: { cash: 165000 },
    remarks: ['11월분 정기 납품 대금 (계약번호 HB-2026-0042)'],
    lines: [
      { month: date.month, day: date.day, name: '컨설팅 (월 정기)', spec: 'CS-M', quantity: '1', unitPrice: '100000', supply: 100000, tax: 10000, remark: '정기' },
      { month: date.month, day: date.day, name: '교육 (2회)', spec: 'ED-2', quantity: '2', unitPrice: '25000', supply: 50000, tax: 5000, remark: '현장' },
    ],
  };
}

/** The faults of the invalid items, one kind after another. */
export const FAULTS: { name: string; document: (date: PrivateDate) => Record<string, unknown> }[] = [
  { name: 'bad bizno checksum', document: (d) => invoice(d, '1234567890') },
  { name: 'missing buyer name', document: (d) => { const doc = invoice(d, freshBizno()); delete (doc['buyer'] as Record<string, unknown>)['name']; return doc; } },
  { name: 'amounts not adding up', document: (d) => ({ ...invoice(d, freshBizno()), amounts: { supply: 150000, tax: 15000, total: 1 } }) },
  { name: 'impossible write date', document: (d) => ({ ...invoice(d, freshBizno()), writeDate: `${d.writeDate.slice(0, 4)}1399` }) },
  { name: 'bad quantity', document: (d) => { const doc = invoice(d, freshBizno()); (doc['lines'] as Record<string, unknown>[])[0]!['quantity'] = '한 개'; return doc; } },
];

/** 1 % of the items are invalid: index 37 of every hundred, the faults in turn. */
export function faultOf(index: number): number | undefined {
  return index % 100 === 37 ? Math.floor(index / 100) % FAULTS.length : undefined;
}

export function subkeyOf(tag: string, index: number): string {
  return `ord-${tag}-${index}`;
}

/**
 * `n` items; even ones (or, with everySubkey, all) carry the caller's subkey, the others get one derived by the
 * batch. Ten buyers.
 */
export function batchBody(n: number, date: PrivateDate, tag: string, opts: { everySubkey?: boolean } = {}): { documents: Record<string, unknown>[] } {
  const buyers = Array.from({ length: 10 }, () => freshBizno());
  return {
    documents: Array.from({ length: n }, (_, i) => {
      const fault = faultOf(i);
      const document = fault !== undefined ? FAULTS[fault]!.document(date) : invoice(date, buyers[i % 10]!);
      return { issue: true, document, ...(opts.everySubkey || i % 2 === 0 ? { subkey: subkeyOf(tag, i) } : {}) };
    }),
  };
}

/** The bulk route's answers to FAULTS (its `data`, in FAULTS order): code, message and field of each. */
export function expectedFailures(data: { ok: boolean; error?: { code: string; message: string; field?: string } }[]): { code: string; message: string; field: string | null }[] {
  return data.map((d, k) => {
    if (d.ok || !d.error) throw new Error(`fault ${FAULTS[k]!.name} was accepted by the bulk route`);
    return { code: d.error.code, message: d.error.message, field: d.error.field ?? null };
  });
}
