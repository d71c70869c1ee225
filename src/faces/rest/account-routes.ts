/**
 * REST: members, subscriptions and service keys — the same use cases as the legacy pages. The accounts and
 * subscriptions modules speak REST's camelCase (`loginId`, `password`, `packageId` …), so bodies go to the
 * core as they are and errors come back naming the body's fields; no renaming table is needed here.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { registerMember } from '../../modules/accounts/register-member.ts';
import { checkLoginId } from '../../modules/accounts/check-login-id.ts';
import { verifyMemberCredentials } from '../../modules/accounts/verify-member-credentials.ts';
import { applySubscription } from '../../modules/subscriptions/apply-subscription.ts';
import { getServiceKey, resetServiceKey } from '../../modules/subscriptions/get-service-key.ts';
import { runIdempotent } from './idempotency.ts';
import { Bizno, Credentials, errors, IdempotencyKeyHeader, Krw, YyyyMmDd } from './schemas.ts';


const Member = Type.Object({ memberNo: Type.Integer(), bizno: Type.String(), loginId: Type.String() }, { $id: 'Member' });
const Subscription = Type.Object(
  {
    subscriptionId: Type.Integer({ description: 'sinchno' }),
    dbName: Type.String({ description: 'ledger database name, tax + 6 digits' }),
    state: Type.String(),
    packageId: Type.Integer(),
    unitIds: Type.Array(Type.Integer()),
    startDate: Type.String(),
    endDate: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Subscription' },
);
const ServiceKey = Type.Object(
  {
    subscriptionId: Type.Integer({ description: 'sinchno' }),
    serviceKey: Type.String({ description: 'svc_key: send with every document call' }),
    companyName: Type.String(),
    endDate: Type.Union([Type.String(), Type.Null()]),
    state: Type.String(),
  },
  { $id: 'ServiceKey' },
);

export async function accountRoutes(instance: FastifyInstance, opts: { ctx: Ctx }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  app.addSchema(Member);
  app.addSchema(Subscription);
  app.addSchema(ServiceKey);

  app.post(
    '/v1/members',
    {
      schema: {
        tags: ['members'],
        summary: '회원가입 (register a member)',
        description: 'Same as legacy `_member.aspx cmd=INSERT`. Supports `Idempotency-Key`.',
        headers: IdempotencyKeyHeader,
        body: Type.Object({
          bizno: Bizno,
          subBizno: Type.Optional(Type.String({ description: '종사업장번호, 4 digits' })),
          companyName: Type.String({ description: '상호' }),
          ceoName: Type.String({ description: '대표자' }),
          businessType: Type.Optional(Type.String({ description: '업태' })),
          businessItem: Type.Optional(Type.String({ description: '종목' })),
          zipcode: Type.Optional(Type.String()),
          address1: Type.Optional(Type.String()),
          address2: Type.Optional(Type.String()),
          tel: Type.Optional(Type.String()),
          fax: Type.Optional(Type.String()),
          loginId: Type.String(),
          password: Type.String({ description: '8–64 characters, letters mixed with digits or symbols' }),
          userName: Type.String({ description: '담당자' }),
          email: Type.String(),
          department: Type.Optional(Type.String()),
          userTel: Type.Optional(Type.String()),
          mobile: Type.Optional(Type.String()),
          resellerCode: Type.Optional(Type.String()),
        }),
        response: { 201: Type.Ref('Member'), ...errors(400, 409) },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const r = await runIdempotent(ctx, req, 'public', async (c) => {
        const m = await registerMember(c, body);
        return { status: 201, body: { memberNo: m.memberNo, bizno: m.bizno, loginId: m.loginId } };
      });
      return reply.code(r.status as 201).send(r.body);
    },
  );

  app.get(
    '/v1/login-ids/:loginId',
    {
      schema: {
        tags: ['members'],
        summary: '아이디 중복 확인 (is a login ID free?)',
        description: 'Same as legacy `_member.aspx cmd=CHECKID`.',
        params: Type.Object({ loginId: Type.String() }),
        response: { 200: Type.Object({ loginId: Type.String(), available: Type.Boolean() }), ...errors(400) },
      },
    },
    async (req) => {
      const { loginId } = req.params;
      return checkLoginId(ctx, { loginId });
    },
  );

  app.post(
    '/v1/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: '서비스 신청 (apply for a service package)',
        description: 'Same as legacy `_service.aspx cmd=SINCHSERVICE`. The member authenticates with its business number, ID and password. Creates the subscription and its sales and purchase ledgers.',
        headers: IdempotencyKeyHeader,
        body: Type.Object({
          ...Credentials,
          packageId: Type.Integer({ minimum: 1, default: 1 }),
          unitIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, default: [1] }),
          amount: Krw,
          vat: Krw,
          totalAmount: Krw,
          startDate: Type.Optional(YyyyMmDd),
          endDate: Type.Optional(YyyyMmDd),
        }),
        response: { 201: Type.Ref('Subscription'), ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => {
      // the body's names are the core's (subscriptions and accounts speak the same camelCase as REST)
      const fields = req.body;
      // Credentials first, outside the idempotency transaction: a failure must stay counted by the
      // throttle, not roll back with the request.
      const member = await verifyMemberCredentials(ctx, fields, { ip: req.ip });
      const r = await runIdempotent(ctx, req, 'public', async (c) => {
        const s = await applySubscription(c, fields, { member });
        return {
          status: 201,
          body: { subscriptionId: s.sinchno, dbName: s.dbName, state: s.state, packageId: s.packageId, unitIds: s.unitIds, startDate: s.startDate, endDate: s.endDate },
        };
      });
      return reply.code(r.status as 201).send(r.body);
    },
  );

  const keyBody = Type.Object({ ...Credentials, subscriptionId: Type.Optional(Type.Integer({ minimum: 1, description: 'sinchno; default: the newest active one' })) });
  const keyView = (k: Awaited<ReturnType<typeof getServiceKey>>) => ({
    subscriptionId: k.sinchno,
    serviceKey: k.svcKey,
    companyName: k.comName,
    endDate: k.endDate,
    state: k.state,
  });

  app.post(
    '/v1/auth/service-key',
    {
      schema: {
        tags: ['subscriptions'],
        summary: '서비스키 조회 (get sinchno + svc_key)',
        description: 'Same as legacy `_auth.aspx cmd=GETSVCKEY`. The key is stable until reset.',
        body: keyBody,
        response: { 200: Type.Ref('ServiceKey'), ...errors(400, 401, 404) },
      },
    },
    async (req) => keyView(await getServiceKey(ctx, req.body, { ip: req.ip })),
  );

  app.post(
    '/v1/auth/service-key/reset',
    {
      schema: {
        tags: ['subscriptions'],
        summary: '서비스키 재발급 (reset svc_key; the old key stops working at once)',
        description: 'Same as legacy `_auth.aspx cmd=RESETKEY`.',
        body: keyBody,
        response: { 200: Type.Ref('ServiceKey'), ...errors(400, 401, 404) },
      },
    },
    async (req) => keyView(await resetServiceKey(ctx, req.body, { ip: req.ip })),
  );
}
