/**
 * The rows of the send history: which batches a query selects (`historyWhere`, shared by the list, the .xlsx export
 * and the deletion, always naming the partner and an `accepted_at` range so only the partitions of the period are
 * read) and what one row shows (유형, 템플릿 제목, 발신번호 / 채널ID, 발송 건수, 성공, 실패, 대기, 상태, 최근 발송 일시).
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { Db } from '../../../platform/db/transaction.ts';
import type { BatchState, MessageType } from '../sending/tables.ts';
import type { HistoryQuery } from './history-query.ts';

/** The part of a query that picks batches (no paging). */
export type HistorySelection = Pick<HistoryQuery, 'from' | 'to' | 'type' | 'state' | 'search' | 'ids'>;

/** `%`, `_` and `\` taken literally in a LIKE pattern (backslash is PostgreSQL's default escape). */
export const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The condition selecting a partner's batches for a query (on `message_batches`, aliased or not). */
export function historyWhere(partnerId: number, s: HistorySelection) {
  return (eb: ExpressionBuilder<DB, 'message_batches'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [
      eb('message_batches.partner_id', '=', partnerId),
      eb('message_batches.source', '=', 'api'),
      eb('message_batches.accepted_at', '>=', s.from),
      eb('message_batches.accepted_at', '<', s.to),
    ];
    if (s.type) all.push(eb('message_batches.type', '=', s.type));
    if (s.state) all.push(eb('message_batches.state', '=', s.state));
    if (s.ids) all.push(s.ids.length ? eb('message_batches.id', 'in', s.ids) : sql<SqlBool>`false`);
    if (s.search) {
      const pattern = `%${likeLiteral(s.search)}%`;
      all.push(
        eb.or([
          eb('message_batches.template_name', 'ilike', pattern),
          sql<SqlBool>`message_batches.content->>'subject' ILIKE ${pattern}`,
          sql<SqlBool>`message_batches.content->>'text' ILIKE ${pattern}`,
        ]),
      );
    }
    return eb.and(all);
  };
}

export interface HistoryRow {
  id: number;
  acceptedAt: Date;
  type: MessageType;
  /** FriendTalk with an image (친구톡 포토) */
  photo: boolean;
  /** 템플릿 제목: the template's name, else the subject, else the start of the text */
  title: string;
  templateCode: string | null;
  /** 발신번호 (digits) or 채널ID (the channel's search id, @…) */
  sender: string;
  senderNumber: string | null;
  channelSearchId: string | null;
  isAd: boolean;
  state: BatchState;
  total: number;
  success: number;
  failure: number;
  pending: number;
  cancelled: number;
  reserveAt: Date | null;
  /** 최근 발송 일시: the last send, or the acceptance while nothing was sent */
  lastSentAt: Date;
  doneAt: Date | null;
}

const TITLE_CHARS = 40;

export function titleOf(templateName: string | null, content: Record<string, unknown>): string {
  if (templateName) return templateName;
  const subject = typeof content['subject'] === 'string' ? content['subject'].trim() : '';
  if (subject) return subject;
  const text = typeof content['text'] === 'string' ? content['text'].replace(/\s+/g, ' ').trim() : '';
  return text.length > TITLE_CHARS ? `${text.slice(0, TITLE_CHARS)}…` : text;
}

function hasImage(content: Record<string, unknown>): boolean {
  const v = content['image'] ?? content['imageId'] ?? content['images'];
  return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '';
}

/** The batches of `where`, with the channel's search id, newest first. */
export function historyRows(db: Db, where: ReturnType<typeof historyWhere>) {
  return db
    .selectFrom('message_batches')
    .leftJoin('kakao_channels', 'kakao_channels.id', 'message_batches.channel_id')
    .where(where)
    .select([
      'message_batches.id', 'message_batches.accepted_at', 'message_batches.type', 'message_batches.template_name', 'message_batches.template_code',
      'message_batches.content', 'message_batches.sender_number', 'message_batches.is_ad', 'message_batches.state', 'message_batches.total',
      'message_batches.success', 'message_batches.failure', 'message_batches.pending', 'message_batches.cancelled', 'message_batches.reserve_at',
      'message_batches.last_sent_at', 'message_batches.done_at', 'kakao_channels.search_id',
    ])
    .orderBy('message_batches.accepted_at', 'desc')
    .orderBy('message_batches.id', 'desc');
}

type RowOf = Awaited<ReturnType<ReturnType<typeof historyRows>['execute']>>[number];

export function historyRowOf(r: RowOf): HistoryRow {
  const content = (r.content ?? {}) as Record<string, unknown>;
  const channel = r.search_id ?? null;
  return {
    id: Number(r.id),
    acceptedAt: r.accepted_at,
    type: r.type,
    photo: r.type === 'friendtalk' && hasImage(content),
    title: titleOf(r.template_name, content),
    templateCode: r.template_code,
    sender: channel ?? r.sender_number ?? '',
    senderNumber: r.sender_number,
    channelSearchId: channel,
    isAd: r.is_ad,
    state: r.state,
    total: r.total,
    success: r.success,
    failure: r.failure,
    pending: r.pending,
    cancelled: r.cancelled,
    reserveAt: r.reserve_at,
    lastSentAt: r.last_sent_at ?? r.accepted_at,
    doneAt: r.done_at,
  };
}

/** 유형 as the seed's screen names it. */
export function typeName(row: Pick<HistoryRow, 'type' | 'photo'>, lang: 'ko' | 'en' = 'ko'): string {
  const ko: Record<MessageType, string> = { alimtalk: '알림톡', friendtalk: row.photo ? '친구톡 포토' : '친구톡 텍스트', brand: '브랜드 메시지', sms: 'SMS', lms: 'LMS', mms: 'MMS', auto: '문자 (자동)' };
  const en: Record<MessageType, string> = { alimtalk: 'AlimTalk', friendtalk: row.photo ? 'FriendTalk photo' : 'FriendTalk text', brand: 'Brand Message', sms: 'SMS', lms: 'LMS', mms: 'MMS', auto: 'SMS/LMS (auto)' };
  return (lang === 'en' ? en : ko)[row.type];
}

/** 상태 as shown (a batch's state). */
export function stateName(state: BatchState, lang: 'ko' | 'en' = 'ko'): string {
  const ko: Record<BatchState, string> = { reserved: '예약', queued: '대기', sending: '진행중', done: '완료', cancelled: '취소' };
  const en: Record<BatchState, string> = { reserved: 'Reserved', queued: 'Queued', sending: 'Sending', done: 'Done', cancelled: 'Cancelled' };
  return (lang === 'en' ? en : ko)[state];
}

/** The partner's batches among `ids` as history rows (any period; e.g. the titles of the reservation list). */
export async function historyRowsByIds(db: Db, partnerId: number, ids: number[]): Promise<Map<number, HistoryRow>> {
  if (!ids.length) return new Map();
  const rows = await historyRows(db, (eb) => eb.and([eb('message_batches.partner_id', '=', partnerId), eb('message_batches.id', 'in', ids)])).execute();
  return new Map(rows.map((r) => [Number(r.id), historyRowOf(r)]));
}
