/**
 * REST: AlimTalk templates (알림톡 템플릿, docs/messaging.md "Templates").
 *   partner (Access Key):  POST /v1/kakao/templates · GET /v1/kakao/templates · GET|PUT|DELETE /v1/kakao/templates/{id}
 *                          · POST /v1/kakao/templates/{id}/submit
 *   operator (token):      GET /v1/operator/kakao/templates · POST /v1/operator/kakao/templates/{id}/approve|reject
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { BUTTON_TYPES, EMPHASIS_TYPES, MESSAGE_TYPES } from '../../modules/messaging/templates/template-model.ts';
import { TEMPLATE_STATES } from '../../modules/messaging/templates/tables.ts';
import type { KakaoTemplate } from '../../modules/messaging/templates/template-repo.ts';
import { createTemplate } from '../../modules/messaging/templates/create-template.ts';
import { listTemplates } from '../../modules/messaging/templates/list-templates.ts';
import { getTemplate } from '../../modules/messaging/templates/get-template.ts';
import { updateTemplate } from '../../modules/messaging/templates/update-template.ts';
import { submitTemplate } from '../../modules/messaging/templates/submit-template.ts';
import { deleteTemplate } from '../../modules/messaging/templates/delete-template.ts';
import { listTemplatesForReview } from '../../modules/messaging/templates/list-templates-for-review.ts';
import { approveTemplate } from '../../modules/messaging/templates/approve-template.ts';
import { rejectTemplate } from '../../modules/messaging/templates/reject-template.ts';
import { operatorGuard } from './operator-auth.ts';
import { partnerCaller } from './partner-caller.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader, StringEnum } from './schemas.ts';

const Nullable = <S extends ReturnType<typeof Type.String>>(s: S) => Type.Union([s, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

const Button = Type.Object(
  {
    type: StringEnum(BUTTON_TYPES, { description: 'WL 웹 링크, AL 앱 링크, DS 배송 조회, BK 봇 키워드, MD 메시지 전달, BC 상담톡 전환, BT 봇 전환, AC 채널 추가 (AD/MI only, first, named "채널 추가"); quick replies take WL, AL, BK, BC, BT' }),
    name: Type.String({ description: '≤ 14 characters, no #{variables}' }),
    linkMo: Type.Optional(Type.String({ description: 'WL (required) / AL: http(s) URL, ≤ 500; may hold #{variables}' })),
    linkPc: Type.Optional(Type.String({ description: 'WL: http(s) URL, ≤ 500' })),
    schemeIos: Type.Optional(Type.String({ description: 'AL: two of schemeIos, schemeAndroid, linkMo' })),
    schemeAndroid: Type.Optional(Type.String()),
    chatExtra: Type.Optional(Type.String({ description: 'BC / BT, ≤ 50' })),
    chatEvent: Type.Optional(Type.String({ description: 'BT, ≤ 50' })),
  },
  { $id: 'KakaoTemplateButton', additionalProperties: false },
);
const Item = Type.Object({ title: Type.String(), description: Type.String() }, { additionalProperties: false });

/** The parts a partner writes (POST adds channelId and code; PUT takes these only). */
const contentFields = {
  name: Type.String({ description: '템플릿명, ≤ 150 characters' }),
  messageType: Type.Optional(StringEnum(MESSAGE_TYPES, { description: 'BA 기본형 (default), EX 부가정보형, AD 채널추가형, MI 복합형' })),
  emphasisType: Type.Optional(StringEnum(EMPHASIS_TYPES, { description: 'NONE (default), TEXT 강조표기형, IMAGE 이미지형, ITEM_LIST 아이템리스트형' })),
  body: Type.String({ description: '본문 with #{variables}; body + extra ≤ 1,000 characters (700 with items; 40 fewer for AD/MI); ≤ 40 distinct variables' }),
  extra: Type.Optional(Type.String({ description: '부가정보, EX/MI (required there), ≤ 500' })),
  ad: Type.Optional(Type.String({ description: 'AD/MI: the channel-add notice, ≤ 40 (default Kakao\'s fixed text)' })),
  title: Type.Optional(Type.String({ description: 'TEXT: 강조 제목, ≤ 50' })),
  subtitle: Type.Optional(Type.String({ description: 'TEXT: 강조 부제, ≤ 50' })),
  imageUrl: Type.Optional(Type.String({ description: 'IMAGE (required) / ITEM_LIST: http(s) URL' })),
  header: Type.Optional(Type.String({ description: 'ITEM_LIST: ≤ 16' })),
  highlight: Type.Optional(Type.Object({ title: Type.String({ description: '≤ 30' }), description: Type.String({ description: '≤ 19' }) }, { additionalProperties: false })),
  items: Type.Optional(Type.Array(Item, { description: 'ITEM_LIST: 2 to 10 items, title ≤ 6, description ≤ 23' })),
  buttons: Type.Optional(Type.Array(Type.Ref('KakaoTemplateButton'), { description: '≤ 5' })),
  quickReplies: Type.Optional(Type.Array(Type.Ref('KakaoTemplateButton'), { description: '≤ 5' })),
};

