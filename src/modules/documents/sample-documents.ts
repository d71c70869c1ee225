/**
 * Valid example documents (fictitious parties with checksum-valid numbers) for tests, previews and
 * demos. They mirror the open-etaxbill certification samples 0101/0201/0301/0401 (NTS.md §1.3).
 * Functions return fresh objects, so callers may mutate them.
 */
import type { DocumentInput } from './model.ts';

/** 0101 일반 세금계산서, 청구, 220,000 + 22,000 on credit. */
export function sampleTaxInvoice(): DocumentInput {
  return {
    kind: 'tax_invoice',
    taxType: 'regular',
    consignment: false,
    purpose: 'claim',
    writeDate: '20160718',
    supplier: {
      bizno: '1388602200',
      name: '(주)한빌소프트',
      ceoName: '김공급',
      address: '경기 성남시 분당구 판교로 1',
      businessType: '서비스',
      businessItem: 'S/W개발공급',
      contact: { department: '경영지원실 관리팀', name: '이담당', tel: '031-000-0000', email: 'billing@supplier.example' },
    },
    buyer: {
      idType: 'business',
      id: '2048631263',
      name: '(주)한빌서비스',
      ceoName: '홍대표',
      address: '서울 강남구 테헤란로 1',
      businessType: '서비스',
      businessItem: 'S/W자문',
      contacts: [{ name: '홍과장', email: 'tax@buyer.example' }],
    },
    amounts: { supply: 220000, tax: 22000, total: 242000 },
    payments: { cash: 0, check: 0, note: 0, credit: 242000 },
    lines: [{ month: 7, day: 18, name: '통합전산시스템 유지보수료', quantity: '1', unitPrice: '220000', supply: 220000, tax: 22000 }],
  };
}

/** 0201 수정세금계산서 (사유 06 이중발급): the negative of `sampleTaxInvoice`. */
export function sampleAmendedTaxInvoice(): DocumentInput {
  const doc = sampleTaxInvoice();
  return {
    ...doc,
    writeDate: '20160720',
    amendment: { reasonCode: '06', originalIssueId: '201607184200023800000001' },
    amounts: { supply: -220000, tax: -22000, total: -242000 },
    payments: { cash: 0, check: 0, note: 0, credit: -242000 },
    lines: [{ month: 7, day: 20, name: '통합전산시스템 유지보수료', quantity: '-1', unitPrice: '220000', supply: -220000, tax: -22000 }],
  };
}

/** 0301 계산서 (VAT-exempt, tax 0). */
export function sampleInvoice(): DocumentInput {
  const doc = sampleTaxInvoice();
  return {
    ...doc,
    kind: 'invoice',
    amounts: { supply: 220000, tax: 0, total: 220000 },
    payments: { cash: 0, check: 0, note: 0, credit: 220000 },
    lines: [{ month: 7, day: 18, name: '도서 공급', quantity: '1', unitPrice: '220000', supply: 220000, tax: 0 }],
  };
}

/** 0401 수정계산서 (사유 06): the negative of `sampleInvoice`. */
export function sampleAmendedInvoice(): DocumentInput {
  const doc = sampleInvoice();
  return {
    ...doc,
    writeDate: '20160720',
    amendment: { reasonCode: '06', originalIssueId: '201607184200023800000002' },
    amounts: { supply: -220000, tax: 0, total: -220000 },
    payments: { cash: 0, check: 0, note: 0, credit: -220000 },
    lines: [{ month: 7, day: 20, name: '도서 공급', quantity: '-1', unitPrice: '220000', supply: -220000, tax: 0 }],
  };
}
