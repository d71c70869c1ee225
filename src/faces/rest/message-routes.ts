/**
 * REST: sending messages (docs/messaging.md "Sending").
 *   partner (Access Key):  POST /v1/messages · GET /v1/messages/{id} · GET /v1/messages/{id}/recipients
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { acceptMessages, type AcceptResult } from '../../modules/messaging/sending/accept-messages.ts';
import { ensureMessagePartitions } from '../../modules/messaging/sending/message-partitions.ts';
import { getMessageBatch, type MessageBatchView } from '../../modules/messaging/sending/get-message-batch.ts';
import { listMessageRecipients, MAX_RECIPIENT_PAGE } from '../../modules/messaging/sending/list-message-recipients.ts';
import { MESSAGE_TYPES } from '../../modules/messaging/sending/message-request.ts';
import { partnerCaller } from './partner-caller.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';

const BATCH_STATES = ['reserved', 'queued', 'sending', 'done', 'cancelled'] as const;
const RECIPIENT_STATES = ['reserved', 'queued', 'sending', 'delivered', 'failed', 'cancelled'] as const;
const KINDS = ['alimtalk', 'friendtalk', 'brand', 'sms', 'lms', 'mms'] as const;
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

const Fallback = Type.Object(
  {
    type: Type.Optional(StringEnum(['sms', 'lms', 'auto'] as const, { description: '대체발송 유형: sms, lms, auto(길이로 결정, 기본) (fallback kind; auto by length, the default)' })),
    text: Type.Optional(Type.String({ description: '대체 문자 본문, 없으면 카카오 본문 (fallback text; defaults to the Kakao text)' })),
    subject: Type.Optional(Type.String({ description: 'LMS 제목 ≤ 40바이트 (LMS subject, ≤ 40 bytes EUC-KR)' })),
  },
  { additionalProperties: false },
);

const Button = Type.Object(
  {
    type: StringEnum(['WL', 'AL', 'BK', 'MD', 'BC', 'BT'] as const, { description: 'WL 웹 링크, AL 앱 링크, BK 봇 키워드, MD 메시지 전달, BC 상담톡 전환, BT 봇 전환' }),
    name: Type.String({ description: '버튼 이름 ≤ 14자 (≤ 14 characters)' }),
    linkMo: Type.Optional(Type.String({ description: 'WL (필수) / AL: http(s) URL' })),
    linkPc: Type.Optional(Type.String({ description: 'WL: http(s) URL' })),
    schemeIos: Type.Optional(Type.String({ description: 'AL: schemeIos, schemeAndroid, linkMo 중 2개 (two of the three)' })),
    schemeAndroid: Type.Optional(Type.String()),
    chatExtra: Type.Optional(Type.String({ description: 'BC / BT, ≤ 50' })),
    chatEvent: Type.Optional(Type.String({ description: 'BT, ≤ 50' })),
  },
  { additionalProperties: false },
);

const SendBody = Type.Object(
  {
    type: StringEnum(MESSAGE_TYPES, { description: '메시지 유형 (message type): alimtalk 알림톡, friendtalk 친구톡, brand 브랜드 메시지, sms, lms, mms, auto (SMS ≤ 90바이트이고 제목 없으면 SMS, 아니면 LMS / SMS when ≤ 90 bytes without subject, else LMS)' }),
    from: Type.Optional(Type.String({ description: '등록·승인된 발신번호, 숫자만: sms/lms/mms/auto와 대체발송에 필수 (registered, approved sender number, digits only; required for SMS types and any fallback)', examples: ['0212345678'] })),
    channelId: Type.Optional(Type.Integer({ minimum: 1, description: '사용 중인 내 카카오 채널 id: alimtalk/friendtalk/brand에 필수 (your active Kakao channel, for Kakao types)' })),
    templateCode: Type.Optional(Type.String({ description: '알림톡: 이 채널의 승인(APR)된 휴면 아닌 템플릿 코드 (alimtalk: an approved, not dormant template code of the channel)' })),
    subject: Type.Optional(Type.String({ description: '제목, LMS/MMS/auto, ≤ 40바이트 EUC-KR (subject, LMS/MMS, ≤ 40 bytes)' })),
    text: Type.Optional(Type.String({ description: '공통 본문, 수신자별 text가 우선 (common text; a recipient\'s text overrides). SMS ≤ 90바이트, LMS/MMS ≤ 2,000바이트 (EUC-KR, KS X 1001); 카카오 ≤ 1,000자 (친구톡 이미지 400, 브랜드 1,300)' })),
    images: Type.Optional(Type.Array(Type.String({ description: 'base64 JPEG, ≤ 300KB, ≤ 1000×1000px (내용으로 판별 / checked by content)' }), { description: '이미지: mms 1~3개, friendtalk 사진 1개 (images: mms 1–3, friendtalk photo exactly 1)' })),
    buttons: Type.Optional(Type.Array(Button, { description: 'friendtalk/brand 버튼 ≤ 5: WL, AL, BK, MD, BC, BT (buttons)' })),
    ad: Type.Optional(Type.Boolean({ description: '광고 여부: friendtalk 기본 true, brand 항상 true, alimtalk 불가, 문자 기본 false. 광고는 "(광고)"로 시작하고 무료수신거부 080 번호 필수 (advertisement flag; an ad starts with "(광고)" and carries a free 080 opt-out)' })),
    adNight: Type.Optional(StringEnum(['refuse', 'hold'] as const, { description: '야간 광고(카카오 20:50~08:00, 문자 21:00~08:00 KST): refuse 거절(기본), hold 08:00 KST까지 보류 후 발송 (night ads: refuse, the default, or hold until 08:00 KST)' })),
    brandTarget: Type.Optional(StringEnum(['friends', 'consented'] as const, { description: '브랜드 메시지 대상: friends 채널 친구(기본), consented 마케팅 수신 동의자(친구 아니어도) (Brand Message audience: channel friends, or marketing-consented users)' })),
    reserveAt: Type.Optional(Type.String({ description: '예약 시각, ISO 8601 with offset, 지금 이후 60일 이내 (reserved time, ISO 8601, within 60 days)', examples: ['2026-03-02T09:00:00+09:00'] })),
    fallback: Type.Optional(Fallback),
    acceptValid: Type.Optional(Type.Boolean({ description: 'true: 올바른 수신자만 받고 오류 수신자는 rejected로 알림; false(기본): 오류가 하나라도 있으면 전체 거절 (accept the valid recipients and list the others; default: refuse the whole request)' })),
    recipients: Type.Array(
      Type.Object(
        {
          to: Type.String({ description: '수신 휴대폰 번호, 숫자만 (mobile number, digits only)', examples: ['01012345678'] }),
          clientRef: Type.Optional(Type.String({ description: '내 참조 키 ≤ 64자, 파트너별 영구 유일: 반복되면 발송하지 않고 기존 수신자로 응답 (your reference ≤ 64, unique per partner for ever; a repeat is answered, not sent again)' })),
          variables: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: '알림톡 템플릿 변수 값 {"고객명": "홍길동"} (AlimTalk template variables)' })),
          text: Type.Optional(Type.String({ description: '이 수신자의 본문 (this recipient\'s text; AlimTalk: must equal the template with some substitution)' })),
          subject: Type.Optional(Type.String({ description: '이 수신자의 제목 (this recipient\'s subject)' })),
          fallback: Type.Optional(Type.Union([Fallback, Type.Literal(false)], { description: '이 수신자의 대체발송, false면 없음 (this recipient\'s fallback; false for none)' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000, description: '수신자 1~10,000명 (1 to 10,000 recipients)' },
    ),
  },
  { additionalProperties: false },
);

const AcceptAnswer = Type.Object(
  {
    id: Type.Union([Type.Integer(), Type.Null()], { description: '메시지 요청(배치) id; 모든 수신자가 기존 clientRef 반복이면 null (batch id; null when every recipient repeated a clientRef)' }),
    state: Type.Union([StringEnum(BATCH_STATES), Type.Null()], { description: 'queued 발송 대기, reserved 예약(또는 야간 광고 보류) (queued, or reserved)' }),
    type: StringEnum(MESSAGE_TYPES),
    total: Type.Integer({ description: '이번에 저장된 수신자 수 (recipients stored by this request)' }),
    duplicates: Type.Integer({ description: 'clientRef 반복으로 저장하지 않은 수 (repeats answered, not stored)' }),
    acceptedAt: Time,
    reserveAt: NullableTime,
    holdReason: Type.Union([Type.Literal('ad_night'), Type.Null()], { description: 'ad_night: 야간 광고를 08:00 KST까지 보류 (a night ad held to 08:00 KST)' }),
    recipients: Type.Array(
      Type.Object({
        index: Type.Integer({ description: '요청의 수신자 순번, 0부터 (index in the request, 0-based)' }),
        id: Type.Integer({ description: '수신자 id (중복이면 기존 수신자) (recipient id; a duplicate\'s is the earlier one)' }),
        batchId: Type.Integer(),
        clientRef: NullableString,
        duplicate: Type.Boolean(),
      }),
      { description: '받은 수신자 모두, 순번 순 (every accepted recipient, by index)' },
    ),
    rejected: Type.Array(Type.Object({ index: Type.Integer(), field: Type.String(), code: Type.String(), message: Type.String() }), { description: 'acceptValid: 거절된 수신자 (최대 1,000건 표시) (rejected recipients, at most 1,000 listed)' }),
    rejectedCount: Type.Integer(),
  },
  { $id: 'MessageAcceptance' },
);

export const MessageBatchSchema = Type.Object(
  {
    id: Type.Integer(),
    type: StringEnum(MESSAGE_TYPES),
    state: StringEnum(BATCH_STATES, { description: 'reserved 예약 → queued 대기 → sending 발송 중 → done 완료; cancelled 취소' }),
    isAd: Type.Boolean(),
    holdReason: NullableString,
    senderNumber: Type.Union([Type.String(), Type.Null()], { description: '발신번호 (sender number)' }),
    channelId: Type.Union([Type.Integer(), Type.Null()]),
    channelSearchId: Type.Union([Type.String(), Type.Null()], { description: '카카오 채널 검색용 아이디 @… (channel search id)' }),
    templateCode: NullableString,
    templateName: NullableString,
    total: Type.Integer(),
    success: Type.Integer(),
    failure: Type.Integer(),
    pending: Type.Integer({ description: '대기 (not final yet)' }),
    cancelled: Type.Integer(),
    acceptedAt: Time,
    reserveAt: NullableTime,
    lastSentAt: NullableTime,
    cancelledAt: NullableTime,
    doneAt: NullableTime,
  },
  { $id: 'MessageBatch' },
);

const RecipientSchema = Type.Object({
  index: Type.Integer(),
  id: Type.Integer(),
  to: Type.String(),
  clientRef: NullableString,
  kind: StringEnum(KINDS),
  state: StringEnum(RECIPIENT_STATES),
  resultCode: NullableString,
  resultMessage: NullableString,
  sentAt: NullableTime,
  doneAt: NullableTime,
  attempts: Type.Array(
    Type.Object({
      attemptNo: Type.Integer(),
      kind: StringEnum(KINDS),
      isFallback: Type.Boolean(),
      state: StringEnum(['queued', 'sent', 'delivered', 'failed'] as const),
      resultCode: NullableString,
      resultMessage: NullableString,
      sentAt: NullableTime,
      reportedAt: NullableTime,
    }),
  ),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function batchJson(b: MessageBatchView) {
  return { ...b, acceptedAt: b.acceptedAt.toISOString(), reserveAt: iso(b.reserveAt), lastSentAt: iso(b.lastSentAt), cancelledAt: iso(b.cancelledAt), doneAt: iso(b.doneAt) };
}

function acceptJson(r: AcceptResult) {
  return { ...r, acceptedAt: r.acceptedAt.toISOString(), reserveAt: iso(r.reserveAt), holdReason: r.holdReason as 'ad_night' | null };
}

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const partnerSecurity = [{ partnerKey: [] }];

/** Room for 10,000 recipients and three 300 KB images in base64. */
export const SEND_BODY_LIMIT = 32 * 1024 * 1024;

