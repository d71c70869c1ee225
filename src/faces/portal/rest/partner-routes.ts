/**
 * REST face for partners: `/v1/partner/…` with the partner's Access Key as Bearer, checked by the API guard (key
 * state, IP allow-list, suspension). Which key this is, and the partner's own members.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../platform/context.ts';
import { errors, IdempotencyKeyHeader } from '../../rest/schemas.ts';
import { runIdempotent } from '../../rest/idempotency.ts';
import type { ApiGuard } from '../../../modules/access/api-guard.ts';
import { listPartnerMembers } from '../../../modules/access/list-partner-members.ts';
import { registerMember } from '../../../modules/accounts/register-member.ts';
import { clientIp } from '../portal-http.ts';
import { partnerCaller } from '../../rest/partner-caller.ts';
import { DateTime, partnerSecurity, schema } from './schemas.ts';

export async function partnerRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;

  const ptags = ['partner API'];
  app.get('/v1/partner/me', schema({
    tags: ptags, security: partnerSecurity, summary: '키 확인 (which partner and key this Access Key is)',
    response: { 200: Type.Object({ partnerId: Type.Integer(), apiKeyId: Type.Integer(), callerIp: Type.String() }), ...errors(401, 403) },
  }), async (req) => {
    const p = await partnerCaller(req, opts.guard);
    return { ...p, callerIp: clientIp(req) };
  });
  const PartnerMember = Type.Object({ memberNo: Type.Integer(), bizno: Type.String(), companyName: Type.String(), loginId: Type.String(), createdAt: DateTime });
  app.get('/v1/partner/members', schema({
    tags: ptags, security: partnerSecurity, summary: '파트너 회원 목록 (the members this partner registered)', response: { 200: Type.Object({ data: Type.Array(PartnerMember) }), ...errors(401, 403) },
  }), async (req) => {
    const p = await partnerCaller(req, opts.guard);
    return { data: (await listPartnerMembers(ctx, p.partnerId)).map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
  });
  app.post('/v1/partner/members', schema({
    tags: ptags, security: partnerSecurity, summary: '파트너 회원 등록 (register a member for this partner; the fields of POST /v1/members)',
    // REST speaks the core's camelCase (as POST /v1/members): errors name these fields as sent
    headers: IdempotencyKeyHeader,
    // any fields: registerMember reads and names them (an open object, typed as the record it reads)
    body: Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true, description: 'as POST /v1/members: bizno, companyName, ceoName, loginId, password, userName, email, …' })),
    response: { 201: Type.Object({ memberNo: Type.Integer(), bizno: Type.String(), loginId: Type.String() }), ...errors(400, 401, 403, 409) },
  }), async (req, reply) => {
    const p = await partnerCaller(req, opts.guard);
    const r = await runIdempotent(ctx, req, `partner:${p.partnerId}`, async (c) => {
      const m = await registerMember(c, req.body, { partnerId: p.partnerId });
      return { status: 201, body: { memberNo: m.memberNo, bizno: m.bizno, loginId: m.loginId } };
    });
    return reply.code(r.status as 201).send(r.body);
  });
}
