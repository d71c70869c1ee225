import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidBizno, isValidResidentNo, normalizeDigits } from './korean-ids.ts';

test('valid business numbers from NTS.md §3.1 pass the checksum', () => {
  for (const b of ['2048631263', '6028131841', '1388602200', '1048137225', '2208203228']) {
    assert.equal(isValidBizno(b), true, b);
  }
});

test('invalid business numbers fail', () => {
  for (const b of ['1388504400', '1234567890', '9999999999', '204863126', '20486312634', '204863126a', '']) {
    assert.equal(isValidBizno(b), false, b);
  }
});

test('hyphens are stripped before checking', () => {
  assert.equal(isValidBizno(normalizeDigits('204-86-31263')), true);
});

test('resident numbers: checksum decides', () => {
  // 900101-1234568: weights give sum; compute a valid one and its neighbour
  const base = '900101123456';
  const valid = [...Array(10).keys()].map((c) => base + c).filter(isValidResidentNo);
  assert.equal(valid.length, 1);
  assert.equal(isValidResidentNo(base.slice(0, 11)), false);
});
