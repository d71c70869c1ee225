/**
 * The process logger and what it must never write. Legacy clients send svc_key, pwd and the like in query
 * strings, the recipient's view link carries its token in `?t=`, browsers send session cookies and CSRF
 * tokens: a log line is read by more people than any of these secrets may be, so
 *   - every URL logged (Fastify's request lines, any `url` / `path` field) keeps its path and parameter names
 *     but loses every parameter value except a few harmless ones (cmd, fmt, lang …), and path segments that
 *     look like bearer tokens;
 *   - credential headers (Authorization, Cookie, Set-Cookie, X-Svc-Key, X-CSRF-Token) and secret-named fields
 *     anywhere near the top of a log object are censored.
 */
import pino, { type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export const REDACTED = '[redacted]';

/** Query parameters whose values say what a request did and are never secret. */
const PLAIN_PARAMS = new Set(['cmd', 'fmt', 'lang', 'gubun', 'page', 'limit', 'done', 'next', 'body', 'format']);

/** A path segment as long and random as a token (dockeys are 20 characters; view tokens and keys are longer). */
const TOKEN_SEGMENT = /^[A-Za-z0-9_~.+=-]{28,}$/;

/** `url` with every query value (but PLAIN_PARAMS) and token-like path segments replaced; names are kept. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const hash = url.indexOf('#');
  const pathEnd = q >= 0 ? q : hash >= 0 ? hash : url.length;
  const pathPart = url
    .slice(0, pathEnd)
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(segment) && /\d/.test(segment) && /[a-z]/i.test(segment) ? REDACTED : segment))
    .join('/');
  if (q < 0) return pathPart;
  const query = url.slice(q + 1, hash > q ? hash : undefined);
  const pairs = query.split('&').map((pair) => {
    if (pair === '') return pair;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // a malformed name is logged as sent: it is a name, not a value
    }
    if (eq < 0) return rawName;
    return PLAIN_PARAMS.has(name.toLowerCase()) && pair.length - eq <= 64 ? pair : `${rawName}=${REDACTED}`;
  });
  return `${pathPart}?${pairs.join('&')}`;
}

const SECRET_FIELDS = ['password', 'pwd', 'newPassword', 'currentPassword', 'svcKey', 'svc_key', 'accessKey', 'token', 'csrfToken', 'viewToken', 'secret', 'authorization', 'cookie'];
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-svc-key', 'x-csrf-token', 'proxy-authorization'];

/** pino redact paths: secret fields at the top and one level down, and credential headers of logged requests/answers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  // `*.headers` covers req.headers and res.headers too
  ...CREDENTIAL_HEADERS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
];

function redactUrlFields(obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj;
  for (const k of ['url', 'path', 'originalUrl']) {
    const v = obj[k];
    if (typeof v === 'string' && (v.includes('?') || v.includes('/'))) out = { ...out, [k]: redactUrl(v) };
  }
  return out;
}

/** pino options of every Hanbill process logger (also the one Fastify logs requests with). */
export function loggerOptions(level: LoggerOptions['level']): LoggerOptions {
  return {
    level: level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: {
      // Fastify's request line, minus the query values; no headers at all
      req: (req: { method?: string; url?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: req.method,
        url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      err: pino.stdSerializers.err,
    },
    formatters: { log: redactUrlFields },
  };
}

/** The process logger: stdout unless a destination is given (tests capture it in a buffer). */
export function createLogger(level: LoggerOptions['level'], destination?: DestinationStream | NodeJS.WritableStream): PinoLogger {
  return destination ? pino(loggerOptions(level), destination as DestinationStream) : pino(loggerOptions(level));
}
