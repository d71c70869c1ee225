import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeFor } from './outcome-patterns.ts';

test('Kakao kinds: 0109999XXXX answers Kakao code XXXX, 1000 is a success', () => {
  for (const code of ['3015', '3016', '3018', '3019', '3020', '3022', '3005']) {
    const o = outcomeFor('alimtalk', `0109999${code}`);
    assert.equal(o.kind, 'report');
    assert.ok(o.kind === 'report' && o.code === code && !o.delivered);
  }
  assert.deepEqual(outcomeFor('brand', '01099991000'), { kind: 'report', code: '1000', message: '성공 (success)', delivered: true });
});

test('Kakao to a non-KakaoTalk user (0100000…, landlines) is 3019; the same numbers by SMS succeed', () => {
  for (const to of ['01000001234', '0212345678', '0317654321']) {
    const o = outcomeFor('friendtalk', to);
    assert.ok(o.kind === 'report' && o.code === '3019' && !o.delivered, to);
    const s = outcomeFor('sms', to);
    assert.ok(s.kind === 'report' && s.code === '1000' && s.delivered, to);
  }
});

test('SMS kinds: 0108888NNNN answers carrier code NNNN; Kakao patterns do not apply to SMS', () => {
  const timeout = outcomeFor('sms', '01088882000');
  assert.ok(timeout.kind === 'report' && timeout.code === '2000' && !timeout.delivered);
  const spam = outcomeFor('lms', '01088883012');
  assert.ok(spam.kind === 'report' && spam.code === '3012' && spam.message.includes('스팸'));
  const bad = outcomeFor('mms', '01088883003');
  assert.ok(bad.kind === 'report' && bad.code === '3003');
  const viaKakaoPattern = outcomeFor('sms', '01099993019');
  assert.ok(viaKakaoPattern.kind === 'report' && viaKakaoPattern.delivered);
  const kakaoOnSmsPattern = outcomeFor('alimtalk', '01088883012');
  assert.ok(kakaoOnSmsPattern.kind === 'report' && kakaoOnSmsPattern.delivered);
});

test('0101111XXXX is refused at once with XXXX; 0107777XXXX is never reported; anything else succeeds', () => {
  assert.deepEqual(outcomeFor('alimtalk', '01011113015'), { kind: 'refuse', code: '3015', message: '템플릿을 찾을 수 없음 (template not found)' });
  assert.equal(outcomeFor('sms', '01011113003').kind, 'refuse');
  assert.deepEqual(outcomeFor('alimtalk', '01077770001'), { kind: 'silent' });
  assert.deepEqual(outcomeFor('sms', '01077770001'), { kind: 'silent' });
  const ok = outcomeFor('alimtalk', '01012345678');
  assert.ok(ok.kind === 'report' && ok.delivered && ok.code === '1000');
});
