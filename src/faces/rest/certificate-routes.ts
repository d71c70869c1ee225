/**
 * REST: the member's signing certificate (NTS filing signs with it).
 *   POST /v1/subscriptions/{subscriptionId}/certificate   upload (JSON with base64 files, or multipart/form-data)
 *   GET  /v1/subscriptions/{subscriptionId}/certificate   metadata + expiry status
 * Authenticated by the subscription's service key in `X-Svc-Key`. Key material is never returned or logged.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { invalidError, requiredError } from '../../platform/errors.ts';
import type { Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import { restTenant } from './tenant-auth.ts';
import { getCertificate, uploadCertificate, type CertificateUpload } from '../../modules/certificates/upload-certificate.ts';
import { runIdempotent } from './idempotency.ts';
import { errors, IdempotencyKeyHeader } from './schemas.ts';

export const Certificate = Type.Object(
  {
    certificate: Type.Object({
      certificateId: Type.Integer(),
      source: Type.String({ description: 'npki (signCert.der + signPri.key) or pkcs12 (.pfx/.p12)' }),
      subject: Type.String(),
      issuer: Type.String(),
      serialNumber: Type.String(),
      fingerprint256: Type.String(),
      keyBits: Type.Integer(),
      notBefore: Type.String({ format: 'date-time' }),
      notAfter: Type.String({ format: 'date-time' }),
      expiryStatus: Type.String({ description: 'valid, expiring (≤ 30 days left), expired, not_yet_valid' }),
      daysLeft: Type.Integer(),
      vid: Type.Object({ bizno: Type.String(), verified: Type.Boolean() }),
      uploadedAt: Type.String({ format: 'date-time' }),
    }),
    warnings: Type.Array(Type.String(), { description: 'e.g. the certificate expires within 30 days' }),
  },
  { $id: 'Certificate' },
);

const SvcKeyHeader = Type.Object({ 'x-svc-key': Type.Optional(Type.String({ description: "the subscription's svc_key" })) });
const Params = Type.Object({ subscriptionId: Type.Integer({ minimum: 1, description: 'sinchno' }) });

/** OpenAPI security of the subscription routes: the service key, optionally with a partner key. */
export const SUBSCRIPTION_SECURITY: { [scheme: string]: string[] }[] = [{ svcKey: [] }, { svcKey: [], partnerKey: [] }];

/** The subscription named in the path, authenticated by `X-Svc-Key` (after the partner-key guard). */
export async function tenantOf(ctx: Ctx, req: FastifyRequest & { params: { subscriptionId: number } }, guard: ApiGuard): Promise<Tenant> {
  return restTenant(ctx, req, req.params.subscriptionId, guard);
}

function decodeBase64Field(value: unknown, field: string): Buffer | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(value)) throw invalidError(field, 'base64로 인코딩한 파일이어야 합니다 (base64-encoded file expected)');
  return Buffer.from(value.replace(/\s+/g, ''), 'base64');
}

/** JSON body (files as base64) or multipart form (files as file parts, `password` as a field). */
async function readUpload(req: FastifyRequest): Promise<CertificateUpload> {
  const files: Record<string, Buffer> = {};
  let password: string | undefined;
  if (req.isMultipart()) {
    for await (const part of req.parts()) {
      if (part.type === 'file') files[part.fieldname] = await part.toBuffer();
      else if (part.fieldname === 'password') password = String(part.value);
      else if (['signCert', 'signPri', 'pfx'].includes(part.fieldname)) files[part.fieldname] = decodeBase64Field(part.value, part.fieldname) ?? Buffer.alloc(0);
    }
  } else {
    // no body schema (JSON or multipart): read the JSON object's fields as untrusted values
    const body: Record<string, unknown> = req.body !== null && typeof req.body === 'object' ? Object.fromEntries(Object.entries(req.body)) : {};
    for (const name of ['signCert', 'signPri', 'pfx']) {
      const buf = decodeBase64Field(body[name], name);
      if (buf) files[name] = buf;
    }
    if (typeof body['password'] === 'string') password = body['password'];
  }
  if (password === undefined || password === '') throw requiredError('password', '인증서 비밀번호');
  if (files['pfx']) {
    if (files['signCert'] || files['signPri']) throw invalidError('pfx', 'pfx 또는 signCert+signPri 중 하나만 보내세요 (send either pfx or signCert + signPri)');
    return { pfx: files['pfx'], password };
  }
  if (!files['signCert']) throw requiredError('signCert', '인증서(signCert.der) 또는 pfx');
  if (!files['signPri']) throw requiredError('signPri', '개인키(signPri.key)');
  return { signCert: files['signCert'], signPri: files['signPri'], password };
}

function uploadDigest(upload: CertificateUpload): string {
  const h = createHash('sha256');
  for (const part of 'pfx' in upload ? [upload.pfx] : [upload.signCert, upload.signPri]) h.update(createHash('sha256').update(part).digest());
  return h.update(upload.password, 'utf8').digest('hex');
}

export async function certificateRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard } = opts;
  await app.register(import('@fastify/multipart'), { limits: { fileSize: 1024 * 1024, files: 3, fields: 10 } });
  app.addSchema(Certificate);

  app.post(
    '/v1/subscriptions/:subscriptionId/certificate',
    {
      schema: {
        tags: ['certificates'],
        security: SUBSCRIPTION_SECURITY,
        summary: '인증서 등록 (upload the signing certificate)',
        description:
          'NPKI `signCert.der` + `signPri.key` (SEED 1.2.410.200004.1.15 or PBES2/seedCBC) with `password`, or a PKCS#12 `pfx` with `password`. ' +
          'JSON with base64 file contents, or multipart/form-data with file parts. The key must belong to the certificate, the certificate VID must ' +
          "match the member's business number, and it must be valid now; ≤ 30 days left is accepted with a warning. Replaces the previous certificate. " +
          'Supports `Idempotency-Key`.',
        params: Params,
        headers: Type.Object({ ...SvcKeyHeader.properties, ...IdempotencyKeyHeader.properties }),
        consumes: ['application/json', 'multipart/form-data'],
        response: { 201: Type.Ref('Certificate'), ...errors(400, 401, 403, 404) },
      },
      // the request body may carry a private key: keep it out of any request log
      logLevel: 'warn',
    },
    async (req, reply) => {
      const tenant = await tenantOf(ctx, req, guard);
      const upload = await readUpload(req);
      // a multipart body is not in req.body: let the Idempotency-Key request hash cover the uploaded files
      if (req.isMultipart()) (req as { body: unknown }).body = { upload: uploadDigest(upload) };
      const r = await runIdempotent(ctx, req, `sub:${tenant.subscriptionId}`, async (c) => ({ status: 201, body: await uploadCertificate(c, tenant, upload) }));
      return reply.code(r.status as 201).send(r.body);
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/certificate',
    {
      schema: {
        tags: ['certificates'],
        security: SUBSCRIPTION_SECURITY,
        summary: '인증서 조회 (the active signing certificate: metadata and expiry status)',
        params: Params,
        headers: SvcKeyHeader,
        response: { 200: Type.Ref('Certificate'), ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => getCertificate(ctx, await tenantOf(ctx, req, guard)),
  );
}
