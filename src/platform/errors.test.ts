import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, composeMessage, invalidError, renameField, requiredError, withFieldNames } from './errors.ts';

test('requiredError / invalidError keep the field apart from a field-free message', () => {
  const r = requiredError('supplier.bizno', '공급자 사업자등록번호');
  assert.equal(r.field, 'supplier.bizno');
  assert.equal(r.message, '공급자 사업자등록번호은(는) 필수 항목입니다 (required)');
  const i = invalidError('loginId', '영문·숫자 (letters and digits)');
  assert.equal(i.field, 'loginId');
  assert.equal(i.message, '영문·숫자 (letters and digits)');
});

test('composeMessage: "<field>: <message>" with the face name, the bare message without a field', () => {
  const e = invalidError('password', '8~64자입니다 (8 to 64 characters)');
  assert.equal(composeMessage(e), 'password: 8~64자입니다 (8 to 64 characters)');
  assert.equal(composeMessage(e, 'pwd'), 'pwd: 8~64자입니다 (8 to 64 characters)');
  assert.equal(composeMessage(new AppError('internal', '시스템 오류 (system error)')), '시스템 오류 (system error)');
});

test('renameField maps through a table or a function and changes nothing else', () => {
  const e = new AppError('usage_limit_exceeded', '한도 초과 (limit)', { field: 'loginId', details: { retryAfterSeconds: 30 } });
  const renamed = renameField(e, { loginId: 'id', password: 'pwd' }) as AppError;
  assert.equal(renamed.field, 'id');
  assert.equal(renamed.code, 'usage_limit_exceeded');
  assert.equal(renamed.message, e.message, 'the message is not edited');
  assert.deepEqual(renamed.details, { retryAfterSeconds: 30 });
  assert.equal(renamed.cause, e);
  assert.equal(composeMessage(renamed), 'id: 한도 초과 (limit)');
  // unknown paths, errors without a field and non-AppErrors pass through as they are
  assert.equal(renameField(e, { other: 'x' }), e);
  const bare = new AppError('internal', 'x');
  assert.equal(renameField(bare, { loginId: 'id' }), bare);
  const plain = new Error('boom');
  assert.equal(renameField(plain, { loginId: 'id' }), plain);
  // inherited keys are not names (a field called `constructor` keeps its name)
  assert.equal((renameField(invalidError('constructor', 'x'), {}) as AppError).field, 'constructor');
  const byPattern = renameField(invalidError('lines[2].supply', 'x'), (p) => p.replace(/^lines\[(\d+)\]\.supply$/, (_m, n: string) => `item${Number(n) + 1}__supply_amt`)) as AppError;
  assert.equal(byPattern.field, 'item3__supply_amt');
});

test('withFieldNames renames what the use case throws', async () => {
  await assert.rejects(
    withFieldNames({ subscriptionId: 'sinch_no' }, async () => {
      throw invalidError('subscriptionId', '양의 정수 (positive integer)');
    }),
    (e: unknown) => e instanceof AppError && e.field === 'sinch_no' && composeMessage(e) === 'sinch_no: 양의 정수 (positive integer)',
  );
  assert.equal(await withFieldNames({}, async () => 7), 7);
});
