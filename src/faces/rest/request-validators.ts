/**
 * How Fastify validates REST requests against the route schemas (ajv, via Fastify's own compiler).
 *
 * - Bodies are JSON and carry their own types, so they are not coerced: `"100"` for an integer amount,
 *   `"true"` for a boolean or a scalar for an array is refused naming the field, not silently converted.
 * - Path parameters, query strings and headers arrive as text, so they keep ajv's coercion (`?limit=10`).
 * - Every `integer` is bounded to the safe integers: larger values lose precision as JS numbers and
 *   overflow PostgreSQL's bigint (2^63 and more was a 500), so the schema refuses them naming the field.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import type { RouteSchemaDefinition, SchemaCompilations } from './lazy-schema-compilers.ts';

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;

/** Fastify's defaults, minus what we choose: never strip unknown fields (they are refused), one error. */
const AJV_OPTIONS = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

// One pool per coercion mode; each caches its ajv instance by the set of shared schemas.
const strictPool = AjvCompiler();
const coercingPool = AjvCompiler();

/** Keys whose values are data, not sub-schemas. */
const DATA_KEYWORDS = new Set(['default', 'examples', 'example', 'enum', 'const']);

/** A copy of `schema` whose every `integer` lies within ±(2^53 − 1) (tighter bounds are kept). */
export function withSafeIntegers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s) => withSafeIntegers(s)) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = DATA_KEYWORDS.has(k) ? v : withSafeIntegers(v);
  const type = out['type'];
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    const max = out['maximum'];
    const min = out['minimum'];
    if (typeof max !== 'number' || max > Number.MAX_SAFE_INTEGER) out['maximum'] = Number.MAX_SAFE_INTEGER;
    if (typeof min !== 'number' || min < Number.MIN_SAFE_INTEGER) out['minimum'] = Number.MIN_SAFE_INTEGER;
  }
  return out as T;
}

type RouteCompiler = FastifySchemaCompiler<unknown>;

function restValidator(externalSchemas: Record<string, unknown>, compilations: SchemaCompilations): FastifySchemaCompiler<unknown> {
  // the ajv instances (one per coercion mode, holding the shared schemas) are made on the first compile too
  let compilers: { strict: RouteCompiler; coercing: RouteCompiler } | undefined;
  const compilersOnce = () => {
    if (compilers) return compilers;
    const shared = withSafeIntegers(externalSchemas) as Parameters<typeof strictPool>[0];
    // The pools' compilers take the route definition (their typings say a bare schema).
    compilers = {
      strict: strictPool(shared, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } }) as unknown as RouteCompiler,
      coercing: coercingPool(shared, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } }) as unknown as RouteCompiler,
    };
    return compilers;
  };
  // each route's validator is compiled on its first request (lazy-schema-compilers.ts), not while the server starts
  return (route) =>
    compilations.defer(route as RouteSchemaDefinition, () => {
      const { strict, coercing } = compilersOnce();
      return (route.httpPart === 'body' ? strict : coercing)({ ...route, schema: withSafeIntegers(route.schema) }) as (...args: unknown[]) => unknown;
    }) as ReturnType<RouteCompiler>;
}

/**
 * `schemaController.compilersFactory.buildValidator` of a server: one compiler per coercion mode, each route's
 * validator compiled on first use and tracked in `compilations`.
 * (Fastify types this option as the ajv-compiler pool, whose compiler takes a bare schema; at run time
 * Fastify calls it with the route definition, as `restValidator` is written.)
 */
export function buildRestValidator(compilations: SchemaCompilations): ValidatorFactory {
  return ((externalSchemas: Record<string, unknown>) => restValidator(externalSchemas, compilations)) as unknown as ValidatorFactory;
}
