/**
 * Reading a send request (POST /v1/messages, docs/messaging.md "Sending"): the common part, checked whole (a
 * problem there refuses the request naming the field), and the rules of one recipient's message, which
 * accept-recipients.ts applies to each recipient (a problem there names `recipients[i].<field>`).
 * No database here: the sender number, the channel and the template are checked by acceptMessages.
 */
import { AppError, invalidError, requiredError } from '../../../platform/errors.ts';
import { memberPath, optionalBoolean, optionalInteger, optionalString, textCharacterProblem, type Input } from '../../../platform/input.ts';
import { BUTTON_TYPES, LIMITS as TEMPLATE_LIMITS, type TemplateButton } from '../templates/template-model.ts';
import type { MessageType } from './tables.ts';
import { readMessageImage, type MessageImage } from './message-image.ts';

export const MESSAGE_TYPES: readonly MessageType[] = ['alimtalk', 'friendtalk', 'brand', 'sms', 'lms', 'mms', 'auto'];
export const KAKAO_TYPES: readonly MessageType[] = ['alimtalk', 'friendtalk', 'brand'];

export const REQUEST_LIMITS = {
  recipients: 10_000,
  clientRef: 64,
  /** FriendTalk text / with an image (FACTS §3.2) */
  friendtalkText: 1000,
  friendtalkPhotoText: 400,
  /** Brand Message TEXT bubble (FACTS §3.3) */
  brandText: 1300,
  /** reservations: ≤ 60 days ahead (FACTS §6) */
  reserveDays: 60,
  mmsImages: 3,
} as const;

export type FallbackRequest = { type: 'sms' | 'lms' | 'auto'; text?: string; subject?: string };

/** The validated common part of a request. */
export interface CommonRequest {
  type: MessageType;
  from?: string;
  channelId?: number;
  templateCode?: string;
  subject?: string;
  text?: string;
  images: MessageImage[];
  buttons: TemplateButton[];
  ad: boolean;
  adNight: 'refuse' | 'hold';
  brandTarget?: 'friends' | 'consented';
  reserveAt?: Date;
  fallback?: FallbackRequest;
  acceptValid: boolean;
  recipients: unknown[];
}

const TOP_FIELDS = new Set(['type', 'from', 'channelId', 'templateCode', 'subject', 'text', 'images', 'buttons', 'ad', 'adNight', 'brandTarget', 'reserveAt', 'fallback', 'recipients', 'acceptValid']);

export const isKakao = (t: MessageType): boolean => KAKAO_TYPES.includes(t);

/** A message text: any characters but controls (line breaks and tabs allowed), not blank; trimmed. */
export function readText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidError(field, '문자열이어야 합니다 (expected a string)');
  const s = value.trim();
  if (s === '') throw requiredError(field);
  const bad = textCharacterProblem(s, true);
  if (bad) throw invalidError(field, bad);
  return s;
}

/** A subject: one line. */
export function readSubject(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidError(field, '문자열이어야 합니다 (expected a string)');
  const s = value.trim();
  if (s === '') return undefined;
  const bad = textCharacterProblem(s, false);
  if (bad) throw invalidError(field, bad);
  return s;
}

/** A fallback request (`fallback` of the request or of a recipient), or undefined for none. */
export function readFallback(value: unknown, field: string): FallbackRequest | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidError(field, '객체여야 합니다: {type, text?, subject?} (expected an object)');
  const o = value as Input;
  for (const k of Object.keys(o)) if (!['type', 'text', 'subject'].includes(k) && o[k] !== undefined) throw invalidError(memberPath(field, k), '알 수 없는 항목입니다 (unknown field)');
  const type = o['type'] === undefined ? 'auto' : o['type'];
  if (type !== 'sms' && type !== 'lms' && type !== 'auto') throw invalidError(`${field}.type`, 'sms, lms, auto 중 하나여야 합니다 (one of sms, lms, auto)');
  const f: FallbackRequest = { type };
  const text = readText(o['text'], `${field}.text`);
  if (text !== undefined) f.text = text;
  const subject = readSubject(o['subject'], `${field}.subject`);
  if (subject !== undefined) f.subject = subject;
  return f;
}

