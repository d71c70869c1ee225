/** Fastify plugin of the legacy .aspx face: decode, dispatch by page and cmd, answer with a result code. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError, composeMessage, invalidError, toAppError } from '../../platform/errors.ts';
import { decodeLegacyFields, decodeLegacyRequest, splitLegacyRequest, renderLegacyJson, renderLegacyXml, type DecodedRequest, type LegacyAnswer, type LegacyFields } from './legacy-codec.ts';
import { authPage, memberPage, servicePage, type LegacyPage } from './legacy-commands.ts';
import type { ApiGuard, GuardSubject } from '../../modules/access/api-guard.ts';
import { readSubscriptionId } from '../../modules/subscriptions/subscription-id.ts';
import { documentPage } from './document-page.ts';
import { bearerOf } from '../bearer.ts';
import { taxinvoicePage } from './taxinvoice-page.ts';
import { reversePage } from './reverse-page.ts';

/**
 * The page table (LEGACY-API.md): page → its command table. Static and frozen, built here from each page's
 * exported table, so importing the face is enough to serve every page — no registration from the composition
 * root, no page that depends on what ran first. Names are lower case (requests are matched case-insensitively);
 * `taxinvoce.aspx` is the seed's own spelling of `taxinvoice.aspx`. New pages are added to this list.
 */
export const LEGACY_PAGES: Readonly<Record<string, Readonly<LegacyPage>>> = Object.freeze(
  Object.fromEntries(
    (
      [
        ['_member.aspx', memberPage],
        ['_service.aspx', servicePage],
        ['_auth.aspx', authPage],
        ['document.aspx', documentPage],
        ['taxinvoice.aspx', taxinvoicePage],
        ['taxinvoce.aspx', taxinvoicePage],
        ['reverse.aspx', reversePage],
      ] as const
    ).map(([name, page]) => [name, Object.freeze(page)]),
  ),
);

export interface LegacyRoutesOptions {
  ctx: Ctx;
  /** Required: no legacy call reaches a handler unchecked (partner key, IP allow-list, suspension). */
  guard: ApiGuard;
}

/**
 * What a legacy call is about, for the API guard: its subscription (`sinch_no` / `sinchno`, read by the same
 * canonical reader the handlers use, so the guard authorises exactly the id the handler acts on), else the member
 * login `id` of _service.aspx / _auth.aspx. Undefined for calls about neither (e.g. registering a new member).
 */
function legacySubject(page: string, fields: LegacyFields): GuardSubject | undefined {
  const subscriptionId = readSubscriptionId(fields);
  if (subscriptionId !== undefined) return { subscriptionId, field: 'sinch_no' };
  const id = (fields['id'] ?? '').trim();
  if ((page === '_service.aspx' || page === '_auth.aspx') && id) return { loginId: id, field: 'id' };
  return undefined;
}

/** A multipart reader's error: a 4xx of @fastify/multipart (statusCode 400–499) as field_invalid naming `body`; anything else as it is. */
function multipartRefusal(err: unknown): unknown {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (err instanceof AppError || typeof status !== 'number' || status < 400 || status > 499) return err;
  return invalidError('body', `multipart 양식을 읽을 수 없습니다 (the multipart form was refused: ${(err as Error).message})`);
}

/** The body as the urlencoded / text parsers below leave it: raw bytes (absent without a body). */
type RawBody = { Body: Buffer | undefined };

