/**
 * REST face of the operator console: `/v1/operator/…` with an operator session (CSRF on changes) or the operator
 * token as Bearer. Operators, company conversion and API service reviews, partners, the audit log.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../platform/context.ts';
import { errors, StringEnum } from '../../rest/schemas.ts';
import { createOperator } from '../../../modules/accounts/create-operator.ts';
import { listCompanyConversions } from '../../../modules/accounts/list-company-conversions.ts';
import { approveCompanyConversion } from '../../../modules/accounts/approve-company-conversion.ts';
import { rejectCompanyConversion } from '../../../modules/accounts/reject-company-conversion.ts';
import { listApplications } from '../../../modules/access/list-applications.ts';
import { getApplication } from '../../../modules/access/get-application.ts';
import { getApplicationDocument } from '../../../modules/access/get-application-document.ts';
import { approveApplication } from '../../../modules/access/approve-application.ts';
import { rejectApplication } from '../../../modules/access/reject-application.ts';
import { requestApplicationDocuments } from '../../../modules/access/request-application-documents.ts';
import { listPartners } from '../../../modules/access/list-partners.ts';
import { suspendPartner } from '../../../modules/access/suspend-partner.ts';
import { restorePartner } from '../../../modules/access/restore-partner.ts';
import { listAuditLog } from '../../../modules/access/list-audit-log.ts';
import { assertCsrf, requireOperator, sessionToken } from '../portal-http.ts';
import { loginOperator, logout } from '../auth-flow.ts';
import { appJson, conversionJson, csrfHeader, IdParams, Ok, opSecurity, partnerJson, Reason, ref, schema } from './schemas.ts';

export async function operatorRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  const opTags = ['operator console'];

  const op = (req: FastifyRequest) => requireOperator(ctx, req, { operatorToken: opts.operatorToken });
  app.post('/v1/operator/session', schema({
    tags: opTags, summary: '운영자 로그인 (operator log in; sets the session cookie)', body: Type.Object({ loginId: Type.String(), password: Type.String() }),
    response: { 200: Type.Object({ csrfToken: Type.String() }), ...errors(400, 401, 403, 429) },
  }), async (req, reply) => reply.send(await loginOperator(ctx, req, reply, req.body)));
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
    return reply.code(201).send(await createOperator(ctx, o.actor, req.body));
  });

  const StateQuery = <S extends string>(states: readonly S[]) => Type.Object({ state: Type.Optional(StringEnum(states)) });
  app.get('/v1/operator/company-conversions', schema({
    tags: opTags, security: opSecurity, summary: '기업회원전환 심사 목록', querystring: StateQuery(['pending', 'approved', 'rejected', 'cancelled']),
    response: { 200: Type.Object({ data: Type.Array(ref('CompanyConversion')) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    const list = await listCompanyConversions(ctx, req.query);
    return { data: list.map(conversionJson) };
  });
  app.post('/v1/operator/company-conversions/:id/approve', schema({ tags: opTags, security: opSecurity, summary: '기업회원전환 승인', params: IdParams, headers: csrfHeader, response: { 200: Ok, ...errors(401, 403, 404, 409) } }), async (req) => {
    const o = await op(req);
    await approveCompanyConversion(ctx, o.actor, req.params.id);
    return { ok: true };
  });
  app.post('/v1/operator/company-conversions/:id/reject', schema({
    tags: opTags, security: opSecurity, summary: '기업회원전환 반려 (with a reason)', params: IdParams, headers: csrfHeader, body: Reason, response: { 200: Ok, ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    await rejectCompanyConversion(ctx, o.actor, { id: req.params.id, input: req.body });
    return { ok: true };
  });

  app.get('/v1/operator/api-applications', schema({
    tags: opTags, security: opSecurity, summary: 'API 연동 서비스 심사 목록', querystring: StateQuery(['pending', 'documents_requested', 'approved', 'rejected', 'cancelled']),
    response: { 200: Type.Object({ data: Type.Array(ref('ApiApplication')) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    return { data: (await listApplications(ctx, req.query)).map(appJson) };
  });
  app.get('/v1/operator/api-applications/:id', schema({ tags: opTags, security: opSecurity, summary: 'API 연동 서비스 신청 상세', params: IdParams, response: { 200: ref('ApiApplication'), ...errors(401, 404) } }), async (req) => {
    await op(req);
    return appJson(await getApplication(ctx, req.params.id));
  });
  app.get('/v1/operator/api-application-documents/:id', schema({
    tags: opTags, security: opSecurity, summary: '심사 서류 내려받기 (download an uploaded document)', params: IdParams, produces: ['application/pdf', 'image/png', 'image/jpeg'],
  }), async (req, reply) => {
    await op(req);
    const d = await getApplicationDocument(ctx, { documentId: req.params.id });
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
    return approveApplication(ctx, o.actor, req.params.id);
  });
  app.post('/v1/operator/api-applications/:id/reject', schema({
    tags: opTags, security: opSecurity, summary: 'API 연동 서비스 반려 (re-application blocked for 1 year)', params: IdParams, headers: csrfHeader, body: Reason,
    response: { 200: Ok, ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    await rejectApplication(ctx, o.actor, { id: req.params.id, input: req.body });
    return { ok: true };
  });
  app.post('/v1/operator/api-applications/:id/request-documents', schema({
    tags: opTags, security: opSecurity, summary: '추가 서류 요청', params: IdParams, headers: csrfHeader, body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 1000 }) }),
    response: { 200: Ok, ...errors(400, 401, 403, 404, 409) },
  }), async (req) => {
    const o = await op(req);
    await requestApplicationDocuments(ctx, o.actor, { id: req.params.id, input: req.body });
    return { ok: true };
  });

  app.get('/v1/operator/partners', schema({ tags: opTags, security: opSecurity, summary: '파트너 목록', response: { 200: Type.Object({ data: Type.Array(ref('Partner')) }), ...errors(401) } }), async (req) => {
    await op(req);
    return { data: (await listPartners(ctx)).map(partnerJson) };
  });
  app.post('/v1/operator/partners/:id/suspend', schema({
    tags: opTags, security: opSecurity, summary: '파트너 정지 (every key refused)', params: IdParams, headers: csrfHeader, body: Reason, response: { 200: ref('Partner'), ...errors(400, 401, 403, 404) },
  }), async (req) => {
    const o = await op(req);
    return partnerJson(await suspendPartner(ctx, o.actor, { id: req.params.id, input: req.body }));
  });
  app.post('/v1/operator/partners/:id/restore', schema({
    tags: opTags, security: opSecurity, summary: '파트너 정지 해제', params: IdParams, headers: csrfHeader, response: { 200: ref('Partner'), ...errors(401, 403, 404) },
  }), async (req) => {
    const o = await op(req);
    return partnerJson(await restorePartner(ctx, o.actor, req.params.id));
  });
  app.get('/v1/operator/audit-log', schema({
    tags: opTags, security: opSecurity, summary: '감사 로그 (audit log, newest first)',
    querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), beforeId: Type.Optional(Type.Integer({ minimum: 1 })), action: Type.Optional(Type.String()) }),
    response: { 200: Type.Object({ data: Type.Array(ref('AuditEntry')) }), ...errors(401) },
  }), async (req) => {
    await op(req);
    const rows = await listAuditLog(ctx, req.query);
    return { data: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
  });
}
