import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { readChannelRequest, readToken } from './kakao-channel-rules.ts';

const good = { searchId: '@hanbill', adminPhone: '01012345678', categoryCode: '00100010001' };

test('a valid channel request is read as given', () => {
  assert.deepEqual(readChannelRequest({ ...good }), good);
  assert.deepEqual(readChannelRequest({ ...good, searchId: `@${'a'.repeat(30)}` }).searchId, `@${'a'.repeat(30)}`);
  assert.equal(readChannelRequest({ ...good, searchId: '@한빌_tax.kr-1' }).searchId, '@한빌_tax.kr-1');
  assert.equal(readChannelRequest({ ...good, adminPhone: '0111234567' }).adminPhone, '0111234567');
});

const CASES: readonly { name: string; input: Record<string, unknown>; code: ErrorCode; field: string }[] = [
  { name: 'search ID missing', input: { ...good, searchId: undefined }, code: 'field_required', field: 'searchId' },
  { name: 'search ID without @', input: { ...good, searchId: 'hanbill' }, code: 'field_invalid', field: 'searchId' },
  { name: 'search ID only @', input: { ...good, searchId: '@' }, code: 'field_invalid', field: 'searchId' },
  { name: 'search ID of 31 characters', input: { ...good, searchId: `@${'a'.repeat(31)}` }, code: 'field_invalid', field: 'searchId' },
  { name: 'search ID with a space', input: { ...good, searchId: '@han bill' }, code: 'field_invalid', field: 'searchId' },
  { name: 'search ID with a second @', input: { ...good, searchId: '@han@bill' }, code: 'field_invalid', field: 'searchId' },
  { name: 'search ID with a control character', input: { ...good, searchId: '@han\u0007bill' }, code: 'field_invalid', field: 'searchId' },
  { name: 'search ID not a string', input: { ...good, searchId: { a: 1 } }, code: 'field_invalid', field: 'searchId' },
  { name: 'admin phone missing', input: { ...good, adminPhone: '' }, code: 'field_required', field: 'adminPhone' },
  { name: 'admin phone with hyphens', input: { ...good, adminPhone: '010-1234-5678' }, code: 'field_invalid', field: 'adminPhone' },
  { name: 'admin phone a landline', input: { ...good, adminPhone: '0212345678' }, code: 'field_invalid', field: 'adminPhone' },
  { name: 'admin phone a representative number', input: { ...good, adminPhone: '15881234' }, code: 'field_invalid', field: 'adminPhone' },
  { name: 'admin phone too short', input: { ...good, adminPhone: '010123' }, code: 'field_invalid', field: 'adminPhone' },
  { name: 'category code missing', input: { ...good, categoryCode: undefined }, code: 'field_required', field: 'categoryCode' },
  { name: 'category code of 10 digits', input: { ...good, categoryCode: '0010001000' }, code: 'field_invalid', field: 'categoryCode' },
  { name: 'category code of 12 digits', input: { ...good, categoryCode: '001000100010' }, code: 'field_invalid', field: 'categoryCode' },
  { name: 'category code with letters', input: { ...good, categoryCode: '0010001000A' }, code: 'field_invalid', field: 'categoryCode' },
];

for (const c of CASES) {
  test(`channel request refused: ${c.name}`, () => {
    assert.throws(
      () => readChannelRequest(c.input),
      (e: unknown) => e instanceof AppError && e.code === c.code && e.field === c.field,
    );
  });
}

const TOKENS: readonly { name: string; input: Record<string, unknown>; code: ErrorCode }[] = [
  { name: 'missing', input: {}, code: 'field_required' },
  { name: 'letters', input: { token: '12ab56' }, code: 'field_invalid' },
  { name: 'too short', input: { token: '123' }, code: 'field_invalid' },
  { name: 'too long', input: { token: '12345678901' }, code: 'field_invalid' },
  { name: 'with a line break', input: { token: '123\n456' }, code: 'field_invalid' },
];

test('a token of digits is read', () => assert.equal(readToken({ token: ' 012345 ' }), '012345'));
for (const c of TOKENS) {
  test(`token refused: ${c.name}`, () => {
    assert.throws(() => readToken(c.input), (e: unknown) => e instanceof AppError && e.code === c.code && e.field === 'token');
  });
}
