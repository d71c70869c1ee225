/**
 * Documents for the render tests and previews: the shared samples with rare-syllable names (똠방각하,
 * 뷁, 햏 are absent from subset fonts such as KS X 1001 / 2,350-syllable builds), more lines and an
 * attached 거래명세서. Valid documents (amounts add up).
 */
import type { DocumentInput, DocumentLine, StatementLine } from '../model.ts';
import { sampleTaxInvoice } from '../sample-documents.ts';
import type { RenderMeta } from './invoice-view.ts';

/** A 10 % line: supply = quantity × unit price, tax = 10 % (floored). */
function line(day: number, name: string, spec: string, quantity: number, unitPrice: number, remark?: string): DocumentLine {
  const supply = quantity * unitPrice;
  return {
    month: 11,
    day,
    name,
    spec,
    quantity: String(quantity),
    unitPrice: String(unitPrice),
    supply,
    tax: Math.floor(supply / 10),
    ...(remark ? { remark } : {}),
  };
}

/** A 세금계산서 of `count` lines (3 by default: 노트북, 모니터, 마우스 …) dated 2026-11-23. */
export function richTaxInvoice(count = 3): DocumentInput {
  const base = sampleTaxInvoice();
  const names: [string, string, number, number][] = [
    ['노트북', '16인치 i7/32GB', 2, 1_850_000],
    ['모니터', '27인치 QHD', 2, 320_000],
    ['무선 마우스', 'M750', 4, 45_000],
    ['키보드', '텐키리스', 4, 89_000],
    ['도킹 스테이션', 'USB-C', 2, 210_000],
  ];
  const lines = Array.from({ length: count }, (_, i) => {
    const [name, spec, q, p] = names[i % names.length] ?? ['품목', '', 1, 1000];
    return line(23, count > names.length ? `${name} ${i + 1}` : name, spec, q, p, i === 0 ? '설치 포함' : undefined);
  });
  const supply = lines.reduce((a, l) => a + l.supply, 0);
  const tax = lines.reduce((a, l) => a + l.tax, 0);
  return {
    ...base,
    purpose: 'receipt',
    writeDate: '20261123',
    supplier: { ...base.supplier, name: '(주)똠방각하 뷁햏상사', ceoName: '김똠방', subBizno: '0002' },
    buyer: {
      ...base.buyer,
      name: '(주)한빌서비스',
      contacts: [{ name: '홍과장', email: 'tax@buyer.example' }, { name: '이대리', email: 'cc@buyer.example' }],
    },
    amounts: { supply, tax, total: supply + tax },
    payments: { cash: 1_000_000, credit: supply + tax - 1_000_000 },
    remarks: ['11월 납품분', '검수 완료 후 30일 이내 지급'],
    lines,
  };
}

/** `richTaxInvoice` with a 거래명세서 mirroring its lines. */
export function taxInvoiceWithStatement(count = 3): DocumentInput {
  const doc = richTaxInvoice(count);
  const lines: StatementLine[] = doc.lines.map((l) => ({
    date: '20261123',
    name: l.name ?? '',
    ...(l.spec ? { spec: l.spec } : {}),
    unit: 'EA',
    ...(l.quantity ? { quantity: l.quantity } : {}),
    ...(l.unitPrice ? { unitPrice: l.unitPrice } : {}),
    supply: l.supply,
    tax: l.tax,
    total: l.supply + l.tax,
  }));
  doc.statement = {
    title: '거래명세서',
    memo: '12월 10일까지 입금 부탁드립니다.',
    previousBalance: 500_000,
    deposit: 1_000_000,
    unpaid: 0,
    balance: 500_000 + doc.amounts.total - 1_000_000,
    lines,
  };
  return doc;
}

export function issuedMeta(lang: 'ko' | 'en' = 'ko'): RenderMeta {
  return {
    issueId: '202611234200023800000017',
    dockey: 'HB-20261123-0017',
    issuedAt: new Date('2026-11-23T05:12:30Z'),
    states: lang === 'en' ? { proc: 'Issued', read: 'Unread', nts: 'Not filed' } : { proc: '발행완료', read: '미열람', nts: '미전송' },
    viewUrl: 'https://hanbill.example/view/9f8e7d6c5b4a',
    lang,
  };
}
