/** The tax invoice the issuing benches write: two lines, a fresh buyer with a mail address, numbered `i`. */
import { freshBizno } from '../../test/support/test-system.ts';

export function benchInvoice(i: number) {
  return {
    kind: 'tax_invoice', purpose: 'claim', writeDate: '20261123',
    buyer: { idType: 'business', id: freshBizno(), name: `(주)구매${i}`, ceoName: '구매대표', contacts: [{ email: `buyer${i}@example.kr` }] },
    amounts: { supply: 1_000_000, tax: 100_000, total: 1_100_000 },
    lines: [
      { month: 11, day: 23, name: '노트북', quantity: '1', unitPrice: '700000', supply: 700_000, tax: 70_000 },
      { month: 11, day: 23, name: '모니터', quantity: '2', unitPrice: '150000', supply: 300_000, tax: 30_000 },
    ],
  };
}
