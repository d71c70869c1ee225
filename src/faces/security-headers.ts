/**
 * Headers every answer of the api role gets, whichever face made it: nosniff everywhere; on HTML a
 * Content-Security-Policy with frame-ancestors and a Referrer-Policy unless the page set stricter ones itself
 * (portal, console, view page and mailbox do); HSTS when the installation is reached over https
 * (config.hstsMaxAge: HANBILL_HSTS, or an https HANBILL_PUBLIC_URL). One hook, so a new page cannot forget them.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

/** For HTML that set no policy of its own: nothing but inline styles and same-origin images, never framed. */
export const DEFAULT_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The pages of the browser faces (portal, console, member web): never cached, never framed, no referrer off the
 * site, and their own same-origin script as the only one.
 */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/** A page of a browser face, with PAGE_HEADERS. */
export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(body);
}

/** swagger-ui (/docs) loads its own scripts and styles and sets inline styles; it fetches /openapi.json. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

export function addSecurityHeaders(app: FastifyInstance, opts: { hstsMaxAge?: number | undefined }): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (opts.hstsMaxAge !== undefined) reply.header('strict-transport-security', `max-age=${opts.hstsMaxAge}`);
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      const csp = reply.getHeader('content-security-policy');
      if (csp === undefined) reply.header('content-security-policy', DEFAULT_HTML_CSP);
      else if (!/frame-ancestors/.test(String(csp))) reply.header('content-security-policy', `${String(csp)}; frame-ancestors 'none'`);
      if (reply.getHeader('referrer-policy') === undefined) reply.header('referrer-policy', 'same-origin');
    }
    return payload;
  });
}