const TemplateSchema = Type.Object(
  {
    id: Type.Integer(),
    channelId: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    messageType: StringEnum(MESSAGE_TYPES),
    emphasisType: StringEnum(EMPHASIS_TYPES),
    body: Type.String(),
    extra: Type.Optional(Type.String()),
    ad: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    subtitle: Type.Optional(Type.String()),
    imageUrl: Type.Optional(Type.String()),
    header: Type.Optional(Type.String()),
    highlight: Type.Optional(Item),
    items: Type.Optional(Type.Array(Item)),
    buttons: Type.Array(Type.Ref('KakaoTemplateButton')),
    quickReplies: Type.Array(Type.Ref('KakaoTemplateButton')),
    variables: Type.Array(Type.String(), { description: 'distinct #{variables}, in order of first appearance' }),
    state: StringEnum(TEMPLATE_STATES, { description: 'REG 등록 → REQ 검수요청 → APR 승인 | REJ 반려 (reviewComment); only APR sends' }),
    reviewComment: Nullable(Type.String({ description: "the reviewer's comment of the last rejection" })),
    dormant: Type.Boolean({ description: 'no send for a year: not sendable' }),
    submittedAt: NullableTime,
    reviewedAt: NullableTime,
    approvedAt: NullableTime,
    lastUsedAt: NullableTime,
    dormantAt: NullableTime,
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: 'KakaoTemplate' },
);
const ReviewTemplateSchema = Type.Object({ partnerId: Type.Integer({ description: 'the partner who wrote it' }), ...TemplateSchema.properties });

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const partnerSecurity = [{ partnerKey: [] }];
const operatorSecurity = [{ operatorToken: [] }];

