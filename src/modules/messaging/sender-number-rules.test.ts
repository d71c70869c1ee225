import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { readSenderNumber } from './sender-number-rules.ts';

const VALID: readonly [string, string][] = [
  ['01012345678', 'mobile'],
  ['01112345678', 'mobile'],
  ['0111234567', 'mobile'],
  ['0169876543', 'mobile'],
  ['01998765432', 'mobile'],
  ['0212345678', 'landline'],
  ['021234567', 'landline'],
  ['0311234567', 'landline'],
  ['03112345678', 'landline'],
  ['0441234567', 'landline'],
  ['0641234567', 'landline'],
  ['07012345678', 'internet'],
  ['15881234', 'representative'],
  ['16001234', 'representative'],
  ['18991234', 'representative'],
  ['0801234567', 'toll_free'],
];

for (const [number, kind] of VALID) {
  test(`sender number ${number} is a ${kind} number`, () => {
    assert.deepEqual(readSenderNumber(number, 'number'), { number, kind });
  });
}

const INVALID: readonly { name: string; value: unknown; code: ErrorCode; field: string }[] = [
  { name: 'hyphens', value: '02-1234-5678', code: 'field_invalid', field: 'number' },
  { name: 'spaces', value: '010 1234 5678', code: 'field_invalid', field: 'number' },
  { name: 'a number value', value: 1012345678, code: 'field_invalid', field: 'number' },
  { name: 'missing', value: undefined, code: 'field_invalid', field: 'number' },
  { name: 'empty', value: '', code: 'field_invalid', field: 'number' },
  { name: '+82 form', value: '+821012345678', code: 'field_invalid', field: 'number' },
  { name: 'special number 112', value: '112', code: 'field_invalid', field: 'number' },
  { name: 'special number 119', value: '119', code: 'field_invalid', field: 'number' },
  { name: 'all zeros', value: '0000', code: 'field_invalid', field: 'number' },
  { name: 'no area code', value: '1111111', code: 'field_invalid', field: 'number' },
  { name: 'area code that does not exist (034)', value: '0341234567', code: 'field_invalid', field: 'number' },
  { name: 'area code 065', value: '0651234567', code: 'field_invalid', field: 'number' },
  { name: 'local number starting 0', value: '0201234567', code: 'field_invalid', field: 'number' },
  { name: '010 too short', value: '0101234567', code: 'field_invalid', field: 'number' },
  { name: '010 too long', value: '010123456789', code: 'field_invalid', field: 'number' },
  { name: '010 subscriber starting 0', value: '01002345678', code: 'field_invalid', field: 'number' },
  { name: '012 is not a mobile prefix', value: '01212345678', code: 'field_invalid', field: 'number' },
  { name: '050 personal number', value: '05012345678', code: 'field_invalid', field: 'number' },
  { name: '030 number', value: '03012345678', code: 'field_invalid', field: 'number' },
  { name: 'representative with extension', value: '15440001001', code: 'field_invalid', field: 'number' },
  { name: 'representative 7 digits', value: '1588123', code: 'field_invalid', field: 'number' },
  { name: '17xx is not a representative prefix', value: '17001234', code: 'field_invalid', field: 'number' },
  { name: '080 too long', value: '08012345678', code: 'field_invalid', field: 'number' },
  { name: '070 too short', value: '0701234567', code: 'field_invalid', field: 'number' },
  { name: 'full-width digits', value: '０２１２３４５６７８', code: 'field_invalid', field: 'number' },
];

for (const c of INVALID) {
  test(`sender number refused: ${c.name}`, () => {
    assert.throws(
      () => readSenderNumber(c.value, 'number'),
      (e: unknown) => e instanceof AppError && e.code === c.code && e.field === c.field && !e.message.startsWith('number'),
    );
  });
}

test('the refusal names the field the caller reads (e.g. from)', () => {
  assert.throws(() => readSenderNumber('112', 'from'), (e: unknown) => e instanceof AppError && e.field === 'from');
});
