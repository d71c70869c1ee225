/**
 * REST face of the portal for members: `/v1/portal/…` with the session cookie, `X-CSRF-Token` on every state
 * change. Sign-up, login, account, 보안로그인, company conversion, the API service application and the partner's
 * API keys. Same use cases as the pages.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../platform/context.ts';
import { errors, IdempotencyKeyHeader } from '../../rest/schemas.ts';
import { runIdempotent } from '../../rest/idempotency.ts';
import { signUp } from '../../../modules/accounts/sign-up.ts';
import { updateProfile } from '../../../modules/accounts/update-profile.ts';
import { changePassword } from '../../../modules/accounts/change-password.ts';
import { withdraw } from '../../../modules/accounts/withdraw.ts';
import { startSecondFactor } from '../../../modules/accounts/start-second-factor.ts';
import { enableSecondFactor } from '../../../modules/accounts/enable-second-factor.ts';
import { disableSecondFactor } from '../../../modules/accounts/disable-second-factor.ts';
import { getLatestConversion } from '../../../modules/accounts/get-latest-conversion.ts';
import { requestCompanyConversion } from '../../../modules/accounts/request-company-conversion.ts';
import { cancelCompanyConversion } from '../../../modules/accounts/cancel-company-conversion.ts';
import { getApplicationStatus } from '../../../modules/access/get-application-status.ts';
import { applyForApiService } from '../../../modules/access/apply-for-api-service.ts';
import { cancelApplication } from '../../../modules/access/cancel-application.ts';
import { uploadApplicationDocument } from '../../../modules/access/upload-application-document.ts';
import { listApiKeys } from '../../../modules/access/list-api-keys.ts';
import { getApiKey } from '../../../modules/access/get-api-key.ts';
import { issueApiKey } from '../../../modules/access/issue-api-key.ts';
import { switchApiKey } from '../../../modules/access/switch-api-key.ts';
import { setApiKeyIps } from '../../../modules/access/set-api-key-ips.ts';
import { addApiKeyIp } from '../../../modules/access/add-api-key-ip.ts';
import { removeApiKeyIp } from '../../../modules/access/remove-api-key-ip.ts';
import { reissueApiKey } from '../../../modules/access/reissue-api-key.ts';
import { deleteApiKey } from '../../../modules/access/delete-api-key.ts';
import { readUpload } from '../page-kit.ts';
import { assertCsrf, clientIp, partnerOf, requireUser, sessionToken } from '../portal-http.ts';
import { completeLoginCode, loginUser, logout } from '../auth-flow.ts';
import { appJson, conversionJson, csrfHeader, keyJson, Ok, ref, schema, session, statusJson, userJson } from './schemas.ts';

export async function portalUserRoutes(instance: FastifyInstance, opts: { ctx: Ctx }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  const tags = ['portal'];

  // ---- portal accounts ----
  app.post('/v1/portal/signup', schema({
    tags, summary: '회원가입 (portal sign-up: an individual member)', headers: IdempotencyKeyHeader,
    body: Type.Object({ loginId: Type.String(), password: Type.String(), name: Type.String(), email: Type.String(), phone: Type.Optional(Type.String()) }),
    response: { 201: ref('PortalUser'), ...errors(400, 403, 409) },
  }), async (req, reply) => {
    const r = await runIdempotent(ctx, req, 'portal-signup', async (c) => ({ status: 201, body: userJson(await signUp(c, { kind: 'anonymous', ip: clientIp(req) }, req.body)) }));
    return reply.code(r.status as 201).send(r.body);
  });

  app.post('/v1/portal/session', schema({
    tags, summary: '로그인 (log in; sets the session cookie)',
    description: 'Answers `mfaRequired: true` when 보안로그인 (TOTP) is on: then POST the code to /v1/portal/session/code. Five failures lock the account for 15 minutes.',
    body: Type.Object({ loginId: Type.String(), password: Type.String() }),
    response: { 200: Type.Object({ mfaRequired: Type.Boolean(), csrfToken: Type.String() }), ...errors(400, 401, 403, 429) },
  }), async (req, reply) => reply.send(await loginUser(ctx, req, reply, req.body)));

  app.post('/v1/portal/session/code', schema({
    tags, summary: '보안로그인 코드 (second login step: TOTP or recovery code)', headers: csrfHeader,
    body: Type.Object({ code: Type.String() }),
    response: { 200: Type.Object({ csrfToken: Type.String() }), ...errors(400, 401, 403, 429) },
  }), async (req, reply) => reply.send(await completeLoginCode(ctx, req, reply, req.body)));

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
    return userJson(await updateProfile(ctx, call.actor, req.body));
  });
  app.post('/v1/portal/me/password', schema({
    tags, security: session, summary: '비밀번호변경 (change password; other sessions end)', headers: csrfHeader,
    body: Type.Object({ currentPassword: Type.String(), newPassword: Type.String() }), response: { 200: Ok, ...errors(400, 401, 403) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    await changePassword(ctx, call.actor, { input: req.body, keepSessionToken: call.token });
    return { ok: true };
  });
  app.post('/v1/portal/me/withdraw', schema({
    tags, security: session, summary: '회원탈퇴 (withdraw; needs the password)', headers: csrfHeader,
    body: Type.Object({ password: Type.String() }), response: { 200: Ok, ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    await withdraw(ctx, call.actor, req.body);
    await logout(ctx, req, reply);
    return { ok: true };
  });
  app.post('/v1/portal/me/totp', schema({
    tags, security: session, summary: '보안로그인 등록 시작 (start TOTP enrolment: secret, otpauth URL, QR code SVG)', headers: csrfHeader,
    response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrSvg: Type.String() }), ...errors(401, 403, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return startSecondFactor(ctx, call.actor);
  });
  app.post('/v1/portal/me/totp/confirm', schema({
    tags, security: session, summary: '보안로그인 사용 (confirm with a first code; returns 10 one-time recovery codes)', headers: csrfHeader,
    body: Type.Object({ code: Type.String() }), response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors(400, 401, 403, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return enableSecondFactor(ctx, call.actor, req.body);
  });
  app.post('/v1/portal/me/totp/disable', schema({
    tags, security: session, summary: '보안로그인 해제 (turn TOTP off: password and a code)', headers: csrfHeader,
    body: Type.Object({ password: Type.String(), code: Type.String() }), response: { 200: Ok, ...errors(400, 401, 403, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    await disableSecondFactor(ctx, call.actor, req.body);
    return { ok: true };
  });

  // ---- company-member conversion ----
  app.get('/v1/portal/company-conversion', schema({
    tags, security: session, summary: '기업회원전환 상태 (latest conversion request)', response: { 200: Type.Object({ current: Type.Union([ref('CompanyConversion'), Type.Null()]) }), ...errors(401) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    const c = await getLatestConversion(ctx, call.user.id);
    return { current: c ? conversionJson(c) : null };
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
    const c = await requestCompanyConversion(ctx, call.actor, req.body);
    return reply.code(201).send(conversionJson(c));
  });
  app.post('/v1/portal/company-conversion/cancel', schema({ tags, security: session, summary: '기업회원전환 신청 취소', headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 409) } }), async (req) => {
    const call = await requireUser(ctx, req);
    await cancelCompanyConversion(ctx, call.actor);
    return { ok: true };
  });

  // ---- API service application ----
  app.get('/v1/portal/api-application', schema({ tags, security: session, summary: 'API 연동 서비스 신청 상태', response: { 200: ref('ApiApplicationStatus'), ...errors(401) } }), async (req) => {
    const call = await requireUser(ctx, req);
    return statusJson(await getApplicationStatus(ctx, call.user.id));
  });
  app.post('/v1/portal/api-application', schema({
    tags, security: session, summary: 'API 연동 서비스 신청 (company members only; blocked for 1 year after a rejection)', headers: csrfHeader,
    body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }), response: { 201: ref('ApiApplication'), ...errors(401, 403, 409) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    return reply.code(201).send(appJson(await applyForApiService(ctx, call.actor, { input: req.body })));
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
    const r = await issueApiKey(ctx, call.actor, { partnerId: partnerOf(call), input: req.body });
    return reply.code(201).header('cache-control', 'no-store').send({ key: keyJson(r.key), accessKey: r.accessKey });
  });
  app.get('/v1/portal/api-keys/:id', schema({ tags, security: session, summary: 'API Key 상세', params: KeyParams, response: { 200: ref('ApiKey'), ...errors(401, 403, 404) } }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await getApiKey(ctx, { partnerId: partnerOf(call), keyId: req.params.id }));
  });
  app.patch('/v1/portal/api-keys/:id', schema({
    tags, security: session, summary: 'API Key ON / OFF', params: KeyParams, headers: csrfHeader, body: Type.Object({ enabled: Type.Boolean() }),
    response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await switchApiKey(ctx, call.actor, { partnerId: partnerOf(call), keyId: req.params.id, enabled: req.body.enabled }));
  });
  app.put('/v1/portal/api-keys/:id/ips', schema({
    tags, security: session, summary: 'IP 목록 변경 (replace the allow-list: add, edit, delete)', params: KeyParams, headers: csrfHeader,
    body: Type.Object({ ips: Type.Array(Type.String(), { maxItems: 5 }) }), response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await setApiKeyIps(ctx, call.actor, { partnerId: partnerOf(call), keyId: req.params.id, input: req.body }));
  });
  app.post('/v1/portal/api-keys/:id/ips', schema({
    tags, security: session, summary: 'IP 추가', params: KeyParams, headers: csrfHeader, body: Type.Object({ ip: Type.String() }),
    response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await addApiKeyIp(ctx, call.actor, { partnerId: partnerOf(call), keyId: req.params.id, input: req.body }));
  });
  app.delete('/v1/portal/api-keys/:id/ips/:address', schema({
    tags, security: session, summary: 'IP 삭제', params: Type.Object({ id: Type.Integer({ minimum: 1 }), address: Type.String() }), headers: csrfHeader,
    response: { 200: ref('ApiKey'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    return keyJson(await removeApiKeyIp(ctx, call.actor, { partnerId: partnerOf(call), keyId: req.params.id, address: req.params.address }));
  });
  app.post('/v1/portal/api-keys/:id/reissue', schema({
    tags, security: session, summary: 'API Key 재발급 (the old Access Key is refused at once)', params: KeyParams, headers: csrfHeader,
    response: { 200: ref('IssuedApiKey'), ...errors(401, 403, 404) },
  }), async (req, reply) => {
    const call = await requireUser(ctx, req);
    const r = await reissueApiKey(ctx, call.actor, { partnerId: partnerOf(call), keyId: req.params.id });
    return reply.header('cache-control', 'no-store').send({ key: keyJson(r.key), accessKey: r.accessKey });
  });
  app.delete('/v1/portal/api-keys/:id', schema({
    tags, security: session, summary: 'API Key 삭제 (accepted work completes; later calls are refused)', params: KeyParams, headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 404) },
  }), async (req) => {
    const call = await requireUser(ctx, req);
    await deleteApiKey(ctx, call.actor, { partnerId: partnerOf(call), keyId: req.params.id });
    return { ok: true };
  });
}
