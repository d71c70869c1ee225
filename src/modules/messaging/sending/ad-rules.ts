/**
 * Advertisement rules (정보통신망법 §50, FACTS §3.4): an ad's text starts with "(광고)" and carries a free opt-out
 * ("무료수신거부 080…", spaces and hyphens allowed); Kakao ads are blocked 20:50–08:00 KST (Kakao result 3022)
 * and ad SMS/LMS/MMS 21:00–08:00 KST (the statute's night without per-recipient consent). A night ad is refused,
 * or held to the next 08:00 KST when the request asks for it (adNight "hold").
 */
import { AppError } from '../../../platform/errors.ts';
import { kstParts } from '../../../platform/clock.ts';

export type AdChannel = 'kakao' | 'sms';

const OPT_OUT_NUMBER = /080[\s-]?\d{3,4}[\s-]?\d{4}/;
const OPT_OUT_WORD = /거부/;

/** Refuse an ad text without the mark or the free opt-out, naming `field`. */
export function assertAdText(text: string, field: string): void {
  if (!text.startsWith('(광고)')) throw new AppError('message_ad_rules', '광고 메시지는 "(광고)"로 시작해야 합니다 (an advertisement starts with "(광고)")', { field });
  if (!OPT_OUT_NUMBER.test(text) || !OPT_OUT_WORD.test(text)) {
    throw new AppError('message_ad_rules', '광고 메시지에는 무료수신거부 080 번호가 있어야 합니다, 예: 무료수신거부 080-123-4567 (an advertisement carries a free 080 opt-out, e.g. 무료수신거부 080-123-4567)', { field });
  }
}

/** Minutes after 00:00 KST of `at`. */
function kstMinute(at: Date): number {
  const p = kstParts(at);
  return p.hour * 60 + p.minute;
}

/** The night start in minutes after 00:00 KST: Kakao 20:50, SMS 21:00; the night ends at 08:00. */
export const NIGHT_START = { kakao: 20 * 60 + 50, sms: 21 * 60 } as const;
export const NIGHT_END = 8 * 60;

/** True when an ad on `channel` may not be sent at `at` (20:50:00 / 21:00:00 inclusive, 08:00:00 exclusive). */
export function isAdNight(channel: AdChannel, at: Date): boolean {
  const m = kstMinute(at);
  return m >= NIGHT_START[channel] || m < NIGHT_END;
}

/** The next 08:00 KST at or after `at`. */
export function nextAdMorning(at: Date): Date {
  const p = kstParts(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const today = new Date(`${p.year}-${pad(p.month)}-${pad(p.day)}T08:00:00+09:00`);
  return today.getTime() >= at.getTime() ? today : new Date(today.getTime() + 24 * 60 * 60 * 1000);
}

export function adNightError(channel: AdChannel, field: string): AppError {
  const window = channel === 'kakao' ? '20:50~08:00' : '21:00~08:00';
  return new AppError('message_ad_night', `${window} KST에는 ${channel === 'kakao' ? '카카오' : '문자'} 광고를 보낼 수 없습니다, adNight "hold"로 08:00에 보낼 수 있습니다 (no ${channel === 'kakao' ? 'Kakao' : 'SMS'} ads ${window} KST; adNight "hold" sends at 08:00)`, { field });
}
