/**
 * The HTTP server of the api role: health, the REST face (+ OpenAPI at /openapi.json and a reference page
 * at /docs) and the legacy .aspx face, all over the same use cases.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Ctx } from '../platform/context.ts';
import { legacyRoutes } from './legacy/legacy-routes.ts';
import type { ApiGuard } from './legacy/legacy-commands.ts';
import { accountRoutes } from './rest/account-routes.ts';
import { catalogRoutes } from './rest/catalog-routes.ts';
import { operatorMemberRoutes } from './rest/operator-member-routes.ts';
import { ErrorBody, restErrorHandler } from './rest/rest-errors.ts';
import { registerJsonBodyParser } from './rest/json-body.ts';
import { buildRestValidator } from './rest/request-validators.ts';
import { addSecurityHeaders, DOCS_CSP } from './security-headers.ts';
import { faviconRoute } from './favicon.ts';

export interface HttpServerOptions {
  ctx: Ctx;
  operatorToken: string;
  /** API-key / IP allow-list check of the legacy face (and the REST document routes). */
  guard?: ApiGuard;
  /** Extra route plugins (documents, NTS, portal …) registered by the composition root. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  logger?: boolean | object;
}
  /** A ready logger (pino) for request logging, instead of `logger` options. */
  loggerInstance?: FastifyBaseLogger;

export const API_VERSION = '0.1.0';

export async function buildHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = Fastify({
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? false }),
    bodyLimit: ctx.config.bodyLimit,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    trustProxy: false,
    // bodies are validated without type coercion, path/query/headers with it; integers stay safe
    schemaController: { compilersFactory: { buildValidator: buildRestValidator } },
  });
  registerJsonBodyParser(app);
  addSecurityHeaders(app, { hstsMaxAge: ctx.config.hstsMaxAge });
  app.setErrorHandler(restErrorHandler);
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `${req.method} ${req.url}: 없는 경로입니다 (no such route)`, status: 404, legacyCode: '3001' } }),
  );
  app.addSchema(ErrorBody);

  await app.register(import('@fastify/swagger'), {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hanbill API',
        version: API_VERSION,
        description:
          'Korean e-tax-invoice and messaging platform. Every POST accepts an `Idempotency-Key` header. Errors have one shape: `{ "error": { "code", "message", "field", "status", "legacyCode" } }`.',
      },
      components: {
        securitySchemes: {
          operatorToken: { type: 'http', scheme: 'bearer', description: 'HANBILL_OPERATOR_TOKEN' },
          portalSession: { type: 'apiKey', in: 'cookie', name: 'hb_session', description: 'portal / console session cookie (log in first); state changes also need the X-CSRF-Token header' },
          partnerKey: { type: 'http', scheme: 'bearer', description: 'a partner Access Key (연동 API Key); the caller IP must be on the key\'s allow-list' },
          svcKey: { type: 'apiKey', in: 'header', name: 'X-Svc-Key', description: 'the subscription\'s service key (svc_key from POST /v1/auth/service-key); with a partner key, also send Authorization: Bearer' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(import('@fastify/swagger-ui'), { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true }, staticCSP: DOCS_CSP });
  faviconRoute(app);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', version: API_VERSION, engine: ctx.config.databaseUrl ? 'postgres' : 'pglite' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ctx.db.selectFrom('schema_migrations').select('name').limit(1).execute();
      return { status: 'ready', database: 'ok' };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', database: String((err as Error).message) });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(accountRoutes, { ctx });
  await app.register(catalogRoutes, { ctx, operatorToken: opts.operatorToken });
  await app.register(operatorMemberRoutes, { ctx, operatorToken: opts.operatorToken });
  await app.register(legacyRoutes, { ctx, ...(opts.guard ? { guard: opts.guard } : {}) });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
