/**
 * REST: the send history (연동 API 발송내역, docs/messaging.md "History"), partner Access Key.
 *   GET    /v1/message-history        one page of batches for a query, the count and sums of the period
 *   GET    /v1/message-history.xlsx   the same query (or ?ids=…) as a streamed .xlsx; ?detail=recipients adds a sheet
 *   DELETE /v1/message-history        { ids } 선택삭제 · { all: true, confirm: true, …query } 전체삭제 (no recovery)
 * A batch's recipients: GET /v1/messages/{id}/recipients.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { HISTORY_PERIODS, HISTORY_STATES, HISTORY_TYPES, MAX_PAGE_SIZE } from '../../modules/messaging/history/history-query.ts';
import { typeName, type HistoryRow } from '../../modules/messaging/history/history-rows.ts';
import { listMessageHistory } from '../../modules/messaging/history/list-message-history.ts';
import { exportMessageHistory } from '../../modules/messaging/history/export-message-history.ts';
import { deleteMessageHistory } from '../../modules/messaging/history/delete-message-history.ts';
import { partnerCaller } from './partner-caller.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';

const Time = Type.String({ format: 'date-time' });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HistoryRowSchema = Type.Object(
  {
    id: Type.Integer({ description: '메시지 요청(배치) 번호 (the batch id: GET /v1/messages/{id}, /v1/messages/{id}/recipients)' }),
    type: StringEnum(HISTORY_TYPES, { description: '유형 (the requested type)' }),
    typeName: Type.String({ description: '유형 표시명: 알림톡, 친구톡 텍스트, 친구톡 포토, 브랜드 메시지, SMS, LMS, MMS, 문자 (자동) (the type as the portal shows it)' }),
    title: Type.String({ description: '템플릿 제목: the template name, else the subject, else the start of the text' }),
    templateCode: Type.Union([Type.String(), Type.Null()], { description: '알림톡 템플릿 코드 (AlimTalk template code)' }),
    sender: Type.String({ description: '발신번호 / 채널ID: the Kakao channel\'s search id (@…), else the sender number (digits)' }),
    senderNumber: Type.Union([Type.String(), Type.Null()], { description: '발신번호 (sender number, digits; SMS/LMS/MMS and fallbacks)' }),
    channelId: Type.Union([Type.String(), Type.Null()], { description: '채널ID: the Kakao channel\'s search id (@…)' }),
    isAd: Type.Boolean({ description: '광고 여부 (an advertisement)' }),
    state: StringEnum(HISTORY_STATES, { description: '상태: reserved 예약, queued 대기, sending 진행중, done 완료, cancelled 취소 (the batch state)' }),
    total: Type.Integer({ description: '발송 건수 (recipients)' }),
    success: Type.Integer({ description: '성공 (delivered)' }),
    failure: Type.Integer({ description: '실패 (failed, incl. no result within 48 hours: not charged)' }),
    pending: Type.Integer({ description: '대기 (no final result yet)' }),
    cancelled: Type.Integer({ description: '취소 (cancelled with a reservation)' }),
    acceptedAt: Type.String({ format: 'date-time', description: '접수 일시 (accepted)' }),
    reserveAt: Type.Union([Time, Type.Null()], { description: '예약 일시 (reserved for)' }),
    lastSentAt: Type.String({ format: 'date-time', description: '최근 발송 일시: the last send, else the acceptance (last sent)' }),
    doneAt: Type.Union([Time, Type.Null()], { description: '완료 일시 (every recipient final)' }),
  },
  { $id: 'MessageHistoryRow', additionalProperties: false },
);

const queryFields = {
  type: Type.Optional(StringEnum([...HISTORY_TYPES, 'all'] as const, { description: '유형 (type); all or absent: every type. friendtalk covers 친구톡 텍스트 and 포토' })),
  period: Type.Optional(StringEnum(HISTORY_PERIODS, { description: '발송일시 (period, KST): 1h 최근 1시간, today 오늘, 7d 7일 (from 00:00 KST 7 days ago), 1m 1달 (from 00:00 KST the same day last month; default), custom with from/to' })),
  from: Type.Optional(Type.String({ description: '직접 입력 시작일 (custom start date, KST) YYYY-MM-DD or YYYYMMDD', examples: ['2026-05-01'] })),
  to: Type.Optional(Type.String({ description: '직접 입력 종료일 (custom end date, KST, inclusive) YYYY-MM-DD or YYYYMMDD; ≤ 13 months after from', examples: ['2026-05-31'] })),
  state: Type.Optional(StringEnum([...HISTORY_STATES, 'all'] as const, { description: '상태 (batch state); all or absent: every state' })),
  q: Type.Optional(Type.String({ description: '검색어: 템플릿 제목 또는 내용 (search in the template title, subject and text; ≤ 100 characters)' })),
};
const ListQuery = Type.Object({
  ...queryFields,
  page: Type.Optional(Type.Integer({ minimum: 1, description: '페이지 (page, from 1)' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `한 페이지 건수 (rows per page, ≤ ${MAX_PAGE_SIZE}; default 20)` })),
});
const XlsxQuery = Type.Object({
  ...queryFields,
  ids: Type.Optional(Type.String({ description: '선택한 발송내역 번호, 쉼표로 구분 (only these batch ids, comma-separated; still within the period)', examples: ['12,15'] })),
  detail: Type.Optional(StringEnum(['recipients'] as const, { description: 'recipients: 수신자 시트 추가 (adds a sheet with every recipient and its attempts)' })),
});
const DeleteBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000, description: '선택삭제: 삭제할 발송내역 번호 (batch ids to delete; all or nothing)' })),
    all: Type.Optional(Type.Boolean({ description: '전체삭제: 조회 조건(기간, 유형, 상태, 검색어)에 맞는 모든 완료·취소 내역 (every finished batch the query matches)' })),
    confirm: Type.Optional(Type.Boolean({ description: '전체삭제 확인, 복구 불가 (required true with all: there is no recovery)' })),
    ...queryFields,
  },
  { additionalProperties: false },
);
const partnerSecurity = [{ partnerKey: [] }];

function view(r: HistoryRow) {
  return {
    id: r.id,
    type: r.type,
    typeName: typeName(r),
    title: r.title,
    templateCode: r.templateCode,
    sender: r.sender,
    senderNumber: r.senderNumber,
    channelId: r.channelSearchId,
    isAd: r.isAd,
    state: r.state,
    total: r.total,
    success: r.success,
    failure: r.failure,
    pending: r.pending,
    cancelled: r.cancelled,
    acceptedAt: r.acceptedAt.toISOString(),
    reserveAt: r.reserveAt?.toISOString() ?? null,
    lastSentAt: r.lastSentAt.toISOString(),
    doneAt: r.doneAt?.toISOString() ?? null,
  };
}

export async function messageHistoryRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(HistoryRowSchema);
  const tags = ['messaging: history'];

  app.get(
    '/v1/message-history',
    {
      schema: {
        tags, security: partnerSecurity,
        summary: '연동 API 발송내역 (send history: batches of a period, newest first, with the period\'s count and sums)',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            total: Type.Integer({ description: '조건에 맞는 발송내역 수 (batches the query matches)' }),
            summary: Type.Object({
              recipients: Type.Integer({ description: '기간 발송건수 (recipients of those batches)' }),
              success: Type.Integer(), failure: Type.Integer(), pending: Type.Integer(), cancelled: Type.Integer(),
            }, { description: '조건에 맞는 전체 합계 (sums over every matching batch, not just this page)' }),
            period: Type.Object({ name: StringEnum(HISTORY_PERIODS), from: Time, to: Type.String({ format: 'date-time', description: 'exclusive' }) }, { description: '조회 기간 (the resolved accepted_at range)' }),
            page: Type.Integer(),
            pageSize: Type.Integer(),
            nextPage: Type.Union([Type.Integer(), Type.Null()], { description: '다음 페이지 (the next page, or null)' }),
            data: Type.Array(Type.Ref('MessageHistoryRow')),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      const h = await listMessageHistory(ctx, p.partnerId, req.query);
      const { batches, ...sums } = h.summary;
      return {
        total: batches,
        summary: sums,
        period: { name: h.query.period, from: h.query.from.toISOString(), to: h.query.to.toISOString() },
        page: h.query.page,
        pageSize: h.query.pageSize,
        nextPage: h.nextPage,
        data: h.rows.map(view),
      };
    },
  );

  app.get(
    '/v1/message-history.xlsx',
    {
      schema: {
        tags, security: partnerSecurity,
        summary: '발송내역 엑셀 다운로드 (the same query as a streamed .xlsx: sheet 발송내역, and 수신자 with detail=recipients; KST times)',
        querystring: XlsxQuery,
        produces: [XLSX],
        response: { ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      const x = exportMessageHistory(ctx, p.partnerId, req.query, { detail: req.query.detail });
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="message-history.xlsx"; filename*=UTF-8''${encodeURIComponent(x.fileName)}`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(x.stream);
    },
  );

  app.delete(
    '/v1/message-history',
    {
      schema: {
        tags, security: partnerSecurity,
        summary: '발송내역 삭제, 복구 불가 (delete history without recovery: ids (선택삭제, all or nothing) or all + confirm (전체삭제 of the query); reserved and still-sending batches are not deleted; usage for settlement is kept)',
        headers: IdempotencyKeyHeader,
        body: DeleteBody,
        response: {
          200: Type.Object({
            deleted: Type.Integer({ description: '삭제한 발송내역 수 (batches deleted)' }),
            recipients: Type.Integer({ description: '삭제한 수신자 수 (their recipients deleted)' }),
            skipped: Type.Integer({ description: '전체삭제에서 남긴 예약·발송 중 내역 수 (reserved or sending batches left by all)' }),
          }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 200, body: await deleteMessageHistory(c, p.partnerId, req.body) }));
      return r.body;
    },
  );
}
