/**
 * One recipient of a send request, checked on its own (no database): the number, the clientRef, the message
 * it gets (kind, text, subject; AlimTalk rendered or matched against the template), its limits in EUC-KR bytes
 * or Kakao characters, the ad rules and its fallback. A problem is an AppError naming `recipients[i].<field>`;
 * acceptMessages collects them.
 */
import { AppError, invalidError, requiredError } from '../../../platform/errors.ts';
import { memberPath, textCharacterProblem, type Input } from '../../../platform/input.ts';
import { isMobileNumber } from '../sender-number-rules.ts';
import { LIMITS as TEMPLATE_LIMITS } from '../templates/template-model.ts';
import type { KakaoTemplate } from '../templates/template-repo.ts';
import type { MessageKind, RecipientFallback } from './tables.ts';
import { assertSubjectFits, assertTextFits, autoKind, eucKrLength } from './euc-kr.ts';
import { assertAdText } from './ad-rules.ts';
import { alimtalkText } from './accept-template-text.ts';
import { isKakao, readFallback, readSubject, readText, REQUEST_LIMITS, type CommonRequest } from './message-request.ts';

export interface ValidRecipient {
  seq: number;
  phone: string;
  clientRef: string | null;
  kind: MessageKind;
  subject: string | null;
  text: string;
  variables: Record<string, string> | null;
  fallback: RecipientFallback | null;
}

const RECIPIENT_FIELDS = new Set(['to', 'clientRef', 'variables', 'text', 'subject', 'fallback']);

/** Results of a text check shared by recipients with the same text (a bulk usually sends one text). */
export type CheckCache = Map<string, AppError | string>;

function cached<T extends string>(cache: CheckCache, key: string, field: string, check: () => T): T {
  let r = cache.get(key);
  if (r === undefined) {
    try {
      r = check();
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      r = e;
    }
    cache.set(key, r);
  }
  if (r instanceof AppError) throw r.field === field ? r : r.withField(field);
  return r as T;
}

const chars = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function kakaoLimit(c: CommonRequest, template: KakaoTemplate | undefined): number {
  if (c.type === 'alimtalk' && template) {
    const base = template.items !== undefined ? TEMPLATE_LIMITS.textWithItemList : TEMPLATE_LIMITS.text;
    return base - (template.ad !== undefined ? TEMPLATE_LIMITS.adReserve : 0) - (template.extra !== undefined ? chars(template.extra) : 0);
  }
  if (c.type === 'friendtalk') return c.images.length > 0 ? REQUEST_LIMITS.friendtalkPhotoText : REQUEST_LIMITS.friendtalkText;
  return REQUEST_LIMITS.brandText;
}