async function readRequest(req: FastifyRequest<RawBody>): Promise<DecodedRequest> {
  const url = req.raw.url ?? '';
  const q = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const contentType = req.headers['content-type'];
  if (req.isMultipart()) {
    // Field values come from busboy decoded as latin1 (defCharset below), i.e. byte for byte, so they are
    // decoded like a urlencoded body: strictly, in the request's charset. A part that declares its own
    // charset is decoded by busboy instead (lossily: a U+FFFD there is refused by the codec).
    const raw = splitLegacyRequest(q, undefined);
    const files: [string, string][] = [];
    try {
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          // busboy cuts a value at its field size limit: refuse rather than store a cut value
          if (part.valueTruncated) throw invalidError(part.fieldname.toLowerCase(), '값이 너무 깁니다 (value too long)');
          const value = String(part.value);
          raw.push([Buffer.from(part.fieldname, 'latin1'), Buffer.from(value, /[^\u0000-\u00ff]/.test(value) ? 'utf8' : 'latin1')]);
        } else files.push([part.fieldname.toLowerCase(), (await part.toBuffer()).toString('base64')]);
      }
    } catch (err) {
      // the multipart reader's refusals of the form itself (a field named like an Object.prototype property such as
      // toString, too many parts, a malformed body) are the caller's error: 1002 naming the body, not 9999
      throw multipartRefusal(err);
    }
    const decoded = decodeLegacyFields(raw, contentType);
    for (const [name, base64] of files) decoded.fields[name] = base64;
    return decoded;
  }
  return decodeLegacyRequest(q, req.body, contentType);
}

export async function legacyRoutes(app: FastifyInstance, opts: LegacyRoutesOptions): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(import('@fastify/multipart'), { defCharset: 'latin1', limits: { fileSize: 5 * 1024 * 1024, files: 10, fields: 2000 } });

  const handle = async (req: FastifyRequest<{ Params: { page: string } } & RawBody>, reply: import('fastify').FastifyReply) => {
    let decoded: DecodedRequest = { fields: {}, charset: 'utf-8' };
    let answer: LegacyAnswer;
    try {
      decoded = await readRequest(req);
      if (decoded.problem) throw decoded.problem;
      const page = LEGACY_PAGES[req.params.page.toLowerCase()];
      if (!page) throw new AppError('unknown_command', `${req.params.page}은(는) 없는 페이지입니다 (unknown page)`, { field: 'page' });
      const cmd = (decoded.fields['cmd'] ?? decoded.fields['mode'] ?? '').trim().toLowerCase();
      const handler = Object.hasOwn(page, cmd) ? page[cmd] : undefined;
      if (!handler) {
        throw new AppError('unknown_command', `'${cmd}'은(는) 지원하지 않는 명령입니다 (unknown cmd; one of ${Object.keys(page).join(', ').toUpperCase()})`, {
          field: 'cmd',
        });
      }
      const auth = req.headers.authorization;
      const bearer = bearerOf(auth);
      const pageName = req.params.page.toLowerCase();
      const subject = legacySubject(pageName, decoded.fields);
      const partner = await opts.guard({ face: 'legacy', ip: req.ip, bearer, subject, operation: `${pageName} ${cmd}` });
      answer = await handler({ ctx: opts.ctx, fields: decoded.fields, ip: req.ip, bearer, ...(partner ? { partner } : {}) });
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') req.log.error({ err }, 'legacy call failed');
      // the text names the form field the pages renamed the error to; request_id is the id of this
      // request's log lines (LEGACY-API.md lets answers carry fields beyond code and msg)
      answer = { code: e.legacyCode, msg: composeMessage(e), fields: { ...(e.field ? { field: e.field } : {}), request_id: req.id } };
    }
    const json = (decoded.fields['fmt'] ?? '').toLowerCase() === 'json';
    const charset = decoded.charset === 'euc-kr' ? 'euc-kr' : 'UTF-8';
    reply
      .code(200)
      .header('content-type', `${json ? 'application/json' : 'text/xml'}; charset=${charset}`)
      .header('cache-control', 'no-store')
      .send(json ? renderLegacyJson(answer, decoded.charset) : renderLegacyXml(answer, decoded.charset));
    return reply;
  };

  app.route<{ Params: { page: string } } & RawBody>({
    method: ['GET', 'POST'],
    url: '/:page(^[A-Za-z_]+[.][aA][sS][pP][xX]$)',
    schema: { hide: true } as Record<string, unknown>,
    handler: handle,
    constraints: {},
  });
}
