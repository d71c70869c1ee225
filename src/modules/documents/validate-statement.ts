/**
 * Validation of the attached 거래명세서 (transaction statement; ours, not in the NTS XML).
 * Order: title, memo, previousBalance, deposit, unpaid, balance, then each line (date, name, spec, unit,
 * quantity, unitPrice, supply, tax, total, remark) with its `total = supply + tax` check.
 * The balance fields are free amounts: their arithmetic is not standardized and is not checked.
 */
import { invalidError } from '../../platform/errors.ts';
import { isCompactDate } from './dates.ts';
import { FIELD_MAX_LENGTHS as MAX } from './field-limits.ts';
import { childPath, compact, isInputObject, mismatchError, readArray, readDecimal, readMoney, readText, type InputObject } from './input-reader.ts';
import { DOCUMENT_LIMITS, type DocumentStatement, type StatementLine } from './model.ts';

function validateStatementLine(value: unknown, path: string, n: number): StatementLine {
  if (!isInputObject(value)) throw invalidError(path, `거래명세서 품목${n}은(는) 객체여야 합니다 (must be an object)`);
  const date = readText(value, 'date', path, { label: `거래명세서 품목${n} 일자`, max: 8, required: true });
  if (!isCompactDate(date)) {
    throw invalidError(childPath(path, 'date'), `거래명세서 품목${n} 일자는 올바른 YYYYMMDD 날짜여야 합니다 (a real date YYYYMMDD)`);
  }
  const line: StatementLine = compact({
    date,
    name: readText(value, 'name', path, { label: `거래명세서 품목${n} 품명`, max: MAX.lineName, required: true }),
    spec: readText(value, 'spec', path, { label: `거래명세서 품목${n} 규격`, max: MAX.lineSpec }),
    unit: readText(value, 'unit', path, { label: `거래명세서 품목${n} 단위`, max: MAX.statementUnit }),
    quantity: readDecimal(value, 'quantity', path, `거래명세서 품목${n} 수량`),
    unitPrice: readDecimal(value, 'unitPrice', path, `거래명세서 품목${n} 단가`),
    supply: readMoney(value, 'supply', path, `거래명세서 품목${n} 공급가액`, true),
    tax: readMoney(value, 'tax', path, `거래명세서 품목${n} 세액`, true),
    total: readMoney(value, 'total', path, `거래명세서 품목${n} 합계`, true),
    remark: readText(value, 'remark', path, { label: `거래명세서 품목${n} 비고`, max: MAX.lineRemark }),
  });
  if (line.supply + line.tax !== line.total) {
    throw mismatchError(
      childPath(path, 'total'),
      `거래명세서 품목${n} 합계가 공급가액 + 세액과 다릅니다 (total must equal supply + tax)`,
      { supply: line.supply, tax: line.tax, total: line.total },
    );
  }
  return line;
}

/** The `statement` object (already known to be an object). 0..99 lines. */
export function validateStatement(value: InputObject): DocumentStatement {
  const path = 'statement';
  const head = compact({
    title: readText(value, 'title', path, { label: '거래명세서 제목', max: MAX.statementTitle }),
    memo: readText(value, 'memo', path, { label: '거래명세서 메모', max: MAX.statementMemo, multiline: true }),
    previousBalance: readMoney(value, 'previousBalance', path, '거래명세서 전잔금'),
    deposit: readMoney(value, 'deposit', path, '거래명세서 입금액'),
    unpaid: readMoney(value, 'unpaid', path, '거래명세서 미수금'),
    balance: readMoney(value, 'balance', path, '거래명세서 잔액'),
  });
  const list = readArray(value, 'lines', path, '거래명세서 품목') ?? [];
  const linesPath = childPath(path, 'lines');
  if (list.length > DOCUMENT_LIMITS.maxStatementLines) {
    throw invalidError(linesPath, `거래명세서 품목은 최대 ${DOCUMENT_LIMITS.maxStatementLines}개입니다 (at most ${DOCUMENT_LIMITS.maxStatementLines} lines)`);
  }
  return { ...head, lines: list.map((line, i) => validateStatementLine(line, childPath(linesPath, i), i + 1)) };
}