/** Check one recipient (`value` is recipients[index]) of the request `c`. */
export function readRecipient(c: CommonRequest, template: KakaoTemplate | undefined, value: unknown, index: number, cache: CheckCache): ValidRecipient {
  const path = `recipients[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidError(path, '객체여야 합니다: {to, clientRef?, variables?, text?, subject?, fallback?} (expected an object)');
  const o = value as Input;
  for (const k of Object.keys(o)) if (!RECIPIENT_FIELDS.has(k) && o[k] !== undefined) throw invalidError(memberPath(path, k), '알 수 없는 항목입니다 (unknown field)');

  const to = o['to'];
  if (to === undefined || to === null || to === '') throw requiredError(`${path}.to`);
  if (typeof to !== 'string' || !/^\d+$/.test(to)) throw invalidError(`${path}.to`, '숫자만 입력하세요, 하이픈 없이 (digits only, e.g. 01012345678)');
  if (!isMobileNumber(to)) throw invalidError(`${path}.to`, '휴대폰 번호여야 합니다: 010, 011, 016~019 (a mobile number: 010, 011, 016–019)');

  let clientRef: string | null = null;
  const ref = o['clientRef'];
  if (ref !== undefined && ref !== null) {
    if (typeof ref !== 'string' || ref.trim() === '') throw invalidError(`${path}.clientRef`, '문자열이어야 합니다 (expected a non-empty string)');
    if (chars(ref) > REQUEST_LIMITS.clientRef) throw invalidError(`${path}.clientRef`, `최대 ${REQUEST_LIMITS.clientRef}자입니다 (at most ${REQUEST_LIMITS.clientRef} characters)`);
    const bad = textCharacterProblem(ref, false);
    if (bad) throw invalidError(`${path}.clientRef`, bad);
    clientRef = ref;
  }

  let variables: Record<string, string> | undefined;
  const vars = o['variables'];
  if (vars !== undefined && vars !== null) {
    if (c.type !== 'alimtalk') throw invalidError(`${path}.variables`, '템플릿 변수는 알림톡(alimtalk)에만 씁니다 (variables only with alimtalk)');
    if (typeof vars !== 'object' || Array.isArray(vars)) throw invalidError(`${path}.variables`, '객체여야 합니다: {"이름": "값"} (expected an object of strings)');
    variables = {};
    for (const [name, v] of Object.entries(vars as Input)) {
      const key = name.replace(/^#\{(.*)\}$/, '$1');
      if (typeof v !== 'string' && typeof v !== 'number') throw invalidError(`${path}.variables.${key}`, '문자열이어야 합니다 (expected a string)');
      const s = String(v);
      const bad = textCharacterProblem(s, true);
      if (bad) throw invalidError(`${path}.variables.${key}`, bad);
      variables[key] = s;
    }
  }

  const ownText = readText(o['text'], `${path}.text`);
  const ownSubject = readSubject(o['subject'], `${path}.subject`);
  const textField = ownText !== undefined ? `${path}.text` : 'text';
  const kakao = isKakao(c.type);
  if (ownSubject !== undefined && (kakao || c.type === 'sms')) throw invalidError(`${path}.subject`, '제목은 LMS, MMS에 씁니다 (a subject is for LMS and MMS)');
  const subject = ownSubject ?? c.subject;
  const subjectField = ownSubject !== undefined ? `${path}.subject` : 'subject';

  let text: string;
  let kind: MessageKind;
  if (c.type === 'alimtalk') {
    text = alimtalkText(template!.body, path, ownText ?? c.text, variables, ownText !== undefined ? `${path}.text` : 'text');
    kind = 'alimtalk';
  } else {
    const t = ownText ?? c.text;
    if (t === undefined) throw requiredError(`${path}.text`, '본문(text, 요청 또는 수신자)은');
    text = t;
    kind = c.type === 'auto' ? 'sms' : c.type;
  }

  if (kakao) {
    const max = kakaoLimit(c, template);
    const n = chars(text);
    if (n > max) throw new AppError('message_text_too_long', `카카오 메시지는 최대 ${max}자입니다, 지금 ${n}자 (a Kakao message is at most ${max} characters, now ${n})`, { field: c.type === 'alimtalk' && ownText === undefined && c.text === undefined ? `${path}.variables` : textField, details: { characters: n, max } });
  } else {
    if (subject !== undefined) cached(cache, `s\u0000${subject}`, subjectField, () => (assertSubjectFits(subject, subjectField), 'ok'));
    if (c.type === 'auto') {
      const bytes = Number(cached(cache, `b\u0000${text}`, textField, () => String(eucKrLength(text, textField))));
      kind = autoKind(bytes, subject !== undefined);
    }
    const k = kind as 'sms' | 'lms' | 'mms';
    cached(cache, `${k}\u0000${text}`, textField, () => (assertTextFits(k, text, textField), 'ok'));
  }
  if (c.ad) cached(cache, `ad\u0000${text}`, textField, () => (assertAdText(text, textField), 'ok'));

  // fallback (FACTS §5): the recipient's own, or the request's; text defaults to the Kakao text
  let fallback: RecipientFallback | null = null;
  const ownFallback = o['fallback'];
  if (ownFallback !== undefined && !kakao && ownFallback !== null && ownFallback !== false) throw invalidError(`${path}.fallback`, '대체발송은 카카오 메시지에만 씁니다 (fallback only for Kakao types)');
  const f = ownFallback === undefined ? c.fallback : readFallback(ownFallback, `${path}.fallback`);
  if (f !== undefined && kakao) {
    if (c.from === undefined) throw requiredError('from', '대체발송에는 발신번호가');
    const fPath = ownFallback !== undefined && ownFallback !== null ? `${path}.fallback` : 'fallback';
    const fText = f.text ?? text;
    const fTextField = f.text !== undefined ? `${fPath}.text` : `${path}.fallback.text`;
    const fSubjectField = `${fPath}.subject`;
    if (f.subject !== undefined) {
      if (f.type === 'sms') throw invalidError(fSubjectField, 'SMS에는 제목이 없습니다 (SMS has no subject)');
      cached(cache, `s\u0000${f.subject}`, fSubjectField, () => (assertSubjectFits(f.subject!, fSubjectField), 'ok'));
    }
    const bytes = Number(cached(cache, `b\u0000${fText}`, fTextField, () => String(eucKrLength(fText, fTextField))));
    const fKind = f.type === 'auto' ? autoKind(bytes, f.subject !== undefined) : f.type;
    cached(cache, `${fKind}\u0000${fText}`, fTextField, () => (assertTextFits(fKind, fText, fTextField), 'ok'));
    if (c.ad) cached(cache, `ad\u0000${fText}`, fTextField, () => (assertAdText(fText, fTextField), 'ok'));
    fallback = { kind: fKind, text: fText, ...(f.subject !== undefined ? { subject: f.subject } : {}) };
  }

  return { seq: index, phone: to, clientRef, kind, subject: kind === 'lms' || kind === 'mms' ? (subject ?? null) : null, text, variables: variables ?? null, fallback };
}
