import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysInMonth, formatKstDate, formatKstDateTime, isCompactDate } from './dates.ts';

test('calendar dates', () => {
  for (const ok of ['20240229', '20231231', '20000229', '19000101']) assert.equal(isCompactDate(ok), true, ok);
  for (const bad of ['20230229', '19000229', '20231301', '20230100', '2023-01-01', '2023011', '18991231', '']) assert.equal(isCompactDate(bad), false, bad);
  assert.equal(daysInMonth(2024, 2), 29);
  assert.equal(daysInMonth(2023, 4), 30);
});

test('KST formatting crosses the date line at 15:00 UTC', () => {
  assert.equal(formatKstDateTime(new Date('2016-07-18T00:00:00Z')), '20160718090000');
  assert.equal(formatKstDateTime(new Date('2016-12-31T15:00:00Z')), '20170101000000');
  assert.equal(formatKstDate(new Date('2016-12-31T14:59:59.999Z')), '20161231');
  assert.throws(() => formatKstDateTime(new Date('x')), RangeError);
});
