/**
 * Request rate limits on every face, before any route code runs (an onRequest hook of the HTTP server): each request
 * counts once against its credential (partner API key / operator token in `Authorization: Bearer`, the portal or
 * member session cookie: hashed, never stored as such) and once against its client IP, in the database
 * (modules/access/count-request.ts), so the limits hold across API processes. Over a limit: 429 `too_many_requests`
 * with `Retry-After` in the face's own shape — REST's error body, the legacy .aspx result (code 2007, XML or
 * `fmt=json` from the query string: the body is not read for a refusal), a small HTML page for the portal, console,
 * member web and 문서보기. Callbacks (NTS results, carrier reports, bank notices) count per IP apart from other
 * traffic. Not counted: /healthz, /readyz, /metrics (probes and scrapers) and the loopback-only /dev/* pages.
 * The login throttles (modules/accounts/login-throttle.ts) stay as they are, on top of this.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../platform/context.ts';
import { AppError, composeMessage } from '../platform/errors.ts';
import { makeRequestCounter, type RateBucket, type RateRefusal } from '../modules/access/count-request.ts';
import { bearerOf } from './bearer.ts';
import { escapeHtml } from './html.ts';

const EXEMPT = /^\/(healthz|readyz|metrics)(\/|\?|$)|^\/dev(\/|\?|\.|$)/i;
const CALLBACK = /^\/(nts|carrier|bank)\//i;
const LEGACY = /^\/[A-Za-z_]+\.aspx(\?|$)/i;
const JSON_FACE = /^\/(v1\/|openapi\.json)/i;
const SESSION_COOKIES = /(?:^|;\s*)(hb_session|hb_member)=([^;]+)/g;

const hash = (text: string): string => crypto.createHash('sha256').update(text).digest('base64url').slice(0, 32);

/** The buckets a request counts against. */
function requestBuckets(ctx: Ctx, req: FastifyRequest): RateBucket[] {
  const { channel, rateLimit } = ctx.config;
  const buckets: RateBucket[] = [];
  const callback = CALLBACK.test(req.url);
  if (rateLimit.perIp > 0) buckets.push({ name: `${channel}|${callback ? 'cbip' : 'ip'}|${req.ip}`, limit: rateLimit.perIp });
  if (rateLimit.perKey > 0 && !callback) {
    const credentials = new Set<string>();
    const bearer = bearerOf(req.headers.authorization);
    if (bearer) credentials.add(`bearer:${bearer}`);
    const cookie = req.headers.cookie;
    if (cookie) for (const m of cookie.matchAll(SESSION_COOKIES)) credentials.add(`${m[1]}:${m[2]}`);
    for (const c of credentials) buckets.push({ name: `${channel}|key|${hash(c)}`, limit: rateLimit.perKey });
  }
  return buckets;
}

function refusal(r: RateRefusal): AppError {
  const what = r.bucket.name.includes('|key|') ? 'API Key 또는 세션' : 'IP';
  return new AppError('too_many_requests', `${what}별 요청 한도(${r.bucket.limit}건)를 넘었습니다, ${r.retryAfterSeconds}초 뒤에 다시 시도하세요 (too many requests per ${what === 'IP' ? 'IP' : 'API key or session'}; retry after ${r.retryAfterSeconds} s)`, {
    details: { retryAfterSeconds: r.retryAfterSeconds, limit: r.bucket.limit, per: what === 'IP' ? 'ip' : 'key' },
  });
}

/**
 * How each face writes an error, handed in by the one file that assembles the faces (http-server.ts): this hook
 * serves every face without importing their internals.
 */
export interface FaceErrorWriters {
  /** REST's JSON error (status, Retry-After and the body's requestId from the error's kind) */
  rest(reply: FastifyReply, err: AppError): FastifyReply;
  legacyXml(result: { code: string; msg: string; fields: Record<string, string> }, encoding: 'utf-8'): string | Buffer;
  legacyJson(result: { code: string; msg: string; fields: Record<string, string> }, encoding: 'utf-8'): string | Buffer;
}

/** The refusal in the shape of the face the request was for. */
function answer(req: FastifyRequest, reply: FastifyReply, err: AppError, faces: FaceErrorWriters): FastifyReply {
  const retryAfter = String(err.details?.['retryAfterSeconds'] ?? 1);
  if (JSON_FACE.test(req.url) || CALLBACK.test(req.url)) return faces.rest(reply, err);
  reply.code(429).header('retry-after', retryAfter).header('cache-control', 'no-store');
  if (LEGACY.test(req.url)) {
    const json = /[?&]fmt=json(&|$)/i.test(req.url);
    const legacy = { code: err.legacyCode, msg: composeMessage(err), fields: { request_id: req.id } };
    return reply.header('content-type', `${json ? 'application/json' : 'text/xml'}; charset=UTF-8`).send(json ? faces.legacyJson(legacy, 'utf-8') : faces.legacyXml(legacy, 'utf-8'));
  }
  const page = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>요청이 너무 많습니다 (Too many requests)</title></head><body><h1>요청이 너무 많습니다 (Too many requests)</h1><p>${escapeHtml(composeMessage(err))}</p><p>요청 ID (request id): ${escapeHtml(req.id)}</p></body></html>`;
  return reply.header('content-type', 'text/html; charset=utf-8').send(page);
}

export function rateLimits(app: FastifyInstance, ctx: Ctx, faces: FaceErrorWriters): void {
  const { perKey, perIp } = ctx.config.rateLimit;
  if (perKey === 0 && perIp === 0) return;
  const counter = makeRequestCounter(ctx);
  app.addHook('onRequest', async (req, reply) => {
    if (EXEMPT.test(req.url)) return;
    let refused: RateRefusal | undefined;
    try {
      refused = await counter.count(requestBuckets(ctx, req));
    } catch (err) {
      // the counter is the database: when it does not answer, the request's own queries fail (and say so); the
      // limit is not a reason to refuse what would otherwise work
      req.log.warn({ err: String(err) }, 'rate limit not counted: database unavailable');
      return;
    }
    if (refused) return answer(req, reply, refusal(refused), faces);
  });
}
