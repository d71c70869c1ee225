import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  formatAmount,
  formatAmountInWords,
  formatBizno,
  formatBuyerId,
  formatCompactDate,
  formatCompactDateLong,
  formatDecimal,
  formatIssueId,
  formatKst,
  formatResidentId,
  formatWon,
  itemSummary,
  koreanAmountWords,
} from './format.ts';

describe('render/format', () => {
  it('formats won amounts with thousands separators', () => {
    assert.equal(formatAmount(0), '0');
    assert.equal(formatAmount(999), '999');
    assert.equal(formatAmount(1000), '1,000');
    assert.equal(formatAmount(1234567), '1,234,567');
    assert.equal(formatAmount(-220000), '-220,000');
    assert.equal(formatAmount(9_007_199_254_740_991), '9,007,199,254,740,991');
    assert.equal(formatWon(1234567), '1,234,567원');
    assert.equal(formatWon(-242000), '-242,000원');
    assert.equal(formatWon(1234567, 'en'), 'KRW 1,234,567');
  });

  it('formats decimal strings of quantities and unit prices', () => {
    assert.equal(formatDecimal('220000'), '220,000');
    assert.equal(formatDecimal('-1'), '-1');
    assert.equal(formatDecimal('1234.5'), '1,234.5');
    assert.equal(formatDecimal('0.25'), '0.25');
    assert.equal(formatDecimal('007'), '7');
    assert.equal(formatDecimal(undefined), '');
    assert.equal(formatDecimal('abc'), 'abc');
  });

  it('formats compact dates and KST instants', () => {
    assert.equal(formatCompactDate('20261123'), '2026-11-23');
    assert.equal(formatCompactDate('2026-11-23'), '2026-11-23');
    assert.equal(formatCompactDateLong('20261123'), '2026년 11월 23일');
    assert.equal(formatCompactDateLong('20260105', 'en'), '5 Jan 2026');
    // 15:30 UTC on 23 Nov is 00:30 KST on 24 Nov.
    assert.equal(formatKst(new Date('2026-11-23T15:30:05Z')), '2026-11-24 00:30:05');
  });

  it('formats business, resident and buyer numbers', () => {
    assert.equal(formatBizno('2048631263'), '204-86-31263');
    assert.equal(formatBizno('204-86-31263'), '204-86-31263');
    assert.equal(formatResidentId('8001011234567'), '800101-1******');
    assert.equal(formatBuyerId('business', '1388602200'), '138-86-02200');
    assert.equal(formatBuyerId('resident', '8001012234567'), '800101-2******');
    assert.equal(formatBuyerId('foreigner', '9999999999999'), '9999999999999');
  });

  it('formats the 24-digit approval number as 8-8-8', () => {
    assert.equal(formatIssueId('201607184200023800000001'), '20160718-42000238-00000001');
    assert.equal(formatIssueId('bad'), 'bad');
  });

  it('writes amounts in Korean words', () => {
    assert.equal(koreanAmountWords(0), '영');
    assert.equal(koreanAmountWords(7), '칠');
    assert.equal(koreanAmountWords(10), '일십');
    assert.equal(koreanAmountWords(242000), '이십사만이천');
    assert.equal(koreanAmountWords(1000000), '일백만');
    assert.equal(koreanAmountWords(100000000), '일억');
    assert.equal(koreanAmountWords(120003400), '일억이천만삼천사백');
    assert.equal(koreanAmountWords(-5000), '마이너스 오천');
    assert.equal(formatAmountInWords(242000), '일금 이십사만이천원정 (₩242,000)');
    assert.equal(formatAmountInWords(242000, 'en'), 'KRW 242,000');
    assert.throws(() => koreanAmountWords(1.5), RangeError);
  });

  it('summarises items as "first 외 N건"', () => {
    assert.equal(itemSummary([{ name: '노트북' }, { name: '마우스' }, { name: '키보드' }]), '노트북 외 2건');
    assert.equal(itemSummary([{ name: '노트북' }]), '노트북');
    assert.equal(itemSummary([{}, { name: '마우스' }]), '마우스 외 1건');
    assert.equal(itemSummary([{}, {}]), '품목 2건');
    assert.equal(itemSummary([{ name: 'Laptop' }, { name: 'Mouse' }, { name: 'Pad' }], 'en'), 'Laptop and 2 more');
    assert.equal(itemSummary([]), '');
  });
});
