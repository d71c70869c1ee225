/**
 * What the carrier simulator does with a message, chosen by the recipient's number (docs/messaging.md
 * "Carrier simulator"). Codes are the real ones (MESSAGING-AND-BILLING-FACTS.md §7.1 Kakao, §7.4 carriers).
 *
 *   Kakao kinds (alimtalk, friendtalk, brand)
 *     0109999XXXX  → Kakao result XXXX (1000 success; 3015, 3016, 3018, 3019, 3020, 3022, 3005 … failures)
 *     0100000XXXX  → 3019 not a KakaoTalk user; so is any number that is not a mobile number (02…, 031…: landlines)
 *   SMS kinds (sms, lms, mms)
 *     0108888NNNN  → carrier result NNNN (1000 success; 2000 time-out, 3003 bad number, 3012 spam, 3010 MMS unsupported …)
 *   any kind
 *     0101111XXXX  → refused at once in the send answer with code XXXX (never reported)
 *     0107777XXXX  → accepted and never reported (neither pushed nor found by polling): the 48-hour rule
 *   anything else → success (1000)
 */
import type { MessageKind } from '../../modules/messaging/sending/tables.ts';

export const KAKAO_KINDS: ReadonlySet<MessageKind> = new Set(['alimtalk', 'friendtalk', 'brand']);

export const KAKAO_CODES: Readonly<Record<string, string>> = {
  '1000': '성공 (success)',
  '3005': '메시지를 발송했으나 수신 확인 안 됨 (sent, receipt not confirmed)',
  '3008': '전화번호 오류 (phone number error)',
  '3015': '템플릿을 찾을 수 없음 (template not found)',
  '3016': '메시지 내용이 템플릿과 일치하지 않음 (message does not match the template)',
  '3018': '메시지를 전송할 수 없음 (cannot deliver: not an active KakaoTalk user)',
  '3019': '카카오톡을 사용하지 않는 사용자 (not a KakaoTalk user)',
  '3020': '알림톡 수신 차단 (AlimTalk blocked by the user)',
  '3022': '메시지 발송 가능한 시간이 아님 (outside the allowed sending hours)',
};

export const CARRIER_CODES: Readonly<Record<string, string>> = {
  '1000': '성공 (success)',
  '2000': '전송 시간 초과 (transmission time-out)',
  '2003': '단말기 전원 꺼짐 (handset powered off)',
  '3000': '전송 불가 (cannot send)',
  '3001': '가입자 없음 (no subscriber)',
  '3003': '결번 또는 잘못된 번호 (bad or void number)',
  '3004': '정지된 번호 (suspended number)',
  '3006': '수신 거부 (rejected)',
  '3010': 'MMS 미지원 단말 (MMS unsupported)',
  '3012': '스팸 차단 (blocked as spam)',
};

export type Outcome =
  | { kind: 'refuse'; code: string; message: string }
  | { kind: 'silent' }
  | { kind: 'report'; code: string; message: string; delivered: boolean };

export function messageOf(code: string, kakao: boolean): string {
  return (kakao ? KAKAO_CODES : CARRIER_CODES)[code] ?? (code === '1000' ? '성공 (success)' : `실패 (failure ${code})`);
}

export function outcomeFor(kind: MessageKind, to: string): Outcome {
  const kakao = KAKAO_KINDS.has(kind);
  let m = /^0101111(\d{4})$/.exec(to);
  if (m) return { kind: 'refuse', code: m[1]!, message: messageOf(m[1]!, kakao) };
  if (/^0107777\d{4}$/.test(to)) return { kind: 'silent' };
  if (kakao) {
    m = /^0109999(\d{4})$/.exec(to);
    if (m) return report(m[1]!, true);
    if (/^0100000\d{4}$/.test(to) || !/^01[016789]/.test(to)) return report('3019', true);
    return report('1000', true);
  }
  m = /^0108888(\d{4})$/.exec(to);
  if (m) return report(m[1]!, false);
  return report('1000', false);
}

function report(code: string, kakao: boolean): Outcome {
  return { kind: 'report', code, message: messageOf(code, kakao), delivered: code === '1000' };
}
