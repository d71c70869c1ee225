/**
 * Result codes of delivery (docs/messaging.md "Result codes"): Kakao's (1000 success, 30xx failures) and the
 * carriers' (1000 success, 2000 time-out, 3003 bad number, 3012 spam …) are stored as reported; ours start with HB.
 */
import type { MessageKind } from '../sending/tables.ts';

/** No result within the result time-out (48 hours) after sending: failed, not charged, no fallback. */
export const TIMEOUT_CODE = 'HB4800';
export const TIMEOUT_MESSAGE = '48시간 내 결과 없음 (no result within 48 hours; not charged)';

export const KAKAO_KINDS: ReadonlySet<MessageKind> = new Set(['alimtalk', 'friendtalk', 'brand']);

/** The metered item (service unit) of a message kind; FriendTalk with an image is billed as a photo. */
export function meteredItemOf(kind: MessageKind, hasImage: boolean): string {
  if (kind === 'friendtalk') return hasImage ? 'message_friendtalk_photo' : 'message_friendtalk_text';
  return `message_${kind}`;
}
