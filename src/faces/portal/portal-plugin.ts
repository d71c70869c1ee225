/**
 * The portal's HTTP plugin: form and multipart parsers for its own routes, the static script, the member
 * pages, the operator console and the REST endpoints. Registered by the composition root.
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import type { BankGateway } from '../../modules/settlement/bank/bank-gateway.ts';
import { MAX_DOCUMENT_BYTES } from '../../modules/access/application-view.ts';
import { PORTAL_JS } from './assets.ts';
import { portalPageRoutes } from './pages/user-page-routes.ts';
import { consolePageRoutes } from './console-pages.ts';
import { addPortalSchemas } from './rest/schemas.ts';
import { portalUserRoutes } from './rest/user-routes.ts';
import { operatorRoutes } from './rest/operator-routes.ts';
import { operatorSettlementRoutes } from './rest/operator-settlement-routes.ts';
import { operatorBillRoutes } from './rest/operator-bill-routes.ts';
import { partnerRoutes } from './rest/partner-routes.ts';

export interface PortalPluginOptions {
  ctx: Ctx;
  operatorToken: string;
  guard: ApiGuard;
  /** the bank (결제하기 issues the partner's virtual account when it has none) */
  bankGateway?: BankGateway | undefined;
}

/** application/x-www-form-urlencoded → an object; a repeated name (e.g. `ips`) → an array. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const cur = out[k];
    out[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
  }
  return out;
}

export function portalPlugin(opts: PortalPluginOptions) {
  return async function portal(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      try {
        done(null, parseForm(String(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    await app.register(import('@fastify/multipart'), { limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 20 }, throwFileSizeLimit: true });
    app.get('/portal/assets/portal.js', { schema: { hide: true } }, (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_JS),
    );
    await app.register(portalPageRoutes, { ctx: opts.ctx, bankGateway: opts.bankGateway });
    await app.register(consolePageRoutes, { ctx: opts.ctx });
    // the REST face by audience; its shared models are registered once, before any route refers to them
    addPortalSchemas(app);
    await app.register(portalUserRoutes, { ctx: opts.ctx });
    await app.register(operatorRoutes, { ctx: opts.ctx, operatorToken: opts.operatorToken });
    await app.register(operatorSettlementRoutes, { ctx: opts.ctx, operatorToken: opts.operatorToken });
    await app.register(operatorBillRoutes, { ctx: opts.ctx, operatorToken: opts.operatorToken });
    await app.register(partnerRoutes, { ctx: opts.ctx, guard: opts.guard });
  };
}
