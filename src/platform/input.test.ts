import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { memberPath, optionalInteger, optionalList, optionalString, requiredString } from './input.ts';

const refused = (fn: () => unknown, field: string) => assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'field_invalid' && e.field === field);

test('text readers refuse control characters, DEL, C1, non-characters and lone surrogates, naming the field', () => {
  for (const bad of ['a\u0000b', 'a\u0001', '\u001bx', 'a\u007fb', 'a\u0085b', 'a\uFFFEb', 'a\uFFFF', 'a\uD800b', 'a\uDC00']) {
    refused(() => requiredString({ name: bad }, 'name'), 'name');
    refused(() => optionalString({ note: bad }, 'note', { multiline: true }), 'note');
  }
  assert.equal(requiredString({ name: '  한빌 상사㈜ ' }, 'name'), '한빌 상사㈜');
});

test('tab and line breaks only in fields declared multi-line', () => {
  for (const s of ['a\tb', 'a\nb', 'a\r\nb']) {
    refused(() => requiredString({ com_name: s }, 'com_name'), 'com_name');
    assert.equal(optionalString({ note: s }, 'note', { multiline: true }), s);
  }
  assert.equal(optionalString({ name: '\n한빌\n' }, 'name'), '한빌', 'surrounding white space is trimmed, not refused');
});

test('a number is read as its digits (form fields), or refused where the field takes text only (JSON bodies)', () => {
  assert.equal(optionalString({ n: 123 }, 'n'), '123');
  refused(() => optionalString({ n: 123 }, 'n', { textOnly: true }), 'n');
  refused(() => optionalString({ n: true }, 'n'), 'n');
  assert.equal(optionalString({ n: ' x ' }, 'n', { textOnly: true }), 'x');
});

test('list items obey the single-line rule; integers beyond the safe range are refused', () => {
  refused(() => optionalList({ dockeys: 'A,B\u0000' }, 'dockeys'), 'dockeys');
  refused(() => optionalInteger({ id: '9223372036854775808' }, 'id'), 'id');
  refused(() => optionalInteger({ id: 2 ** 63 }, 'id'), 'id');
  assert.equal(optionalInteger({ id: '9007199254740991' }, 'id'), Number.MAX_SAFE_INTEGER);
});

test('memberPath names odd keys in brackets so an error always names a field', () => {
  assert.equal(memberPath('', 'name'), 'name');
  assert.equal(memberPath('buyer', 'id'), 'buyer.id');
  assert.equal(memberPath('', ''), '[""]');
  assert.equal(memberPath('recipients[0]', 'a.b'), 'recipients[0]["a.b"]');
});
