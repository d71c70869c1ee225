/**
 * The AlimTalk template (알림톡 템플릿) as a partner writes it, and its validation: a pure function that reads
 * loosely-typed input and returns a clean draft or throws an AppError naming the path at fault (`body`,
 * `buttons[2].name`, `items[0].title`). Limits are Kakao's as the dealers document them
 * (`/work/shared/docs/MESSAGING-AND-BILLING-FACTS.md`, cited per rule as FACTS §…).
 */
import { AppError, invalidError, requiredError } from '../../../platform/errors.ts';
import { optionalString, requiredInteger, requiredString, type Input } from '../../../platform/input.ts';
import { variablesOf } from './template-text.ts';

export const MESSAGE_TYPES = ['BA', 'EX', 'AD', 'MI'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const EMPHASIS_TYPES = ['NONE', 'TEXT', 'IMAGE', 'ITEM_LIST'] as const;
export type EmphasisType = (typeof EMPHASIS_TYPES)[number];
export const BUTTON_TYPES = ['WL', 'AL', 'DS', 'BK', 'MD', 'BC', 'BT', 'AC'] as const;
export type ButtonType = (typeof BUTTON_TYPES)[number];
/** Quick replies take only these (FACTS §2.4: DS, MD and AC are buttons only). */
export const QUICK_REPLY_TYPES = ['WL', 'AL', 'BK', 'BC', 'BT'] as const;

export const LIMITS = {
  code: 30,
  name: 150,
  /** body + extra info, in characters, Korean and Latin alike (FACTS §0.2, §2.5) */
  text: 1000,
  /** with an item list (FACTS §2.3, NHN -2037) */
  textWithItemList: 700,
  /** AD / MI lose this much to Kakao's channel-add notice (FACTS §2.5 "~40 chars") */
  adReserve: 40,
  variables: 40,
  extra: 500,
  ad: 40,
  title: 50,
  subtitle: 50,
  header: 16,
  highlightTitle: 30,
  highlightDescription: 19,
  itemsMin: 2,
  itemsMax: 10,
  itemTitle: 6,
  itemDescription: 23,
  buttons: 5,
  quickReplies: 5,
  buttonName: 14,
  link: 500,
  chatExtra: 50,
  chatEvent: 50,
} as const;

/** Kakao's fixed channel-add notice of AD / MI templates (templateAd is read-only at the dealers, FACTS §2.2). */
export const DEFAULT_AD_TEXT = '채널 추가하고 이 채널의 광고와 마케팅 메시지 받기';
/** The AC button's fixed name (NHN -3026, FACTS §2.2). */
export const CHANNEL_ADD_NAME = '채널 추가';

export interface TemplateButton {
  type: ButtonType;
  name: string;
  linkMo?: string;
  linkPc?: string;
  schemeIos?: string;
  schemeAndroid?: string;
  chatExtra?: string;
  chatEvent?: string;
}

export interface TemplateItem {
  title: string;
  description: string;
}

/** Everything of a template but its channel and code (the parts a partner writes and Kakao reviews). */
export interface TemplateContent {
  name: string;
  messageType: MessageType;
  emphasisType: EmphasisType;
  body: string;
  extra?: string;
  ad?: string;
  title?: string;
  subtitle?: string;
  imageUrl?: string;
  header?: string;
  highlight?: TemplateItem;
  items?: TemplateItem[];
  buttons: TemplateButton[];
  quickReplies: TemplateButton[];
}

export interface TemplateDraft extends TemplateContent {
  channelId: number;
  code: string;
  /** distinct `#{variables}` of every text part, in order of first appearance */
  variables: string[];
}

const TOP_FIELDS = new Set(['channelId', 'code', 'name', 'messageType', 'emphasisType', 'body', 'extra', 'ad', 'title', 'subtitle', 'imageUrl', 'header', 'highlight', 'items', 'buttons', 'quickReplies']);
const BUTTON_FIELDS: Record<ButtonType, readonly string[]> = {
  WL: ['linkMo', 'linkPc'],
  AL: ['schemeIos', 'schemeAndroid', 'linkMo'],
  DS: [],
  BK: [],
  MD: [],
  BC: ['chatExtra'],
  BT: ['chatExtra', 'chatEvent'],
  AC: [],
};

const chars = (s: string): number => [...s].length;
const hasVariable = (s: string): boolean => /#\{/.test(s);

/** Run `read` on the object at `path`, naming `path.<field>` in what it throws. */
function within<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof AppError && err.field !== undefined) throw err.withField(`${path}.${err.field}`);
    throw err;
  }
}

