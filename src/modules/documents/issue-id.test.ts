import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeIssueIdGaps, displayIssueId, formatIssueId, isValidIssueId, issueIdMatchesWriteDate, normalizeIssueId, parseIssueId } from './issue-id.ts';

test('format pads the serial and joins the three parts', () => {
  assert.equal(formatIssueId({ writeDate: '20160718', registrationId: '42000238', serial: 1 }), '201607184200023800000001');
  assert.equal(formatIssueId({ writeDate: '20241231', registrationId: '00000000', serial: 99_999_999 }), '202412310000000099999999');
});

test('format rejects bad parts', () => {
  assert.throws(() => formatIssueId({ writeDate: '20160230', registrationId: '42000238', serial: 1 }), RangeError);
  assert.throws(() => formatIssueId({ writeDate: '20160718', registrationId: '4200023', serial: 1 }), RangeError);
  assert.throws(() => formatIssueId({ writeDate: '20160718', registrationId: '42000238', serial: 100_000_000 }), RangeError);
  assert.throws(() => formatIssueId({ writeDate: '20160718', registrationId: '42000238', serial: -1 }), RangeError);
  assert.throws(() => formatIssueId({ writeDate: '20160718', registrationId: '42000238', serial: 1.5 }), RangeError);
});

test('parse splits, accepts the display form, rejects malformed ids', () => {
  assert.deepEqual(parseIssueId('200909143900502610018801'), { writeDate: '20090914', registrationId: '39005026', serial: 10018801 });
  assert.deepEqual(parseIssueId('20160718-42000238-00000001'), { writeDate: '20160718', registrationId: '42000238', serial: 1 });
  for (const bad of ['', '20160718420002380000000', '2016071842000238000000011', '2016071842000238000000a1', '201613184200023800000001']) {
    assert.equal(parseIssueId(bad), undefined, bad);
  }
});

test('round trip format ↔ parse', () => {
  const parts = { writeDate: '20240229', registrationId: '12345678', serial: 4242 };
  assert.deepEqual(parseIssueId(formatIssueId(parts)), parts);
});

test('isValidIssueId wants the bare 24 digits', () => {
  assert.equal(isValidIssueId('201607184200023800000001'), true);
  assert.equal(isValidIssueId('20160718-42000238-00000001'), false);
  assert.equal(isValidIssueId('201607324200023800000001'), false);
});

test('display and normalize', () => {
  assert.equal(displayIssueId('201607184200023800000001'), '20160718-42000238-00000001');
  assert.equal(displayIssueId('abc'), 'abc');
  assert.equal(normalizeIssueId('20160718 42000238-00000001'), '201607184200023800000001');
});

test('first 8 digits vs write date (INV100)', () => {
  assert.equal(issueIdMatchesWriteDate('201607184200023800000001', '20160718'), true);
  assert.equal(issueIdMatchesWriteDate('201607184200023800000001', '20160719'), false);
});

test('closing the gaps a batch left: kept ids above the new top take the unused ids below it, the rest given back', () => {
  const id = (date: string, serial: number) => formatIssueId({ writeDate: date, registrationId: '41000001', serial });
  // 20261101: 11…16 reserved, 12 and 16 unused → top 14; 15 moves to 12; 20261102: 1…3, 3 unused → nothing moves
  const { moves, released } = closeIssueIdGaps(
    [id('20261101', 11), id('20261101', 13), id('20261101', 14), id('20261101', 15), id('20261102', 1), id('20261102', 2), id('20261103', 7)],
    [id('20261101', 16), id('20261101', 12), id('20261102', 3)],
  );
  assert.deepEqual([...moves], [[id('20261101', 15), id('20261101', 12)]]);
  assert.deepEqual([...released].sort(), [['20261101', 2], ['20261102', 1]]);
  // every id unused: all given back, nothing moves
  const none = closeIssueIdGaps([], [id('20261101', 5), id('20261101', 6)]);
  assert.equal(none.moves.size, 0);
  assert.deepEqual([...none.released], [['20261101', 2]]);
  // several holes, several movers: lowest to lowest
  const many = closeIssueIdGaps([id('20261101', 1), id('20261101', 4), id('20261101', 5)], [id('20261101', 2), id('20261101', 3)]);
  assert.deepEqual([...many.moves], [[id('20261101', 4), id('20261101', 2)], [id('20261101', 5), id('20261101', 3)]]);
  assert.throws(() => closeIssueIdGaps([id('20261101', 1)], [id('20261101', 3)]), /not one block/);
});