/** Buttons of FriendTalk and Brand Message: the template button rules where they apply (FACTS §3.2, §3.3). */
function readButtons(value: unknown): TemplateButton[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidError('buttons', '배열이어야 합니다 (expected an array)');
  if (value.length > TEMPLATE_LIMITS.buttons) throw invalidError('buttons', `최대 ${TEMPLATE_LIMITS.buttons}개입니다 (at most ${TEMPLATE_LIMITS.buttons})`);
  const allowed = BUTTON_TYPES.filter((t) => t !== 'AC' && t !== 'DS');
  return value.map((b, i): TemplateButton => {
    const path = `buttons[${i}]`;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw invalidError(path, '객체여야 합니다 (expected an object)');
    const o = b as Input;
    const type = o['type'];
    if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) throw invalidError(`${path}.type`, `${allowed.join(', ')} 중 하나여야 합니다 (one of ${allowed.join(', ')})`);
    const fields: Record<string, readonly string[]> = { WL: ['linkMo', 'linkPc'], AL: ['schemeIos', 'schemeAndroid', 'linkMo'], BK: [], MD: [], BC: ['chatExtra'], BT: ['chatExtra', 'chatEvent'] };
    const ok = new Set(['type', 'name', ...(fields[type] ?? [])]);
    for (const k of Object.keys(o)) if (!ok.has(k) && o[k] !== undefined) throw invalidError(`${path}.${k}`, '이 버튼에 쓸 수 없는 항목입니다 (not allowed for this button type)');
    const name = optionalString(o, 'name', { max: TEMPLATE_LIMITS.buttonName });
    if (name === undefined) throw requiredError(`${path}.name`);
    const out: TemplateButton = { type: type as TemplateButton['type'], name };
    for (const k of fields[type] ?? []) {
      const max = k.startsWith('chat') ? TEMPLATE_LIMITS.chatExtra : TEMPLATE_LIMITS.link;
      let v: string | undefined;
      try {
        v = optionalString(o, k, { max });
      } catch (e) {
        throw e instanceof AppError ? e.withField(`${path}.${k}`) : e;
      }
      if (v === undefined) continue;
      if ((k === 'linkMo' || k === 'linkPc') && !/^https?:\/\/\S+$/i.test(v)) throw invalidError(`${path}.${k}`, 'http:// 또는 https://로 시작하는 주소여야 합니다 (must start with http:// or https://)');
      (out as unknown as Record<string, string>)[k] = v;
    }
    if (type === 'WL' && out.linkMo === undefined) throw requiredError(`${path}.linkMo`);
    if (type === 'AL' && [out.schemeIos, out.schemeAndroid, out.linkMo].filter((x) => x !== undefined).length < 2) {
      throw invalidError(`${path}.schemeIos`, 'schemeIos, schemeAndroid, linkMo 중 두 가지 이상이 필요합니다 (two of schemeIos, schemeAndroid and linkMo)');
    }
    return out;
  });
}

function readImages(value: unknown): MessageImage[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidError('images', '배열이어야 합니다 (expected an array)');
  return value.map((v, i) => readMessageImage(v, `images[${i}]`));
}

