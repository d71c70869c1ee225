/**
 * REST face of the portal: `/v1/portal/…` (a portal user's session cookie, `X-CSRF-Token` on every
 * state change), `/v1/operator/…` (an operator session, or the operator token as Bearer) and
 * `/v1/partner/…` (a partner's Access Key as Bearer, IP allow-list enforced). Same use cases as the pages.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { ApiGuard } from '../legacy/legacy-commands.ts';
import { errors } from '../rest/schemas.ts';
import { runIdempotent } from '../rest/idempotency.ts';
import { changePassword, getPortalUser, signUp, updateProfile, withdraw, type PortalUser } from '../../modules/portal/portal-users.ts';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp } from '../../modules/portal/second-factor.ts';
import { approveConversion, cancelConversion, latestConversion, listConversions, rejectConversion, requestConversion } from '../../modules/portal/company-conversion.ts';
import {
  applicationStatus, applyForApiService, approveApplication, cancelApplication, getApplication, getApplicationDocument, listApplications, rejectApplication,
  requestDocuments, uploadApplicationDocument,
} from '../../modules/portal/api-applications.ts';
import { listPartnerMembers, listPartners, restorePartner, suspendPartner } from '../../modules/portal/partners.ts';
import {
  addApiKeyIp, deleteApiKey, getApiKey, issueApiKey, listApiKeys, reissueApiKey, removeApiKeyIp, replaceApiKeyIps, setApiKeyEnabled, type ApiKeyView,
} from '../../modules/portal/api-keys.ts';
import { listAudit } from '../../modules/portal/audit.ts';
import { createOperator } from '../../modules/portal/operators.ts';
import { registerMember } from '../../modules/accounts/register-member.ts';
import { assertCsrf, clientIp, partnerOf, requireOperator, requireUser, sessionToken } from './portal-http.ts';
import { completeLoginCode, loginOperator, loginUser, logout } from './auth-flow.ts';

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

const PortalUserSchema = Type.Object(
  {
    id: Type.Integer(),
    loginId: Type.String(),
    name: Type.String(),
    email: Type.String(),
    phone: Type.String(),
    kind: Type.String({ enum: ['individual', 'company'] }),
    company: Type.Union([
      Type.Object({ bizno: Type.String(), comName: Type.String(), ceoName: Type.String(), uptae: Type.String(), jongmok: Type.String(), addr: Type.String(), tel: Type.String() }),
      Type.Null(),
    ]),
    totpEnabled: Type.Boolean(),
    partner: Type.Union([Type.Object({ id: Type.Integer(), state: Type.String({ enum: ['active', 'suspended'] }), suspendedReason: Type.String() }), Type.Null()]),
    createdAt: DateTime,
    csrfToken: Type.Optional(Type.String({ description: 'send as X-CSRF-Token with every state-changing request of this session' })),
  },
  { $id: 'PortalUser' },
);
const ApiKeySchema = Type.Object(
  {
    id: Type.Integer(),
    prefix: Type.String({ description: 'the first characters of the Access Key, to tell keys apart' }),
    enabled: Type.Boolean({ description: 'ON / OFF' }),
    issuedAt: DateTime,
    lastUsedAt: NullableDateTime,
    ips: Type.Array(Type.String(), { description: 'IP allow-list (at most 5); an empty list refuses every call' }),
  },
  { $id: 'ApiKey' },
);
const IssuedKeySchema = Type.Object(
  { key: Type.Ref('ApiKey'), accessKey: Type.String({ description: 'shown once: only a hash is stored' }) },
  { $id: 'IssuedApiKey' },
);
const ConversionSchema = Type.Object(
  {
    id: Type.Integer(), userId: Type.Integer(), loginId: Type.Optional(Type.String()), bizno: Type.String(), comName: Type.String(), ceoName: Type.String(), uptae: Type.String(),
    jongmok: Type.String(), addr: Type.String(), tel: Type.String(), state: Type.String({ enum: ['pending', 'approved', 'rejected', 'cancelled'] }), reason: Type.String(),
    reviewedAt: NullableDateTime, createdAt: DateTime,
  },
  { $id: 'CompanyConversion' },
);
const ApplicationSchema = Type.Object(
  {
    id: Type.Integer(), userId: Type.Integer(), loginId: Type.Optional(Type.String()), comName: Type.Optional(Type.String()), bizno: Type.Optional(Type.String()),
    state: Type.String({ enum: ['pending', 'documents_requested', 'approved', 'rejected', 'cancelled'] }), note: Type.String(),
    reviewNote: Type.String({ description: 'rejection reason or the documents asked for' }), reviewedAt: NullableDateTime, rejectedAt: NullableDateTime, createdAt: DateTime,
    documents: Type.Array(Type.Object({ id: Type.Integer(), fileName: Type.String(), contentType: Type.String(), sizeBytes: Type.Integer(), uploadedAt: DateTime })),
  },
  { $id: 'ApiApplication' },
);
const ApplicationStatusSchema = Type.Object(
  {
    isCompany: Type.Boolean(),
    current: Type.Union([Type.Ref('ApiApplication'), Type.Null()]),
    blockedUntil: Type.Union([DateTime, Type.Null()], { description: 'a rejection blocks new applications until then (1 year)' }),
    canApply: Type.Boolean(),
  },
  { $id: 'ApiApplicationStatus' },
);
const PartnerSchema = Type.Object(
  {
    id: Type.Integer(), userId: Type.Integer(), loginId: Type.String(), comName: Type.String(), bizno: Type.String(), state: Type.String({ enum: ['active', 'suspended'] }),
    suspendedReason: Type.String(), suspendedAt: NullableDateTime, createdAt: DateTime, activeKeys: Type.Integer(), members: Type.Integer(),
  },
  { $id: 'Partner' },
);
const AuditSchema = Type.Object(
  {
    id: Type.Integer(), at: DateTime, actorKind: Type.String(), actorId: Type.Union([Type.Integer(), Type.Null()]), actorLabel: Type.String(), action: Type.String(),
    targetKind: Type.String(), targetId: Type.Union([Type.Integer(), Type.Null()]), ip: Type.String(), details: Type.Object({}, { additionalProperties: true }),
  },
  { $id: 'AuditEntry' },
);
const Ok = Type.Object({ ok: Type.Boolean() });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });

const session = [{ portalSession: [] }];
const opSecurity = [{ portalSession: [] }, { operatorToken: [] }];
const partnerSecurity = [{ partnerKey: [] }];
const csrfHeader = Type.Object({ 'x-csrf-token': Type.Optional(Type.String({ description: 'CSRF token of the session (from login or GET /v1/portal/me)' })) });

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const keyJson = (k: ApiKeyView) => ({ ...k, issuedAt: k.issuedAt.toISOString(), lastUsedAt: iso(k.lastUsedAt) });
const userJson = (u: PortalUser, csrfToken?: string) => ({ ...u, createdAt: u.createdAt.toISOString(), ...(csrfToken ? { csrfToken } : {}) });

function schema(s: Record<string, unknown>): { schema: Record<string, unknown> } {
  return { schema: s };
}

export interface PortalRestOptions {
  ctx: Ctx;
  operatorToken: string;
  guard: ApiGuard;
}

export async function portalRestRoutes(app: FastifyInstance, opts: PortalRestOptions): Promise<void> {
  const { ctx } = opts;
  for (const s of [PortalUserSchema, ApiKeySchema, IssuedKeySchema, ConversionSchema, ApplicationSchema, ApplicationStatusSchema, PartnerSchema, AuditSchema]) app.addSchema(s);
  const body = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;
  const tags = ['portal'];
  const opTags = ['operator console'];
  const ref = (id: string): TSchema => Type.Ref(id);

  // ---- portal accounts ----
  app.post('/v1/portal/signup', schema({
    tags, summary: '회원가입 (portal sign-up: an individual member)',
    body: Type.Object({ loginId: Type.String(), password: Type.String(), name: Type.String(), email: Type.String(), phone: Type.Optional(Type.String()) }),
    response: { 201: ref('PortalUser'), ...errors(400, 403, 409) },
  }), async (req, reply) => {
    const r = await runIdempotent(ctx, req, 'portal-signup', async (c) => ({ status: 201, body: userJson(await signUp(c, { kind: 'anonymous', ip: clientIp(req) }, body(req))) }));
    return reply.code(r.status as 201).send(r.body);
  });

  app.post('/v1/portal/session', schema({
    tags, summary: '로그인 (log in; sets the session cookie)',
    description: 'Answers `mfaRequired: true` when 보안로그인 (TOTP) is on: then POST the code to /v1/portal/session/code. Five failures lock the account for 15 minutes.',
    body: Type.Object({ loginId: Type.String(), password: Type.String() }),
    response: { 200: Type.Object({ mfaRequired: Type.Boolean(), csrfToken: Type.String() }), ...errors(400, 401, 403, 429) },
  }), async (req, reply) => reply.send(await loginUser(ctx, req, reply, body(req))));

  app.post('/v1/portal/session/code', schema({
    tags, summary: '보안로그인 코드 (second login step: TOTP or recovery code)', headers: csrfHeader,
    body: Type.Object({ code: Type.String() }),
    response: { 200: Type.Object({ csrfToken: Type.String() }), ...errors(400, 401, 403, 429) },
  }), async (req, reply) => reply.send(await completeLoginCode(ctx, req, reply, body(req))));

  app.delete('/v1/portal/session', schema({ tags, security: session, summary: '로그아웃 (log out)', headers: csrfHeader, response: { 200: Ok, ...errors(403) } }), async (req, reply) => {
    const token = sessionToken(req);
    if (token) assertCsrf(ctx, req, token);
    await logout(ctx, req, reply);
    return { ok: true };
  });

  app.get('/v1/portal/me', schema({ tags, security: session, summary: '회원정보 (my account; also returns the CSRF token)', response: { 200: ref('PortalUser'), ...errors(401) } }), async (req) => {
    const call = await requireUser(ctx, req);
    return userJson(call.user, call.csrfToken);
  });
  app.patch('/v1/portal/me', schema({
    tags, security: session, summary: '회원정보 변경 (change name, e-mail, phone)', headers: csrfHeader,
    body: Type.Object({ name: Type.String(), email: Type.String(), phone: Type.Optional(Type.String()) }), response: { 200: ref('PortalUser'), ...errors(400, 401, 403) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return userJson(await updateProfile(ctx, call.actor, body(req)));
  });
  app.post('/v1/portal/me/password', schema({
    tags, security: session, summary: '비밀번호변경 (change password; other sessions end)', headers: csrfHeader,
    body: Type.Object({ currentPassword: Type.String(), newPassword: Type.String() }), response: { 200: Ok, ...errors(400, 401, 403) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    await changePassword(ctx, call.actor, body(req), call.token);
    return { ok: true };
  });
  app.post('/v1/portal/me/withdraw', schema({
    tags, security: session, summary: '회원탈퇴 (withdraw; needs the password)', headers: csrfHeader,
    body: Type.Object({ password: Type.String() }), response: { 200: Ok, ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    await withdraw(ctx, call.actor, body(req));
    await logout(ctx, req, reply);
    return { ok: true };
  });
  app.post('/v1/portal/me/totp', schema({
    tags, security: session, summary: '보안로그인 등록 시작 (start TOTP enrolment: secret, otpauth URL, QR code SVG)', headers: csrfHeader,
    response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrSvg: Type.String() }), ...errors(401, 403, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return beginTotpEnrolment(ctx, call.actor);
  });
  app.post('/v1/portal/me/totp/confirm', schema({
    tags, security: session, summary: '보안로그인 사용 (confirm with a first code; returns 10 one-time recovery codes)', headers: csrfHeader,
    body: Type.Object({ code: Type.String() }), response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors(400, 401, 403, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return confirmTotpEnrolment(ctx, call.actor, body(req));
  });
  app.post('/v1/portal/me/totp/disable', schema({
    tags, security: session, summary: '보안로그인 해제 (turn TOTP off: password and a code)', headers: csrfHeader,
    body: Type.Object({ password: Type.String(), code: Type.String() }), response: { 200: Ok, ...errors(400, 401, 403, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    await disableTotp(ctx, call.actor, body(req));
    return { ok: true };
  });

  // ---- company-member conversion ----
  app.get('/v1/portal/company-conversion', schema({
    tags, security: session, summary: '기업회원전환 상태 (latest conversion request)', response: { 200: Type.Object({ current: Type.Union([ref('CompanyConversion'), Type.Null()]) }), ...errors(401) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    const c = await latestConversion(ctx, call.user.id);
    return { current: c ? { ...c, reviewedAt: iso(c.reviewedAt), createdAt: c.createdAt.toISOString() } : null };
  });
  app.post('/v1/portal/company-conversion', schema({
    tags, security: session, summary: '기업회원전환 신청 (request conversion to a company member)', headers: csrfHeader,
    body: Type.Object({
      bizno: Type.String({ description: '사업자등록번호' }), comName: Type.String(), ceoName: Type.String(), uptae: Type.Optional(Type.String()), jongmok: Type.Optional(Type.String()),
      addr: Type.Optional(Type.String()), tel: Type.Optional(Type.String()),
    }),
    response: { 201: ref('CompanyConversion'), ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    const c = await requestConversion(ctx, call.actor, body(req));
    return reply.code(201).send({ ...c, reviewedAt: iso(c.reviewedAt), createdAt: c.createdAt.toISOString() });
  });
  app.post('/v1/portal/company-conversion/cancel', schema({ tags, security: session, summary: '기업회원전환 신청 취소', headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 409) } }), async (req) => {
    const call = await requireUser(ctx, req);
    await cancelConversion(ctx, call.actor);
    return { ok: true };
  });

  // ---- API service application ----
  const statusJson = (s: Awaited<ReturnType<typeof applicationStatus>>) => ({
    isCompany: s.isCompany,
    current: s.current ? appJson(s.current) : null,
    blockedUntil: iso(s.blockedUntil),
    canApply: s.canApply,
  });
  app.get('/v1/portal/api-application', schema({ tags, security: session, summary: 'API 연동 서비스 신청 상태', response: { 200: ref('ApiApplicationStatus'), ...errors(401) } }), async (req) => {
    const call = await requireUser(ctx, req);
    return statusJson(await applicationStatus(ctx, call.user.id));
  });
  app.post('/v1/portal/api-application', schema({
    tags, security: session, summary: 'API 연동 서비스 신청 (company members only; blocked for 1 year after a rejection)', headers: csrfHeader,
    body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }), response: { 201: ref('ApiApplication'), ...errors(401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    return reply.code(201).send(appJson(await applyForApiService(ctx, call.actor, body(req))));
  });
  app.post('/v1/portal/api-application/cancel', schema({ tags, security: session, summary: '신청취소 (cancel a pending application)', headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 409) } }), async (req) => {
    const call = await requireUser(ctx, req);
    await cancelApplication(ctx, call.actor);
    return { ok: true };
  });
  app.post('/v1/portal/api-application/documents', schema({
    tags, security: session, summary: '심사 서류 제출 (multipart/form-data field `file`: PDF, PNG or JPEG, ≤ 5 MB)', headers: csrfHeader, consumes: ['multipart/form-data'],
    response: { 201: ref('ApiApplication'), ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    const file = await readUpload(req);
    return reply.code(201).send(appJson(await uploadApplicationDocument(ctx, call.actor, file)));
  });

  // ---- API keys (연동 API 관리) ----
  const KeyParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
  const keyId = (req: FastifyRequest) => (req.params as { id: number }).id;
  app.get('/v1/portal/api-keys', schema({ tags, security: session, summary: '연동 API Key 목록', response: { 200: Type.Object({ data: Type.Array(ref('ApiKey')) }), ...errors(401, 403) } }), async (req) => {
    const call = await requireUser(ctx, req);
    return { data: (await listApiKeys(ctx, partnerOf(call))).map(keyJson) };
  });
  app.post('/v1/portal/api-keys', schema({
    tags, security: session, summary: '신규 API Key 발급 (at most 5; the Access Key is in this answer only)', headers: csrfHeader,
    body: Type.Object({ ips: Type.Array(Type.String(), { minItems: 1, maxItems: 5, description: 'server IPs allowed to use the key' }) }),
    response: { 201: ref('IssuedApiKey'), ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    const r = await issueApiKey(ctx, call.actor, partnerOf(call), body(req));
    return reply.code(201).header('cache-control', 'no-store').send({ key: keyJson(r.key), accessKey: r.accessKey });
  });
  app.get('/v1/portal/api-keys/:id', schema({ tags, security: session, summary: 'API Key 상세', params: KeyParams, response: { 200: ref('ApiKey'), ...errors(401, 403, 404) } }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await getApiKey(ctx, partnerOf(call), keyId(req)));
  });
  app.patch('/v1/portal/api-keys/:id', schema({
    tags, security: session, summary: 'API Key ON / OFF', params: KeyParams, headers: csrfHeader, body: Type.Object({ enabled: Type.Boolean() }),
    response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await setApiKeyEnabled(ctx, call.actor, partnerOf(call), keyId(req), (req.body as { enabled: boolean }).enabled));
  });
  app.put('/v1/portal/api-keys/:id/ips', schema({
    tags, security: session, summary: 'IP 목록 변경 (replace the allow-list: add, edit, delete)', params: KeyParams, headers: csrfHeader,
    body: Type.Object({ ips: Type.Array(Type.String(), { maxItems: 5 }) }), response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await replaceApiKeyIps(ctx, call.actor, partnerOf(call), keyId(req), body(req)));
  });
  app.post('/v1/portal/api-keys/:id/ips', schema({
    tags, security: session, summary: 'IP 추가', params: KeyParams, headers: csrfHeader, body: Type.Object({ ip: Type.String() }),
    response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await addApiKeyIp(ctx, call.actor, partnerOf(call), keyId(req), body(req)));
  });
  app.delete('/v1/portal/api-keys/:id/ips/:address', schema({
    tags, security: session, summary: 'IP 삭제', params: Type.Object({ id: Type.Integer({ minimum: 1 }), address: Type.String() }), headers: csrfHeader,
    response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await removeApiKeyIp(ctx, call.actor, partnerOf(call), keyId(req), (req.params as { address: string }).address));
  });
  app.post('/v1/portal/api-keys/:id/reissue', schema({
    tags, security: session, summary: 'API Key 재발급 (the old Access Key is refused at once)', params: KeyParams, headers: csrfHeader,
    response: { 200: ref('IssuedApiKey'), ...errors(401, 403, 404) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    const r = await reissueApiKey(ctx, call.actor, partnerOf(call), keyId(req));
    return reply.header('cache-control', 'no-store').send({ key: keyJson(r.key), accessKey: r.accessKey });
  });
  app.delete('/v1/portal/api-keys/:id', schema({
    tags, security: session, summary: 'API Key 삭제 (accepted work completes; later calls are refused)', params: KeyParams, headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    await deleteApiKey(ctx, call.actor, partnerOf(call), keyId(req));
    return { ok: true };
  });

  // ---- operator console ----
  const op = (req: FastifyRequest) => requireOperator(ctx, req, { operatorToken: opts.operatorToken });
  app.post('/v1/operator/session', schema({
    tags: opTags, summary: '운영자 로그인 (operator log in; sets the session cookie)', body: Type.Object({ loginId: Type.String(), password: Type.String() }),
    response: { 200: Type.Object({ csrfToken: Type.String() }), ...errors(400, 401, 403, 429) },
  }), async (req, reply) => reply.send(await loginOperator(ctx, req, reply, body(req))));
  app.delete('/v1/operator/session', schema({ tags: opTags, security: opSecurity, summary: '운영자 로그아웃', headers: csrfHeader, response: { 200: Ok, ...errors(403) } }), async (req, reply) => {
    const token = sessionToken(req);
    if (token) assertCsrf(ctx, req, token);
    await logout(ctx, req, reply);
    return { ok: true };
  });
  app.post('/v1/operator/operators', schema({
    tags: opTags, security: opSecurity, summary: '운영자 추가 (create an operator)', headers: csrfHeader,
    body: Type.Object({ loginId: Type.String(), password: Type.String(), name: Type.Optional(Type.String()) }),
    response: { 201: Type.Object({ id: Type.Integer(), loginId: Type.String(), name: Type.String() }), ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const o = await op(req);
    return reply.code(201).send(await createOperator(ctx, o.actor, body(req)));
  });

  const StateQuery = (states: string[]) => Type.Object({ state: Type.Optional(Type.String({ enum: states })) });
  app.get('/v1/operator/company-conversions', schema({
    tags: opTags, security: opSecurity, summary: '기업회원전환 심사 목록', querystring: StateQuery(['pending', 'approved', 'rejected', 'cancelled']),
    response: { 200: Type.Object({ data: Type.Array(ref('CompanyConversion')) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    const list = await listConversions(ctx, req.query as { state?: 'pending' });
    return { data: list.map((c) => ({ ...c, reviewedAt: iso(c.reviewedAt), createdAt: c.createdAt.toISOString() })) };
  });
  app.post('/v1/operator/company-conversions/:id/approve', schema({ tags: opTags, security: opSecurity, summary: '기업회원전환 승인', params: IdParams, headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 404, 409) } }), async (req) => {
    const o = await op(req);
    await approveConversion(ctx, o.actor, (req.params as { id: number }).id);
    return { ok: true };
  });
  app.post('/v1/operator/company-conversions/:id/reject', schema({
    tags: opTags, security: opSecurity, summary: '기업회원전환 반려 (with a reason)', params: IdParams, headers: csrfHeader, body: Reason, response: { 200: Ok, ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    await rejectConversion(ctx, o.actor, (req.params as { id: number }).id, body(req));
    return { ok: true };
  });

  app.get('/v1/operator/api-applications', schema({
    tags: opTags, security: opSecurity, summary: 'API 연동 서비스 심사 목록', querystring: StateQuery(['pending', 'documents_requested', 'approved', 'rejected', 'cancelled']),
    response: { 200: Type.Object({ data: Type.Array(ref('ApiApplication')) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    return { data: (await listApplications(ctx, req.query as { state?: 'pending' })).map(appJson) };
  });
  app.get('/v1/operator/api-applications/:id', schema({ tags: opTags, security: opSecurity, summary: 'API 연동 서비스 신청 상세', params: IdParams, response: { 200: ref('ApiApplication'), ...errors(401, 404) } }), async (req) => {
    await op(req);
    return appJson(await getApplication(ctx, (req.params as { id: number }).id));
  });
  app.get('/v1/operator/api-application-documents/:id', schema({
    tags: opTags, security: opSecurity, summary: '심사 서류 내려받기 (download an uploaded document)', params: IdParams, produces: ['application/pdf', 'image/png', 'image/jpeg'],
  }), async (req, reply) => {
    await op(req);
    const d = await getApplicationDocument(ctx, (req.params as { id: number }).id);
    return reply
      .header('content-type', d.contentType)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(d.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .send(d.content);
  });
  app.post('/v1/operator/api-applications/:id/approve', schema({
    tags: opTags, security: opSecurity, summary: 'API 연동 서비스 승인 (the company becomes a partner)', params: IdParams, headers: csrfHeader,
    response: { 200: Type.Object({ partnerId: Type.Integer() }), ...errors(401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    return approveApplication(ctx, o.actor, (req.params as { id: number }).id);
  });
  app.post('/v1/operator/api-applications/:id/reject', schema({
    tags: opTags, security: opSecurity, summary: 'API 연동 서비스 반려 (re-application blocked for 1 year)', params: IdParams, headers: csrfHeader, body: Reason,
    response: { 200: Ok, ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    await rejectApplication(ctx, o.actor, (req.params as { id: number }).id, body(req));
    return { ok: true };
  });
  app.post('/v1/operator/api-applications/:id/request-documents', schema({
    tags: opTags, security: opSecurity, summary: '추가 서류 요청', params: IdParams, headers: csrfHeader, body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 1000 }) }),
    response: { 200: Ok, ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    await requestDocuments(ctx, o.actor, (req.params as { id: number }).id, body(req));
    return { ok: true };
  });

  const partnerJson = (p: Awaited<ReturnType<typeof listPartners>>[number]) => ({ ...p, suspendedAt: iso(p.suspendedAt), createdAt: p.createdAt.toISOString() });
  app.get('/v1/operator/partners', schema({ tags: opTags, security: opSecurity, summary: '파트너 목록', response: { 200: Type.Object({ data: Type.Array(ref('Partner')) }), ...errors(401) } }), async (req) => {
    await op(req);
    return { data: (await listPartners(ctx)).map(partnerJson) };
  });
  app.post('/v1/operator/partners/:id/suspend', schema({
    tags: opTags, security: opSecurity, summary: '파트너 정지 (every key refused)', params: IdParams, headers: csrfHeader, body: Reason, response: { 200: ref('Partner'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const o = await op(req);
    return partnerJson(await suspendPartner(ctx, o.actor, (req.params as { id: number }).id, body(req)));
  });
  app.post('/v1/operator/partners/:id/restore', schema({
    tags: opTags, security: opSecurity, summary: '파트너 정지 해제', params: IdParams, headers: csrfHeader, response: { 200: ref('Partner'), ...errors(401, 403, 404) },
  }), async (req) => {
    const o = await op(req);
    return partnerJson(await restorePartner(ctx, o.actor, (req.params as { id: number }).id));
  });
  app.get('/v1/operator/audit-log', schema({
    tags: opTags, security: opSecurity, summary: '감사 로그 (audit log, newest first)',
    querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), beforeId: Type.Optional(Type.Integer({ minimum: 1 })), action: Type.Optional(Type.String()) }),
    response: { 200: Type.Object({ data: Type.Array(ref('AuditEntry')) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    const rows = await listAudit(ctx, req.query as { limit?: number; beforeId?: number; action?: string });
    return { data: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
  });

  // ---- partner API (Access Key as Bearer) ----
  const partnerCall = async (req: FastifyRequest) => {
    const auth = req.headers.authorization;
    const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
    if (!bearer) throw new AppError('api_key_invalid', 'Authorization: 연동 API Key가 필요합니다 (Authorization: Bearer <Access Key> required)', { field: 'Authorization' });
    const p = await opts.guard({ face: 'rest', ip: req.ip, bearer, page: req.routeOptions.url ?? req.url, cmd: req.method.toLowerCase(), fields: {} });
    if (!p) throw new AppError('api_key_invalid', 'Authorization: 연동 API Key가 필요합니다 (API key required)', { field: 'Authorization' });
    return p;
  };
  const ptags = ['partner API'];
  app.get('/v1/partner/me', schema({
    tags: ptags, security: partnerSecurity, summary: '키 확인 (which partner and key this Access Key is)',
    response: { 200: Type.Object({ partnerId: Type.Integer(), apiKeyId: Type.Integer(), callerIp: Type.String() }), ...errors(401, 403) },
  }), async (req) => {
    const p = await partnerCall(req);
    return { ...p, callerIp: clientIp(req) };
  });
  const PartnerMember = Type.Object({ memberNo: Type.Integer(), bizno: Type.String(), companyName: Type.String(), loginId: Type.String(), createdAt: DateTime });
  app.get('/v1/partner/members', schema({
    tags: ptags, security: partnerSecurity, summary: '파트너 회원 목록 (the members this partner registered)', response: { 200: Type.Object({ data: Type.Array(PartnerMember) }), ...errors(401, 403) },
  }), async (req) => {
    const p = await partnerCall(req);
    return { data: (await listPartnerMembers(ctx, p.partnerId)).map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
  });
  app.post('/v1/partner/members', schema({
    tags: ptags, security: partnerSecurity, summary: '파트너 회원 등록 (register a member for this partner; fields as legacy _member.aspx INSERT)',
    body: Type.Object({}, { additionalProperties: true, description: 'legacy field names: bizno, com_name, ceo_name, id, pwd, user_name, email, …' }),
    response: { 201: Type.Object({ memberNo: Type.Integer(), bizno: Type.String(), loginId: Type.String() }), ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const p = await partnerCall(req);
    const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => {
      const m = await registerMember(c, body(req), { partnerId: p.partnerId });
      return { status: 201, body: { memberNo: m.memberNo, bizno: m.bizno, loginId: m.id } };
    });
    return reply.code(r.status as 201).send(r.body);
  });
}

export function appJson(a: Awaited<ReturnType<typeof getApplication>>) {
  return {
    ...a,
    reviewedAt: iso(a.reviewedAt),
    rejectedAt: iso(a.rejectedAt),
    createdAt: a.createdAt.toISOString(),
    documents: a.documents.map((d) => ({ ...d, uploadedAt: d.uploadedAt.toISOString() })),
  };
}

/** The `file` part of a multipart upload (other fields ignored except `_csrf`, read by the caller). */
export async function readUpload(req: FastifyRequest): Promise<{ fileName: string; contentType: string; content: Buffer; fields: Record<string, string> }> {
  if (!req.isMultipart()) throw new AppError('field_required', 'file: multipart/form-data로 파일을 보내세요 (send the file as multipart/form-data)', { field: 'file' });
  const fields: Record<string, string> = {};
  let file: { fileName: string; contentType: string; content: Buffer } | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname === 'file' && !file) file = { fileName: part.filename, contentType: part.mimetype, content };
    } else fields[part.fieldname] = String(part.value);
  }
  if (!file) throw new AppError('field_required', 'file: 파일을 선택하세요 (choose a file)', { field: 'file' });
  return { ...file, fields };
}
