/**
 * Schemas and JSON shapes of the portal's REST face (`/v1/portal`, `/v1/operator`, `/v1/partner`): the TypeBox
 * models registered once by the plugin, the security schemes of each audience, and the Date → ISO mappers.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import { Type } from 'typebox';
import type { PortalUser } from '../../../modules/accounts/get-portal-user.ts';
import type { Conversion } from '../../../modules/accounts/company-conversion-view.ts';
import type { ApiKeyView } from '../../../modules/access/api-key-rows.ts';
import type { ApiApplication } from '../../../modules/access/application-view.ts';
import type { ApplicationStatus } from '../../../modules/access/get-application-status.ts';
import type { Partner } from '../../../modules/access/list-partners.ts';

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const PortalUserSchema = Type.Object(
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
export const ApiKeySchema = Type.Object(
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
export const IssuedKeySchema = Type.Object(
  { key: Type.Ref('ApiKey'), accessKey: Type.String({ description: 'shown once: only a hash is stored' }) },
  { $id: 'IssuedApiKey' },
);
export const ConversionSchema = Type.Object(
  {
    id: Type.Integer(), userId: Type.Integer(), loginId: Type.Optional(Type.String()), bizno: Type.String(), comName: Type.String(), ceoName: Type.String(), uptae: Type.String(),
    jongmok: Type.String(), addr: Type.String(), tel: Type.String(), state: Type.String({ enum: ['pending', 'approved', 'rejected', 'cancelled'] }), reason: Type.String(),
    reviewedAt: NullableDateTime, createdAt: DateTime,
  },
  { $id: 'CompanyConversion' },
);
export const ApplicationSchema = Type.Object(
  {
    id: Type.Integer(), userId: Type.Integer(), loginId: Type.Optional(Type.String()), comName: Type.Optional(Type.String()), bizno: Type.Optional(Type.String()),
    state: Type.String({ enum: ['pending', 'documents_requested', 'approved', 'rejected', 'cancelled'] }), note: Type.String(),
    reviewNote: Type.String({ description: 'rejection reason or the documents asked for' }), reviewedAt: NullableDateTime, rejectedAt: NullableDateTime, createdAt: DateTime,
    documents: Type.Array(Type.Object({ id: Type.Integer(), fileName: Type.String(), contentType: Type.String(), sizeBytes: Type.Integer(), uploadedAt: DateTime })),
  },
  { $id: 'ApiApplication' },
);
export const ApplicationStatusSchema = Type.Object(
  {
    isCompany: Type.Boolean(),
    current: Type.Union([Type.Ref('ApiApplication'), Type.Null()]),
    blockedUntil: Type.Union([DateTime, Type.Null()], { description: 'a rejection blocks new applications until then (1 year)' }),
    canApply: Type.Boolean(),
  },
  { $id: 'ApiApplicationStatus' },
);
export const PartnerSchema = Type.Object(
  {
    id: Type.Integer(), userId: Type.Integer(), loginId: Type.String(), comName: Type.String(), bizno: Type.String(), state: Type.String({ enum: ['active', 'suspended'] }),
    suspensionKind: Type.String({ enum: ['', 'operator', 'arrears'], description: 'why suspended: operator (restored by an operator) or arrears (restored at once when the overdue bills are paid); empty while active' }),
    suspendedReason: Type.String(), suspendedAt: NullableDateTime, createdAt: DateTime, activeKeys: Type.Integer(), members: Type.Integer(),
  },
  { $id: 'Partner' },
);
export const AuditSchema = Type.Object(
  {
    id: Type.Integer(), at: DateTime, actorKind: Type.String(), actorId: Type.Union([Type.Integer(), Type.Null()]), actorLabel: Type.String(), action: Type.String(),
    targetKind: Type.String(), targetId: Type.Union([Type.Integer(), Type.Null()]), ip: Type.String(), details: Type.Object({}, { additionalProperties: true }),
  },
  { $id: 'AuditEntry' },
);
export const Ok = Type.Object({ ok: Type.Boolean() });
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });

/** OpenAPI security requirements: scheme name → scopes. */
type Security = { [scheme: string]: string[] }[];
export const session: Security = [{ portalSession: [] }];
export const opSecurity: Security = [{ portalSession: [] }, { operatorToken: [] }];
export const partnerSecurity: Security = [{ partnerKey: [] }];
export const csrfHeader = Type.Object({ 'x-csrf-token': Type.Optional(Type.String({ description: 'CSRF token of the session (from login or GET /v1/portal/me)' })) });

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
export const keyJson = (k: ApiKeyView) => ({ ...k, issuedAt: k.issuedAt.toISOString(), lastUsedAt: iso(k.lastUsedAt) });
export const userJson = (u: PortalUser, csrfToken?: string) => ({ ...u, createdAt: u.createdAt.toISOString(), ...(csrfToken ? { csrfToken } : {}) });

export function addPortalSchemas(app: FastifyInstance): void {
  for (const s of [PortalUserSchema, ApiKeySchema, IssuedKeySchema, ConversionSchema, ApplicationSchema, ApplicationStatusSchema, PartnerSchema, AuditSchema]) app.addSchema(s);
}

/** A route's options with its schema, keeping the schema's type so the handler sees typed params, query and body. */
export function schema<S extends FastifySchema>(s: S): { schema: S } {
  return { schema: s };
}

export const ref = (id: string) => Type.Ref(id);

export const conversionJson = (c: Conversion) => ({ ...c, reviewedAt: iso(c.reviewedAt), createdAt: c.createdAt.toISOString() });
export const partnerJson = (p: Partner) => ({ ...p, suspendedAt: iso(p.suspendedAt), createdAt: p.createdAt.toISOString() });

export function appJson(a: ApiApplication) {
  return {
    ...a,
    reviewedAt: iso(a.reviewedAt),
    rejectedAt: iso(a.rejectedAt),
    createdAt: a.createdAt.toISOString(),
    documents: a.documents.map((d) => ({ ...d, uploadedAt: d.uploadedAt.toISOString() })),
  };
}

export const statusJson = (s: ApplicationStatus) => ({
  isCompany: s.isCompany,
  current: s.current ? appJson(s.current) : null,
  blockedUntil: iso(s.blockedUntil),
  canApply: s.canApply,
});