export async function messageRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(AcceptAnswer);
  app.addSchema(MessageBatchSchema);
  const tags = ['messaging: sending'];

  app.post(
    '/v1/messages',
    {
      bodyLimit: SEND_BODY_LIMIT,
      schema: {
        tags, security: partnerSecurity,
        summary: '메시지 발송 요청 (send: AlimTalk, FriendTalk, Brand Message, SMS/LMS/MMS; 1–10,000 recipients accepted in one transaction, answered 202 with the batch id)',
        headers: IdempotencyKeyHeader,
        body: SendBody,
        response: { 202: Type.Ref('MessageAcceptance'), ...errors(400, 401, 403, 404, 409, 413, 429) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      // partitions are made in a transaction of their own, before the accepting one
      await ensureMessagePartitions(ctx.db, ctx.clock.now());
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 202, body: acceptJson(await acceptMessages(c, p.partnerId, req.body as Input)) }));
      return reply.code(202).send(r.body);
    },
  );
  app.get(
    '/v1/messages/:id',
    { schema: { tags, security: partnerSecurity, summary: '메시지 요청 조회 (a batch: state, counts, sender, template, times)', params: IdParams, response: { 200: Type.Ref('MessageBatch'), ...errors(401, 403, 404) } } },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return batchJson(await getMessageBatch(ctx, p.partnerId, req.params.id));
    },
  );
  app.get(
    '/v1/messages/:id/recipients',
    {
      schema: {
        tags, security: partnerSecurity,
        summary: '수신자별 결과 (recipients of a batch in request order, with their attempts; paged: after = the last index seen, from `next`)',
        params: IdParams,
        querystring: Type.Object({
          state: Type.Optional(StringEnum(RECIPIENT_STATES)),
          after: Type.Optional(Type.Integer({ minimum: -1, description: '이 순번 다음부터 (recipients after this index; the previous page\'s next)' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RECIPIENT_PAGE, description: '≤ 1,000, default 100' })),
        }),
        response: { 200: Type.Object({ data: Type.Array(RecipientSchema), next: Type.Union([Type.Integer(), Type.Null()], { description: '다음 페이지의 after, 끝이면 null (after for the next page; null at the end)' }) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      const r = await listMessageRecipients(ctx, p.partnerId, req.params.id, { state: req.query.state, after: req.query.after, limit: req.query.limit });
      return {
        next: r.next,
        data: r.data.map((x) => ({ ...x, sentAt: iso(x.sentAt), doneAt: iso(x.doneAt), attempts: x.attempts.map((a) => ({ ...a, sentAt: iso(a.sentAt), reportedAt: iso(a.reportedAt) })) })),
      };
    },
  );
}
