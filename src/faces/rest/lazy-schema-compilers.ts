/**
 * Route schemas compiled on first use instead of at start.
 *
 * Fastify compiles every route's validators (ajv) and response serializers (fast-json-stringify) while the
 * server gets ready: with ~200 routes (and a HEAD twin for every GET) that was ~1.5 s of CPU on each start,
 * for routes a given process may never serve. Here each compiler answers a stand-in at once and compiles
 * the real function on the route's first request; the compiled function is kept, so later requests pay
 * nothing. The behaviour of a compiled function is unchanged (same compiler, same route definition).
 *
 * What start-up compilation also gave — a broken schema fails loudly — stays available: `compileAllSchemas`
 * compiles whatever is still pending and throws naming the route (a test runs it over the whole server).
 */
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** What a route compiler is called with (Fastify passes the route definition: schema, method, url, part or status). */
export interface RouteSchemaDefinition {
  schema?: unknown;
  method?: string;
  url?: string;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Every ajv instance of the REST faces skips the meta-schema pass (ajv's `validateSchema`): checking each shared
 * schema against the JSON Schema meta-schema when an instance is made compiled that meta-schema first, about 0.3 s of
 * a start's CPU (the response check's instance is made while the server starts; 2026-12-07 night, docs/performance.md).
 * A mistyped keyword still fails its route's compilation (ajv checks each keyword's value as it compiles:
 * `maxLength: "5"`, `required: "n"`, `type: "strin"`; test/e2e/start-deferred-schemas.test.ts), and every route's
 * schemas are compiled by the test suite.
 */
export const AJV_WITHOUT_META_SCHEMA_PASS = { validateSchema: false } as const;

/** The pending compilations of one server (every encapsulation context of it). */
export class SchemaCompilations {
  readonly #pending = new Set<() => unknown>();
  #compiled = 0;

  /** Schemas registered but not yet compiled. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Schemas compiled so far (on a first request, or by `compileAll`). */
  get compiled(): number {
    return this.#compiled;
  }

  /**
   * A stand-in for the function `compile` makes: calling it, or reading any of its properties (Fastify
   * reads an ajv validator's `schemaEnv` and `errors`), compiles once and then defers to the real one.
   * A compile error is thrown where Fastify calls it (a 500 for that request) and again on every call.
   */
  defer<F extends AnyFunction>(route: RouteSchemaDefinition, compile: () => F): F {
    let real: F | undefined;
    const ensure = (): F => {
      if (real) return real;
      try {
        real = compile();
      } catch (err) {
        const part = route.httpPart ?? (route.httpStatus ? `response ${route.httpStatus}` : 'schema');
        throw new Error(`schema of ${route.method ?? '?'} ${route.url ?? '?'} (${part}) does not compile: ${(err as Error).message}`, { cause: err });
      }
      this.#pending.delete(ensure);
      this.#compiled++;
      return real;
    };
    this.#pending.add(ensure);
    // a Proxy rather than a wrapper function: property reads (errors, schemaEnv) reach the compiled function
    return new Proxy((() => {}) as unknown as F, {
      apply: (_target, thisArg, args) => Reflect.apply(ensure(), thisArg, args),
      get: (_target, prop) => Reflect.get(ensure(), prop),
      has: (_target, prop) => Reflect.has(ensure(), prop),
    });
  }

  /** Compile every pending schema now; throws on the first that does not compile, naming its route. */
  compileAll(): void {
    for (const ensure of [...this.#pending]) ensure();
  }
}

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

/**
 * `schemaController.compilersFactory.buildSerializer` of a server: Fastify's own serializer compiler
 * (fast-json-stringify, same options), each response schema compiled on its first response.
 */
export function buildDeferredSerializer(compilations: SchemaCompilations, check?: ResponseCheck): SerializerFactory {
  const fastJsonStringify = SerializerSelector();
  const ajvPool = AjvCompiler();
  return ((externalSchemas: unknown, options: Parameters<typeof fastJsonStringify>[1]) => {
    const compile = fastJsonStringify(externalSchemas, options);
    if (!check) return (route: Parameters<typeof compile>[0]) => compilations.defer(route, () => compile(route));
    // the same shared schemas as the serializer; no coercion and nothing removed: the answer is checked as sent
    const validatorOf = ajvPool(externalSchemas as Parameters<typeof ajvPool>[0], { customOptions: { ...AJV_WITHOUT_META_SCHEMA_PASS, coerceTypes: false, removeAdditional: false, allErrors: false } }) as unknown as (
      route: unknown,
    ) => ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
    return (route: Parameters<typeof compile>[0]) =>
      compilations.defer(route, () => {
        const serialize = compile(route) as (data: unknown) => string;
        const validate = validatorOf(route);
        const def = route as RouteSchemaDefinition;
        return ((data: unknown) => {
          if (!validate(data)) {
            const e = validate.errors?.[0];
            check({ method: def.method ?? '?', url: def.url ?? '?', status: def.httpStatus ?? '?', path: e?.instancePath || '/', problem: e?.message ?? 'does not match' });
          }
          return serialize(data);
        }) as (...args: unknown[]) => unknown;
      });
  }) as unknown as SerializerFactory;
}

/**
 * Told of an answer that does not match its route's documented response schema (HANBILL_RESPONSE_CHECK):
 * `log` logs it and sends the answer; `strict` (the test suite) throws, so the request fails with a 500
 * and the test that made it fails. Checked before serialisation, which would otherwise hide the mismatch
 * (fast-json-stringify drops unknown fields and coerces types).
 */
export type ResponseCheck = (mismatch: { method: string; url: string; status: string; path: string; problem: string }) => void;

const byServer = new WeakMap<object, SchemaCompilations>();

/** The compilations of a server built with `trackSchemaCompilations` (undefined otherwise). */
export function schemaCompilationsOf(app: FastifyInstance): SchemaCompilations | undefined {
  return byServer.get(app);
}

/** Remember a server's compilations, so `compileAllSchemas` can reach them. */
export function trackSchemaCompilations(app: FastifyInstance, compilations: SchemaCompilations): void {
  byServer.set(app, compilations);
}

/** Compile every route schema of a ready server that is still pending (tests: all schemas compile). */
export function compileAllSchemas(app: FastifyInstance): void {
  const compilations = byServer.get(app);
  if (!compilations) throw new Error('this server does not defer its schema compilation');
  compilations.compileAll();
}