const iso = (d: Date | null) => (d ? d.toISOString() : null);
function view(t: KakaoTemplate) {
  return {
    ...t,
    submittedAt: iso(t.submittedAt),
    reviewedAt: iso(t.reviewedAt),
    approvedAt: iso(t.approvedAt),
    lastUsedAt: iso(t.lastUsedAt),
    dormantAt: iso(t.dormantAt),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export async function kakaoTemplateRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  app.addSchema(Button);
  app.addSchema(TemplateSchema);
  const tags = ['messaging: AlimTalk templates'];
  const one = { 200: Type.Ref('KakaoTemplate') };

  app.post(
    '/v1/kakao/templates',
    {
      schema: {
        tags, security: partnerSecurity, summary: '알림톡 템플릿 등록 (register on one of your active channels: state REG)',
        headers: IdempotencyKeyHeader,
        body: Type.Object({ channelId: Type.Integer({ minimum: 1, description: 'one of your active Kakao channels' }), code: Type.String({ description: 'template code, unique per channel: ≤ 30 of A-Z a-z 0-9 _ -' }), ...contentFields }, { additionalProperties: false }),
        response: { 201: Type.Ref('KakaoTemplate'), ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = await partnerCaller(req, guard);
      const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 201, body: view(await createTemplate(c, { partnerId: p.partnerId, input: req.body })) }));
      return reply.code(r.status as 201).send(r.body);
    },
  );
  app.get(
    '/v1/kakao/templates',
    {
      schema: {
        tags, security: partnerSecurity, summary: '알림톡 템플릿 목록 (newest first; filter by channel and state)',
        querystring: Type.Object({ channelId: Type.Optional(Type.Integer({ minimum: 1 })), state: Type.Optional(StringEnum(TEMPLATE_STATES)) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('KakaoTemplate')) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return { data: (await listTemplates(ctx, { partnerId: p.partnerId, channelId: req.query.channelId, state: req.query.state })).map(view) };
    },
  );
  app.get(
    '/v1/kakao/templates/:id',
    { schema: { tags, security: partnerSecurity, summary: '알림톡 템플릿 조회', params: IdParams, response: { ...one, ...errors(401, 403, 404) } } },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return view(await getTemplate(ctx, { partnerId: p.partnerId, templateId: req.params.id }));
    },
  );
  app.put(
    '/v1/kakao/templates/:id',
    {
      schema: {
        tags, security: partnerSecurity, summary: '알림톡 템플릿 수정 (REG or REJ only; back to REG, submit again; channel and code stay)',
        headers: IdempotencyKeyHeader, params: IdParams, body: Type.Object(contentFields, { additionalProperties: false }),
        response: { ...one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return (await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 200, body: view(await updateTemplate(c, { partnerId: p.partnerId, templateId: req.params.id, input: req.body })) }))).body;
    },
  );
  app.post(
    '/v1/kakao/templates/:id/submit',
    {
      schema: {
        tags, security: partnerSecurity, summary: '검수 요청 (REG or REJ → REQ)', headers: IdempotencyKeyHeader, params: IdParams,
        response: { ...one, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return (await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => ({ status: 200, body: view(await submitTemplate(c, { partnerId: p.partnerId, templateId: req.params.id })) }))).body;
    },
  );
  app.delete(
    '/v1/kakao/templates/:id',
    {
      schema: {
        tags, security: partnerSecurity, summary: '알림톡 템플릿 삭제 (never approved, never used)', params: IdParams,
        response: { 200: Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) }), ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = await partnerCaller(req, guard);
      return deleteTemplate(ctx, { partnerId: p.partnerId, templateId: req.params.id });
    },
  );

  const otags = ['messaging: AlimTalk templates (operator)'];
  const onRequest = operatorGuard(opts.operatorToken);
  app.get(
    '/v1/operator/kakao/templates',
    {
      onRequest,
      schema: {
        tags: otags, security: operatorSecurity, summary: '템플릿 검수 목록 (every partner\'s templates in a state, REQ by default; oldest first, ≤ 1,000)',
        querystring: Type.Object({ state: Type.Optional(StringEnum(TEMPLATE_STATES)) }),
        response: { 200: Type.Object({ data: Type.Array(ReviewTemplateSchema) }), ...errors(400, 401) },
      },
    },
    async (req) => ({ data: (await listTemplatesForReview(ctx, { state: req.query.state })).map((t) => ({ ...view(t), partnerId: t.partnerId })) }),
  );
  app.post(
    '/v1/operator/kakao/templates/:id/approve',
    { onRequest, schema: { tags: otags, security: operatorSecurity, summary: '템플릿 승인 (REQ → APR)', headers: IdempotencyKeyHeader, params: IdParams, response: { ...one, ...errors(401, 404, 409) } } },
    async (req) => (await runIdempotent(ctx, req, 'operator', async (c) => ({ status: 200, body: view(await approveTemplate(c, { templateId: req.params.id })) }))).body,
  );
  app.post(
    '/v1/operator/kakao/templates/:id/reject',
    {
      onRequest,
      schema: {
        tags: otags, security: operatorSecurity, summary: '템플릿 반려 (REQ → REJ with the reviewer\'s comment)', headers: IdempotencyKeyHeader, params: IdParams,
        body: Type.Object({ comment: Type.String({ description: 'why: shown to the partner, ≤ 1,000 characters' }) }, { additionalProperties: false }),
        response: { ...one, ...errors(400, 401, 404, 409) },
      },
    },
    async (req) => (await runIdempotent(ctx, req, 'operator', async (c) => ({ status: 200, body: view(await rejectTemplate(c, { templateId: req.params.id, input: req.body })) }))).body,
  );
}
