/**
 * The amount rules of a document whose fields already have valid formats (NTS.md §3.3, OpenETaxBill
 * INV200–312, 부가가치세법). Every failure is `amounts_mismatch`. Checked in this order:
 *
 *  1. `amounts.total`  total = supply + tax (INV212).
 *  2. sign: an original (not amended) document has supply ≥ 0 and tax ≥ 0 (`amounts.supply`, `amounts.tax`);
 *     amendments for 환입 (03), 계약의 해제 (04) and 이중발급 (06) only reverse, so supply ≤ 0 and tax ≤ 0.
 *     Lines may be negative on any document (discount lines).
 *  3. `amounts.tax` by type: 계산서 and 영세율 → 0 (INV208); regular 세금계산서 → ≠ 0 when
 *     trunc(supply / 10) ≠ 0 (INV206).
 *  4. `amounts.supply` = Σ lines[].supply (INV308); `amounts.tax` = Σ lines[].tax (INV310).
 *  5. `lines[i].tax` per line: 0 for 계산서 / 영세율; for a regular 세금계산서 within ±1 won of 10 % of the
 *     line supply (rounding is the issuer's choice, NTS.md §3.3). Not applied to amendment reason 01
 *     (착오정정), whose (−) half must mirror an original that may carry a wrong rate.
 *  6. `payments`: when any payment amount is non-zero, cash + check + note + credit = total (INV210).
 *     All absent or all zero = "not stated" (NTS does not require payment means).
 *
 * Sums use BigInt so that large safe integers never round.
 */
import { mismatchError } from './input-reader.ts';
import { PAYMENT_MEANS, type AmendmentReasonCode, type DocumentInput } from './model.ts';

/** Amendment reasons whose document only reverses (−) the original. */
const REVERSING_REASONS: ReadonlySet<AmendmentReasonCode> = new Set(['03', '04', '06']);

const sum = (values: readonly number[]): bigint => values.reduce((acc, v) => acc + BigInt(v), 0n);

function taxMustBeZero(doc: DocumentInput): boolean {
  return doc.kind === 'invoice' || doc.taxType === 'zero_rated';
}

function checkHeaderTotal(doc: DocumentInput): void {
  const { supply, tax, total } = doc.amounts;
  if (BigInt(supply) + BigInt(tax) !== BigInt(total)) {
    throw mismatchError('amounts.total', '합계금액이 공급가액 + 세액과 다릅니다 (total must equal supply + tax)', { supply, tax, total });
  }
}

function checkSigns(doc: DocumentInput): void {
  const { supply, tax } = doc.amounts;
  if (doc.amendment === undefined) {
    if (supply < 0) throw mismatchError('amounts.supply', '음수 금액은 수정(세금)계산서에만 쓸 수 있습니다 (negative amounts only on amendments)');
    if (tax < 0) throw mismatchError('amounts.tax', '음수 금액은 수정(세금)계산서에만 쓸 수 있습니다 (negative amounts only on amendments)');
    return;
  }
  if (REVERSING_REASONS.has(doc.amendment.reasonCode)) {
    const why = `수정사유 ${doc.amendment.reasonCode}은(는) 음수(-) 금액으로만 발급합니다 (reason ${doc.amendment.reasonCode} only reverses: amounts must be ≤ 0)`;
    if (supply > 0) throw mismatchError('amounts.supply', why);
    if (tax > 0) throw mismatchError('amounts.tax', why);
  }
}

function checkHeaderTax(doc: DocumentInput): void {
  const { supply, tax } = doc.amounts;
  if (taxMustBeZero(doc)) {
    if (tax !== 0) {
      const what = doc.kind === 'invoice' ? '계산서' : '영세율 세금계산서';
      throw mismatchError('amounts.tax', `${what}의 세액은 0이어야 합니다 (tax must be 0)`, { tax });
    }
    return;
  }
  if (Math.trunc(supply / 10) !== 0 && tax === 0) {
    throw mismatchError('amounts.tax', '세금계산서에는 세액이 있어야 합니다 (a regular tax invoice needs a tax amount)', { supply, tax });
  }
}

function checkLineSums(doc: DocumentInput): void {
  const supplySum = sum(doc.lines.map((l) => l.supply));
  if (supplySum !== BigInt(doc.amounts.supply)) {
    throw mismatchError('amounts.supply', '공급가액 합계가 품목 공급가액의 합과 다릅니다 (supply must equal the sum of the lines)', {
      supply: doc.amounts.supply,
      linesSum: supplySum.toString(),
    });
  }
  const taxSum = sum(doc.lines.map((l) => l.tax));
  if (taxSum !== BigInt(doc.amounts.tax)) {
    throw mismatchError('amounts.tax', '세액 합계가 품목 세액의 합과 다릅니다 (tax must equal the sum of the lines)', {
      tax: doc.amounts.tax,
      linesSum: taxSum.toString(),
    });
  }
}

/** |tax − supply/10| ≤ 1 won, i.e. |10·tax − supply| ≤ 10. */
export function isTaxWithinRate(supply: number, tax: number): boolean {
  const diff = BigInt(tax) * 10n - BigInt(supply);
  return diff >= -10n && diff <= 10n;
}

function checkLineTaxes(doc: DocumentInput): void {
  const zero = taxMustBeZero(doc);
  const rateApplies = !zero && doc.amendment?.reasonCode !== '01';
  doc.lines.forEach((line, i) => {
    const field = `lines[${i}].tax`;
    if (zero && line.tax !== 0) {
      throw mismatchError(field, `품목${i + 1} 세액은 0이어야 합니다 (tax must be 0 for 계산서 / zero-rated)`, { tax: line.tax });
    }
    if (rateApplies && !isTaxWithinRate(line.supply, line.tax)) {
      throw mismatchError(field, `품목${i + 1} 세액이 공급가액의 10%와 1원 넘게 다릅니다 (tax must be 10% of supply, ±1 won)`, {
        supply: line.supply,
        tax: line.tax,
      });
    }
  });
}

function checkPayments(doc: DocumentInput): void {
  const payments = doc.payments;
  if (payments === undefined) return;
  const given = PAYMENT_MEANS.map((m) => payments[m] ?? 0);
  if (given.every((v) => v === 0)) return;
  const paid = sum(given);
  if (paid !== BigInt(doc.amounts.total)) {
    throw mismatchError('payments', '결제 방법별 금액의 합이 합계금액과 다릅니다 (cash + check + note + credit must equal total)', {
      paid: paid.toString(),
      total: doc.amounts.total,
    });
  }
}

/** Throws the first violated rule, in the order documented above. */
export function checkAmountRules(doc: DocumentInput): void {
  checkHeaderTotal(doc);
  checkSigns(doc);
  checkHeaderTax(doc);
  checkLineSums(doc);
  checkLineTaxes(doc);
  checkPayments(doc);
}
