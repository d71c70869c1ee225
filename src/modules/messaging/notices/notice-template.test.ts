import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, NOTICE_DEFAULTS } from '../../../config.ts';
import { eucKrBytes, SUBJECT_BYTES } from '../sending/euc-kr.ts';
import { matchesText } from '../templates/template-text.ts';
import { NOTICE_TEMPLATE_BODY, noticeFallback, noticeVariables, renderNotice, type NoticeFacts } from './notice-template.ts';

const facts: NoticeFacts = {
  documentLabel: '수정세금계산서',
  supplierName: '(주)똠방공급',
  buyerName: '한빛상사',
  writeDate: '20261121',
  supply: 1234567,
  tax: 123456,
  total: 1358023,
  issueId: '202611214100000100000001',
  link: 'https://bill.example/view/ABC?t=x',
};

test('the notice is the template with the document values: amounts grouped, date with dashes, the link last', () => {
  const text = renderNotice(noticeVariables(facts));
  assert.equal(
    text,
    '[수정세금계산서 발행 안내]\n한빛상사 귀하\n(주)똠방공급에서 수정세금계산서를 발행했습니다.\n\n■ 작성일자: 2026-11-21\n■ 공급가액: 1,234,567원\n■ 세액: 123,456원\n■ 합계: 1,358,023원\n■ 승인번호: 202611214100000100000001\n\n문서보기: https://bill.example/view/ABC?t=x',
  );
  assert.ok(matchesText(NOTICE_TEMPLATE_BODY, text), 'the text matches the template (Kakao 3016 otherwise)');
});

test('the LMS fallback: same text, a subject within 40 bytes, characters EUC-KR cannot hold as "?"', () => {
  const fb = noticeFallback(noticeVariables(facts));
  assert.equal(fb.kind, 'lms');
  assert.equal(fb.subject, '수정세금계산서 발행 안내');
  const subjectBytes = eucKrBytes(fb.subject);
  assert.ok('bytes' in subjectBytes && subjectBytes.bytes <= SUBJECT_BYTES);
  assert.ok(fb.text.includes('(주)?방공급에서'), fb.text); // 똠 is CP949's extension, not KS X 1001
  assert.ok('bytes' in eucKrBytes(fb.text));
});

test('notice sender: defaults with the in-process simulator, off with a real carrier unless both are set, bad values refused', () => {
  assert.deepEqual(loadConfig({}).notices, { sender: { ...NOTICE_DEFAULTS }, offReason: undefined });
  const real = { CARRIER_GATEWAY_URL: 'https://carrier.example', CARRIER_REPORT_SECRET: 'a-secret-of-16-chars' };
  const off = loadConfig({ ...real, HANBILL_NOTICE_SENDER_NUMBER: '15881234' }).notices;
  assert.equal(off.sender, undefined);
  assert.match(off.offReason ?? '', /^HANBILL_NOTICE_SENDER_KEY not set with CARRIER_GATEWAY_URL/);
  const key = 'A'.repeat(20) + '1'.repeat(20);
  assert.deepEqual(loadConfig({ ...real, HANBILL_NOTICE_SENDER_KEY: key, HANBILL_NOTICE_SENDER_NUMBER: '0212345678' }).notices.sender, { senderKey: key, senderNumber: '0212345678' });
  assert.throws(() => loadConfig({ HANBILL_NOTICE_SENDER_KEY: 'short', HANBILL_NOTICE_SENDER_NUMBER: '02-123' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.problems.filter((p) => p.startsWith('HANBILL_NOTICE_SENDER_')).length, 2);
    return true;
  });
});
