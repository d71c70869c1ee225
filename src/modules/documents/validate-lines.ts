/**
 * Validation of the 품목 lines (formats only; the amount rules are in validate-amount-rules.ts).
 * Per line, in order: month, day, name, spec, quantity, unitPrice, supply, tax, remark.
 */
import { invalidError, requiredError } from '../../platform/errors.ts';
import { daysInMonth, splitCompactDate } from './dates.ts';
import { FIELD_MAX_LENGTHS as MAX } from './field-limits.ts';
import { childPath, compact, isInputObject, readDecimal, readInteger, readMoney, readText, type InputObject } from './input-reader.ts';
import { DOCUMENT_LIMITS, type DocumentLine } from './model.ts';

/**
 * The supply date of a line (PurchaseExpiryDateTime) lies in the write date's year and month: the month,
 * when given, must equal the write date's month and the day must exist in that month. Month and day
 * come together (one without the other cannot form the YYYYMMDD the standard carries).
 */
function readLineDate(obj: InputObject, path: string, n: number, writeDate: string): { month?: number; day?: number } {
  const written = splitCompactDate(writeDate);
  const month = readInteger(obj, 'month', path, `품목${n} 월`, 1, 12);
  if (month !== undefined && month !== written.month) {
    throw invalidError(
      childPath(path, 'month'),
      `품목${n} 월은 작성일자의 월(${written.month})과 같아야 합니다 (must equal the write date's month)`,
    );
  }
  const day = readInteger(obj, 'day', path, `품목${n} 일`, 1, 31);
  if (month === undefined && day === undefined) return {};
  if (month === undefined) throw requiredError(childPath(path, 'month'), `품목${n} 월`);
  if (day === undefined) throw requiredError(childPath(path, 'day'), `품목${n} 일`);
  const lastDay = daysInMonth(written.year, month);
  if (day > lastDay) {
    throw invalidError(childPath(path, 'day'), `품목${n} 일은 1~${lastDay} 사이여야 합니다 (not a day of ${written.year}-${month})`);
  }
  return { month, day };
}

function validateLine(value: unknown, path: string, n: number, writeDate: string): DocumentLine {
  if (!isInputObject(value)) throw invalidError(path, `품목${n}은(는) 객체여야 합니다 (must be an object)`);
  const date = readLineDate(value, path, n, writeDate);
  return compact({
    ...date,
    name: readText(value, 'name', path, { label: `품목${n} 품명`, max: MAX.lineName }),
    spec: readText(value, 'spec', path, { label: `품목${n} 규격`, max: MAX.lineSpec }),
    quantity: readDecimal(value, 'quantity', path, `품목${n} 수량`),
    unitPrice: readDecimal(value, 'unitPrice', path, `품목${n} 단가`),
    supply: readMoney(value, 'supply', path, `품목${n} 공급가액`, true),
    tax: readMoney(value, 'tax', path, `품목${n} 세액`, true),
    remark: readText(value, 'remark', path, { label: `품목${n} 비고`, max: MAX.lineRemark }),
  });
}

/** `lines`: 1..99 line objects (INV312; NTS.md §1.5). `writeDate` must already be valid. */
export function validateLines(value: unknown, writeDate: string): DocumentLine[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    throw requiredError('lines', '품목(1개 이상)');
  }
  if (!Array.isArray(value)) throw invalidError('lines', '품목은 배열이어야 합니다 (must be an array)');
  if (value.length > DOCUMENT_LIMITS.maxLines) {
    throw invalidError('lines', `품목은 최대 ${DOCUMENT_LIMITS.maxLines}개입니다 (at most ${DOCUMENT_LIMITS.maxLines} lines)`);
  }
  return value.map((line, i) => validateLine(line, childPath('lines', i), i + 1, writeDate));
}
