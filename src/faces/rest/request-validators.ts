/**
 * How Fastify validates REST requests against the route schemas (ajv, via Fastify's own compiler).
 *
 * - Bodies are JSON and carry their own types, so they are not coerced: `"100"` for an integer amount,
 *   `"true"` for a boolean or a scalar for an array is refused naming the field, not silently converted.
 * - Path parameters, query strings and headers arrive as text, so they keep ajv's coercion (`?limit=10`).
 * - Every `integer` is bounded to the safe integers: larger values lose precision as JS numbers and
 *   overflow PostgreSQL's bigint (2^63 and more was a 500), so the schema refuses them naming the field.
 * - ajv's coercion turns `1e309` / `-1e309` into ±Infinity and then lets it through `integer`, `minimum` and
 *   `maximum` (`?channelId=-1e309` was a 500): a coerced value that is not a finite number is refused too.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import { AJV_WITHOUT_META_SCHEMA_PASS, type RouteSchemaDefinition, type SchemaCompilations } from './lazy-schema-compilers.ts';

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;

/** Fastify's defaults, minus what we choose: never strip unknown fields (they are refused), one error, no meta-schema pass. */
const AJV_OPTIONS = { ...AJV_WITHOUT_META_SCHEMA_PASS, removeAdditional: false, useDefaults: true, allErrors: false } as const;

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
      const schema = withSafeIntegers(route.schema);
      return route.httpPart === 'body' ? (strict({ ...route, schema }) as (...args: unknown[]) => unknown) : (finiteOnly(coercing({ ...route, schema }) as unknown as AjvValidate) as (...args: unknown[]) => unknown);
    }) as ReturnType<RouteCompiler>;
}

interface AjvValidate {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}

/** The first property (or array item) of coerced `data` that is a number but not a finite one. */
function nonFinitePath(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  for (const [key, value] of Object.entries(data)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) return `/${key}`;
  }
  return undefined;
}

/** `validate`, refusing a coerced ±Infinity / NaN as ajv refuses a non-integer (the same error shape, naming the field). */
function finiteOnly(validate: AjvValidate): AjvValidate {
  const checked: AjvValidate = (data) => {
    const ok = validate(data);
    const at = ok ? nonFinitePath(data) : undefined;
    checked.errors = at === undefined ? validate.errors : [{ keyword: 'type', instancePath: at, schemaPath: '#/type', params: { type: 'integer' }, message: 'must be integer' }];
    return ok && at === undefined;
  };
  return checked;
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