function objectAt(value: unknown, path: string): Input {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidError(path, '객체여야 합니다 (expected an object)');
  return value as Input;
}

function refuseUnknown(obj: Input, allowed: ReadonlySet<string> | readonly string[], path: string | undefined): void {
  const ok = allowed instanceof Set ? allowed : new Set(allowed);
  for (const k of Object.keys(obj)) {
    if (!ok.has(k) && obj[k] !== undefined) throw invalidError(path ? `${path}.${k}` : k, '이 템플릿에 쓸 수 없는 항목입니다 (not allowed here)');
  }
}

function refuseWhen(obj: Input, fields: readonly string[], why: string): void {
  for (const f of fields) if (obj[f] !== undefined && obj[f] !== null) throw invalidError(f, why);
}

function oneOf<T extends string>(input: Input, field: string, values: readonly T[], fallback: T): T {
  const s = optionalString(input, field, { max: 20 });
  if (s === undefined) return fallback;
  if (!(values as readonly string[]).includes(s)) throw invalidError(field, `${values.join(', ')} 중 하나여야 합니다 (one of ${values.join(', ')})`);
  return s as T;
}

/** A link: http:// or https:// (or starting with a `#{variable}`, FACTS §2.4 -3006), ≤ 500 characters. */
function readLink(input: Input, field: string, required: boolean): string | undefined {
  const s = (required ? requiredString : optionalString)(input, field, { max: LIMITS.link });
  if (s === undefined) return undefined;
  if (!/^https?:\/\/\S+$/i.test(s) && !/^#\{/.test(s)) throw invalidError(field, 'http:// 또는 https://로 시작하는 주소여야 합니다 (must start with http:// or https://)');
  return s;
}

function readItem(value: unknown, path: string, titleMax: number, descriptionMax: number): TemplateItem {
  const o = objectAt(value, path);
  return within(path, () => {
    refuseUnknown(o, ['title', 'description'], undefined);
    return { title: requiredString(o, 'title', { max: titleMax }), description: requiredString(o, 'description', { max: descriptionMax }) };
  });
}

function readButton(value: unknown, path: string, index: number, kind: 'button' | 'quickReply', messageType: MessageType): TemplateButton {
  const o = objectAt(value, path);
  return within(path, () => {
    const allowedTypes = kind === 'button' ? BUTTON_TYPES : QUICK_REPLY_TYPES;
    const typeText = requiredString(o, 'type', { max: 2 });
    if (!(allowedTypes as readonly string[]).includes(typeText)) {
      throw invalidError('type', `${allowedTypes.join(', ')} 중 하나여야 합니다 (one of ${allowedTypes.join(', ')})`);
    }
    const type = typeText as ButtonType;
    refuseUnknown(o, ['type', 'name', ...BUTTON_FIELDS[type]], undefined);
    const name = requiredString(o, 'name', { max: LIMITS.buttonName });
    // button names cannot hold variables (NHN -3008, FACTS §2.4)
    if (hasVariable(name)) throw invalidError('name', '버튼 이름에는 변수를 쓸 수 없습니다 (no variables in button names)');
    const b: TemplateButton = { type, name };
    if (type === 'AC') {
      if (messageType !== 'AD' && messageType !== 'MI') throw invalidError('type', '채널 추가(AC) 버튼은 채널추가형(AD)과 복합형(MI)에만 쓸 수 있습니다 (AC only in AD or MI templates)');
      if (index !== 0) throw invalidError('type', '채널 추가(AC) 버튼은 첫 번째여야 합니다 (the AC button must be the first)');
      if (name !== CHANNEL_ADD_NAME) throw invalidError('name', `채널 추가 버튼의 이름은 "${CHANNEL_ADD_NAME}"입니다 (the AC button is named "${CHANNEL_ADD_NAME}")`);
    }
    if (type === 'WL') {
      b.linkMo = readLink(o, 'linkMo', true);
      const pc = readLink(o, 'linkPc', false);
      if (pc !== undefined) b.linkPc = pc;
    }
    if (type === 'AL') {
      const ios = optionalString(o, 'schemeIos', { max: LIMITS.link });
      const android = optionalString(o, 'schemeAndroid', { max: LIMITS.link });
      const mo = readLink(o, 'linkMo', false);
      // two of the three (NHN -3007, FACTS §2.4)
      if ([ios, android, mo].filter((x) => x !== undefined).length < 2) {
        throw invalidError(ios === undefined ? 'schemeIos' : 'schemeAndroid', 'schemeIos, schemeAndroid, linkMo 중 두 가지 이상이 필요합니다 (two of schemeIos, schemeAndroid and linkMo are required)');
      }
      if (ios !== undefined) b.schemeIos = ios;
      if (android !== undefined) b.schemeAndroid = android;
      if (mo !== undefined) b.linkMo = mo;
    }
    if (type === 'BC' || type === 'BT') {
      const extra = optionalString(o, 'chatExtra', { max: LIMITS.chatExtra });
      if (extra !== undefined) b.chatExtra = extra;
    }
    if (type === 'BT') {
      const event = optionalString(o, 'chatEvent', { max: LIMITS.chatEvent });
      if (event !== undefined) b.chatEvent = event;
    }
    return b;
  });
}

function readButtons(input: Input, field: 'buttons' | 'quickReplies', messageType: MessageType): TemplateButton[] {
  const v = input[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidError(field, '배열이어야 합니다 (expected an array)');
  const max = field === 'buttons' ? LIMITS.buttons : LIMITS.quickReplies;
  if (v.length > max) throw invalidError(field, `최대 ${max}개입니다 (at most ${max})`);
  return v.map((b, i) => readButton(b, `${field}[${i}]`, i, field === 'buttons' ? 'button' : 'quickReply', messageType));
}

/** The content of a template (everything but channel and code), validated. */
export function readTemplateContent(input: Input): TemplateContent & { variables: string[] } {
  const name = requiredString(input, 'name', { max: LIMITS.name });
  const messageType = oneOf(input, 'messageType', MESSAGE_TYPES, 'BA');
  const emphasisType = oneOf(input, 'emphasisType', EMPHASIS_TYPES, 'NONE');
  const body = requiredString(input, 'body', { multiline: true });
  const c: TemplateContent = { name, messageType, emphasisType, body, buttons: [], quickReplies: [] };

  // message type (FACTS §2.2): extra info for EX / MI, the channel-add notice for AD / MI
  if (messageType === 'EX' || messageType === 'MI') {
    c.extra = requiredString(input, 'extra', { max: LIMITS.extra, multiline: true });
  } else refuseWhen(input, ['extra'], '부가정보는 부가정보형(EX)과 복합형(MI)에만 씁니다 (extra info only in EX or MI templates)');
  if (messageType === 'AD' || messageType === 'MI') {
    c.ad = optionalString(input, 'ad', { max: LIMITS.ad }) ?? DEFAULT_AD_TEXT;
  } else refuseWhen(input, ['ad'], '광고 문구는 채널추가형(AD)과 복합형(MI)에만 씁니다 (ad text only in AD or MI templates)');

  // emphasis (FACTS §2.3)
  const emphasisFields = ['title', 'subtitle', 'imageUrl', 'header', 'highlight', 'items'];
  const allowedEmphasis: Record<EmphasisType, string[]> = { NONE: [], TEXT: ['title', 'subtitle'], IMAGE: ['imageUrl'], ITEM_LIST: ['imageUrl', 'header', 'highlight', 'items'] };
  refuseWhen(
    input,
    emphasisFields.filter((f) => !allowedEmphasis[emphasisType].includes(f)),
    `강조 유형 ${emphasisType}에는 쓸 수 없습니다 (not used with emphasis ${emphasisType})`,
  );
  if (emphasisType === 'TEXT') {
    c.title = requiredString(input, 'title', { max: LIMITS.title });
    c.subtitle = requiredString(input, 'subtitle', { max: LIMITS.subtitle });
  }
  if (emphasisType === 'IMAGE') c.imageUrl = readLink(input, 'imageUrl', true);
  if (emphasisType === 'ITEM_LIST') {
    const imageUrl = readLink(input, 'imageUrl', false);
    if (imageUrl !== undefined) c.imageUrl = imageUrl;
    const header = optionalString(input, 'header', { max: LIMITS.header });
    if (header !== undefined) c.header = header;
    if (input['highlight'] !== undefined && input['highlight'] !== null) c.highlight = readItem(input['highlight'], 'highlight', LIMITS.highlightTitle, LIMITS.highlightDescription);
    const items = input['items'];
    if (items !== undefined && items !== null) {
      if (!Array.isArray(items)) throw invalidError('items', '배열이어야 합니다 (expected an array)');
      if (items.length < LIMITS.itemsMin || items.length > LIMITS.itemsMax) throw invalidError('items', `${LIMITS.itemsMin}~${LIMITS.itemsMax}개여야 합니다 (${LIMITS.itemsMin} to ${LIMITS.itemsMax} items)`);
      c.items = items.map((it, i) => readItem(it, `items[${i}]`, LIMITS.itemTitle, LIMITS.itemDescription));
    }
    if (c.imageUrl === undefined && c.header === undefined && c.highlight === undefined && c.items === undefined) {
      throw requiredError('items', '아이템리스트형은 이미지, 헤더, 하이라이트, 아이템 중 하나 이상이');
    }
  }

  // length (FACTS §2.5): body + extra info, 1,000 characters (700 with an item list), 40 fewer for AD / MI
  const max = (c.items !== undefined ? LIMITS.textWithItemList : LIMITS.text) - (c.ad !== undefined ? LIMITS.adReserve : 0);
  const used = chars(body) + (c.extra !== undefined ? chars(c.extra) : 0);
  if (used > max) {
    throw invalidError(c.extra !== undefined && chars(body) <= max ? 'extra' : 'body', `본문과 부가정보는 합쳐 최대 ${max}자입니다, 지금 ${used}자 (body and extra info together at most ${max} characters, now ${used})`);
  }

  c.buttons = readButtons(input, 'buttons', messageType);
  c.quickReplies = readButtons(input, 'quickReplies', messageType);
  // the AC button opens AD / MI templates (FACTS §2.2)
  if ((messageType === 'AD' || messageType === 'MI') && c.buttons[0]?.type !== 'AC') {
    throw invalidError(c.buttons.length === 0 ? 'buttons' : 'buttons[0].type', '채널추가형(AD)과 복합형(MI)은 첫 버튼이 채널 추가(AC)여야 합니다 (AD and MI templates start with the AC button)');
  }

  // variables (FACTS §2.5): well-formed everywhere they may stand, at most 40 distinct
  const seen = new Set<string>();
  const texts: [string, string | undefined][] = [
    ['body', body],
    ['extra', c.extra],
    ['title', c.title],
    ['subtitle', c.subtitle],
    ['header', c.header],
    ['highlight.title', c.highlight?.title],
    ['highlight.description', c.highlight?.description],
    ...(c.items ?? []).flatMap((it, i): [string, string][] => [[`items[${i}].title`, it.title], [`items[${i}].description`, it.description]]),
    ...[...c.buttons.map((b, i) => ['buttons', b, i] as const), ...c.quickReplies.map((b, i) => ['quickReplies', b, i] as const)].flatMap(
      ([list, b, i]): [string, string | undefined][] => [[`${list}[${i}].linkMo`, b.linkMo], [`${list}[${i}].linkPc`, b.linkPc]],
    ),
  ];
  for (const [field, text] of texts) {
    if (text === undefined) continue;
    for (const v of variablesOf(text, field)) {
      seen.add(v);
      if (seen.size > LIMITS.variables) throw invalidError(field, `변수는 최대 ${LIMITS.variables}개입니다 (at most ${LIMITS.variables} distinct variables)`);
    }
  }
  return { ...c, variables: [...seen] };
}

/** The content of an edit (PUT): channel and code stay as they are. */
export function readTemplateEdit(input: Input): TemplateContent & { variables: string[] } {
  refuseUnknown(input, new Set([...TOP_FIELDS].filter((f) => f !== 'channelId' && f !== 'code')), undefined);
  return readTemplateContent(input);
}

/** A whole new template: its channel, its code and its content. */
export function readTemplateDraft(input: Input): TemplateDraft {
  refuseUnknown(input, TOP_FIELDS, undefined);
  const channelId = requiredInteger(input, 'channelId', { min: 1 });
  const code = requiredString(input, 'code', { max: LIMITS.code, pattern: /^[A-Za-z0-9_-]+$/, expected: '영문, 숫자, _, - 만 쓸 수 있습니다 (letters, digits, _ and - only)' });
  return { channelId, code, ...readTemplateContent(input) };
}
