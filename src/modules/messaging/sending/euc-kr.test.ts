import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoKind, eucKrBytes, eucKrLength } from './euc-kr.ts';
import { assertAdText, isAdNight, nextAdMorning } from './ad-rules.ts';
import { AppError } from '../../../platform/errors.ts';

test('EUC-KR bytes: ASCII 1, KS X 1001 2; CP949 extensions and emoji refused naming the field', () => {
  assert.deepEqual(eucKrBytes('abc'), { bytes: 3 });
  assert.deepEqual(eucKrBytes('가'.repeat(45)), { bytes: 90 });
  assert.deepEqual(eucKrBytes('ㄱ·①€\n'), { bytes: 9 });
  assert.deepEqual(eucKrBytes('뷁'), { bad: '뷁' });
  assert.deepEqual(eucKrBytes('a😀'), { bad: '😀' });
  assert.throws(() => eucKrLength('x똠', 'recipients[3].text'), (e: unknown) => e instanceof AppError && e.code === 'message_charset' && e.field === 'recipients[3].text');
  assert.equal(autoKind(90, false), 'sms');
  assert.equal(autoKind(91, false), 'lms');
  assert.equal(autoKind(10, true), 'lms');
});

test('ad rules: mark and 080 opt-out; night windows at their KST boundaries; the next 08:00 KST', () => {
  assertAdText('(광고) 세일\n무료수신거부 080-123-4567', 'text');
  assertAdText('(광고) 세일 무료거부 0801234567', 'text');
  assert.throws(() => assertAdText('세일 무료수신거부 0801234567', 'text'), /\(광고\)/);
  assert.throws(() => assertAdText('(광고) 세일', 'text'), /080/);
  const at = (s: string) => new Date(`2026-03-02T${s}+09:00`);
  assert.equal(isAdNight('kakao', at('20:49:59')), false);
  assert.equal(isAdNight('kakao', at('20:50:00')), true);
  assert.equal(isAdNight('sms', at('20:59:59')), false);
  assert.equal(isAdNight('sms', at('21:00:00')), true);
  assert.equal(isAdNight('sms', at('07:59:59')), true);
  assert.equal(isAdNight('kakao', at('08:00:00')), false);
  assert.equal(nextAdMorning(at('21:30:00')).toISOString(), new Date('2026-03-03T08:00:00+09:00').toISOString());
  assert.equal(nextAdMorning(at('03:00:00')).toISOString(), new Date('2026-03-02T08:00:00+09:00').toISOString());
});
