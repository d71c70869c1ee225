/**
 * The HTTP server of the api role: health, the REST face (+ OpenAPI at /openapi.json and a reference page
 * at /docs) and the legacy .aspx face, all over the same use cases.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../platform/context.ts';
import { legacyRoutes } from './legacy/legacy-routes.ts';
import { makeApiGuard, type ApiGuard } from '../modules/access/api-guard.ts';
import { accountRoutes } from './rest/account-routes.ts';
import { catalogRoutes } from './rest/catalog-routes.ts';
import { operatorMemberRoutes } from './rest/operator-member-routes.ts';
import { ErrorBody, restErrorHandler, routeNotFound, sendError } from './rest/rest-errors.ts';
import { invalidError } from '../platform/errors.ts';
import { registerJsonBodyParser } from './rest/json-body.ts';
import { buildRestValidator } from './rest/request-validators.ts';
import { type ResponseCheck, buildDeferredSerializer, SchemaCompilations, trackSchemaCompilations } from './rest/lazy-schema-compilers.ts';
import { addSecurityHeaders, DOCS_CSP } from './security-headers.ts';
import { faviconRoute } from './favicon.ts';
import { requestContext, requestIdOf } from './request-context.ts';
import { httpMetrics } from './http-metrics.ts';
import { countRequests } from './count-requests.ts';
import type { WorkInFlight } from '../platform/foreground.ts';
import { metricsRoute } from './rest/metrics-route.ts';
import { collectRoutes } from './route-table.ts';
import { rateLimits } from './rate-limits.ts';
import { renderLegacyJson, renderLegacyXml } from './legacy/legacy-codec.ts';

export interface HttpServerOptions {
  ctx: Ctx;
  operatorToken: string;
  /** API-key / IP allow-list check of the legacy face (and the REST document routes); without one, the module's own guard. */
  guard?: ApiGuard;
  /** Extra route plugins (documents, NTS, portal …) registered by the composition root. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  logger?: boolean | object;
  /** A ready logger (pino) for request logging, instead of `logger` options. */
  loggerInstance?: FastifyBaseLogger;
  /** Counts the requests in flight, for the job worker's background loops to yield to (platform/foreground.ts). */
  requests?: WorkInFlight;
}

export const API_VERSION = '0.1.0';

/** How answers are checked against their response schema (HANBILL_RESPONSE_CHECK); undefined: not at all. */
function responseCheckOf(ctx: Ctx): ResponseCheck | undefined {
  const mode = ctx.config.responseCheck;
  if (mode === 'off') return undefined;
  return (m) => {
    const text = `${m.method} ${m.url} answered ${m.status} off its response schema at ${m.path}: ${m.problem}`;
    if (mode === 'strict') throw new Error(text);
    ctx.log.error({ route: `${m.method} ${m.url}`, status: m.status, path: m.path, problem: m.problem }, 'answer does not match its response schema');
  };
}

export async function buildHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  // route schemas compile on their first request, not during the start (rest/lazy-schema-compilers.ts)
  const compilations = new SchemaCompilations();
  const app = Fastify({
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? false }),
    bodyLimit: ctx.config.bodyLimit,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    // the client's address (req.ip) is the socket's peer unless that peer is a configured reverse proxy, whose
    // X-Forwarded-For is then read back to the nearest untrusted hop (HANBILL_TRUST_PROXY; docs/deploy.md)
    trustProxy: ctx.config.trustProxy.length > 0 ? [...ctx.config.trustProxy] : false,
    // bodies are validated without type coercion, path/query/headers with it; integers stay safe
    schemaController: { compilersFactory: { buildValidator: buildRestValidator(compilations), buildSerializer: buildDeferredSerializer(compilations, responseCheckOf(ctx)) } },
    // every error answer carries this id and so does every log line of the request: unique across
    // processes and restarts, and not a counter another caller could guess
    // (a caller's valid X-Request-Id is kept: request-context.ts)
    genReqId: requestIdOf,
    // the router's own refusals (a malformed URL) get the one error shape too
    frameworkErrors: (_error, _req, reply) => sendError(reply, invalidError('url', '경로를 해석할 수 없습니다 (malformed URL)')),
    // handlers see the types of their TypeBox schemas (the validation itself stays buildRestValidator's)
  }).withTypeProvider<TypeBoxTypeProvider>();
  trackSchemaCompilations(app, compilations);
  collectRoutes(app);
  requestContext(app);
  if (opts.requests) countRequests(app, opts.requests);
  httpMetrics(app);
  rateLimits(app, ctx, { rest: sendError, legacyXml: renderLegacyXml, legacyJson: renderLegacyJson });
  registerJsonBodyParser(app);
  addSecurityHeaders(app, { hstsMaxAge: ctx.config.hstsMaxAge });
  app.setErrorHandler(restErrorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, routeNotFound(req)));
  app.addSchema(ErrorBody);

  await app.register(import('@fastify/swagger'), {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hanbill API',
        version: API_VERSION,
        description:
          'Korean e-tax-invoice and messaging platform. Routes that create or change something for a client accept an `Idempotency-Key` header (declared on each such route): a retry with the same key gets the first answer and changes nothing. Errors have one shape: `{ "error": { "code", "message", "field", "status", "legacyCode", "requestId", "details" } }` (codes: docs/errors.md).',
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
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    try {
      await ctx.db.selectFrom('schema_migrations').select('name').limit(1).execute();
      return { status: 'ready', database: 'ok' };
    } catch (err) {
      // anonymous callers learn only that the database is not answering; the reason goes to the log
      req.log.error({ err }, 'readiness check: database unavailable');
      return reply.code(503).send({ status: 'unavailable', database: 'unavailable', requestId: req.id });
    }
  });
  metricsRoute(app, ctx);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(accountRoutes, { ctx });
  await app.register(catalogRoutes, { ctx, operatorToken: opts.operatorToken });
  await app.register(operatorMemberRoutes, { ctx, operatorToken: opts.operatorToken });
  // never unguarded: a server built without the composition root's guard gets the same guard over its context
  await app.register(legacyRoutes, { ctx, guard: opts.guard ?? makeApiGuard(ctx) });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