/** The common part of a request at `now`. */
export function readCommonRequest(input: Input, now: Date): CommonRequest {
  for (const k of Object.keys(input)) if (!TOP_FIELDS.has(k) && input[k] !== undefined) throw invalidError(memberPath('', k), '알 수 없는 항목입니다 (unknown field)');
  const typeText = input['type'];
  if (typeText === undefined || typeText === null) throw requiredError('type');
  if (typeof typeText !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(typeText)) throw invalidError('type', `${MESSAGE_TYPES.join(', ')} 중 하나여야 합니다 (one of ${MESSAGE_TYPES.join(', ')})`);
  const type = typeText as MessageType;
  const kakao = isKakao(type);

  const recipients = input['recipients'];
  if (recipients === undefined || recipients === null) throw requiredError('recipients');
  if (!Array.isArray(recipients) || recipients.length === 0) throw invalidError('recipients', '수신자가 1명 이상 있어야 합니다 (at least one recipient)');
  if (recipients.length > REQUEST_LIMITS.recipients) throw invalidError('recipients', `한 요청에 최대 ${REQUEST_LIMITS.recipients.toLocaleString('en-US')}명입니다 (at most ${REQUEST_LIMITS.recipients.toLocaleString('en-US')} recipients per request)`);

  const c: CommonRequest = { type, images: [], buttons: [], ad: false, adNight: 'refuse', acceptValid: optionalBoolean(input, 'acceptValid') ?? false, recipients };

  const from = input['from'];
  if (from !== undefined && from !== null) {
    if (typeof from !== 'string' || !/^\d{8,11}$/.test(from)) throw invalidError('from', '숫자만 입력하세요, 하이픈 없이 (digits only, e.g. 0212345678)');
    c.from = from;
  }
  if (kakao) {
    c.channelId = optionalInteger(input, 'channelId', { min: 1 });
    if (c.channelId === undefined) throw requiredError('channelId');
  } else {
    if (c.from === undefined) throw requiredError('from');
    if (input['channelId'] !== undefined && input['channelId'] !== null) throw invalidError('channelId', '카카오 메시지(alimtalk, friendtalk, brand)에만 씁니다 (Kakao types only)');
  }
  if (type === 'alimtalk') {
    c.templateCode = optionalString(input, 'templateCode', { max: 30 });
    if (c.templateCode === undefined) throw requiredError('templateCode');
  } else if (input['templateCode'] !== undefined && input['templateCode'] !== null) throw invalidError('templateCode', '알림톡(alimtalk)에만 씁니다 (alimtalk only)');

  const text = readText(input['text'], 'text');
  if (text !== undefined) c.text = text;
  const subject = readSubject(input['subject'], 'subject');
  if (subject !== undefined) {
    if (kakao) throw invalidError('subject', '제목은 LMS, MMS에 씁니다, 대체발송 제목은 fallback.subject (a subject is for LMS and MMS; a fallback\'s is fallback.subject)');
    if (type === 'sms') throw invalidError('subject', 'SMS에는 제목이 없습니다, lms 또는 auto를 쓰세요 (SMS has no subject: use lms or auto)');
    c.subject = subject;
  }

  c.images = readImages(input['images']);
  if (type === 'mms') {
    if (c.images.length < 1 || c.images.length > REQUEST_LIMITS.mmsImages) throw invalidError('images', 'MMS는 JPEG 이미지 1~3개가 필요합니다 (MMS needs 1 to 3 JPEG images)');
  } else if (type === 'friendtalk') {
    if (c.images.length > 1) throw invalidError('images', '친구톡 이미지는 1개입니다 (FriendTalk takes exactly one image)');
  } else if (c.images.length > 0) throw invalidError('images', '이미지는 mms와 friendtalk에만 보낼 수 있습니다 (images only with mms or friendtalk)');

  if (type === 'friendtalk' || type === 'brand') c.buttons = readButtons(input['buttons']);
  else if (input['buttons'] !== undefined && input['buttons'] !== null) throw invalidError('buttons', '버튼은 friendtalk과 brand에만 씁니다, 알림톡 버튼은 템플릿에 (buttons only with friendtalk or brand; AlimTalk buttons are the template\'s)');

  // ads (FACTS §3.2–3.4): FriendTalk is an ad unless said otherwise, Brand Message always, AlimTalk never
  const ad = optionalBoolean(input, 'ad');
  if (type === 'alimtalk' && ad === true) throw invalidError('ad', '알림톡은 광고를 보낼 수 없습니다, friendtalk 또는 brand를 쓰세요 (AlimTalk carries no ads: use friendtalk or brand)');
  if (type === 'brand' && ad === false) throw invalidError('ad', '브랜드 메시지는 광고 메시지입니다 (a Brand Message is an advertisement)');
  c.ad = type === 'brand' ? true : type === 'friendtalk' ? (ad ?? true) : (ad ?? false);
  const adNight = input['adNight'];
  if (adNight !== undefined && adNight !== null) {
    if (adNight !== 'refuse' && adNight !== 'hold') throw invalidError('adNight', 'refuse 또는 hold여야 합니다 (refuse or hold)');
    c.adNight = adNight;
  }
  const brandTarget = input['brandTarget'];
  if (type === 'brand') {
    if (brandTarget !== undefined && brandTarget !== null && brandTarget !== 'friends' && brandTarget !== 'consented') throw invalidError('brandTarget', 'friends 또는 consented여야 합니다 (friends or consented)');
    c.brandTarget = (brandTarget as 'friends' | 'consented' | undefined | null) ?? 'friends';
  } else if (brandTarget !== undefined && brandTarget !== null) throw invalidError('brandTarget', '브랜드 메시지(brand)에만 씁니다 (brand only)');

  const reserveAt = input['reserveAt'];
  if (reserveAt !== undefined && reserveAt !== null) {
    const at = typeof reserveAt === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(reserveAt) ? new Date(reserveAt) : undefined;
    if (!at || Number.isNaN(at.getTime())) throw invalidError('reserveAt', 'ISO 8601 시각이어야 합니다, 예: 2026-03-02T09:00:00+09:00 (an ISO 8601 time with its offset)');
    if (at.getTime() <= now.getTime()) throw invalidError('reserveAt', '지금 이후의 시각이어야 합니다 (must be in the future)');
    if (at.getTime() > now.getTime() + REQUEST_LIMITS.reserveDays * 86_400_000) throw invalidError('reserveAt', `최대 ${REQUEST_LIMITS.reserveDays}일 뒤까지 예약할 수 있습니다 (at most ${REQUEST_LIMITS.reserveDays} days ahead)`);
    c.reserveAt = at;
  }

  if (input['fallback'] !== undefined && input['fallback'] !== null && input['fallback'] !== false) {
    if (!kakao) throw invalidError('fallback', '대체발송은 카카오 메시지에만 씁니다 (fallback only for Kakao types)');
    c.fallback = readFallback(input['fallback'], 'fallback');
    if (c.from === undefined) throw requiredError('from', '대체발송에는 발신번호가');
  }
  return c;
}
