// Route schemas compile on their first request, not while the server starts (issue 9 item 1: a second start in
// ≤ 2 s; compiling ~200 routes' validators and serializers at ready() was ~1.5 s of CPU per start). What the
// start-up compilation also proved — every schema compiles — is proved here over the whole server instead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { buildDeferredSerializer, compileAllSchemas, SchemaCompilations, schemaCompilationsOf, type RouteSchemaDefinition } from '../../src/faces/rest/lazy-schema-compilers.ts';
import { buildRestValidator } from '../../src/faces/rest/request-validators.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

test('a start compiles no route schema; a first request compiles its own route\'s only, once', async () => {
  const compilations = schemaCompilationsOf(sys.app!);
  assert.ok(compilations, 'the server defers its schema compilation');
  assert.equal(compilations.compiled, 0, 'nothing compiled while starting');
  assert.ok(compilations.pending > 100, `every route's schemas are waiting (${compilations.pending})`);

  const loginId = freshLoginId();
  const res = await fetch(`${sys.url}/v1/login-ids/${loginId}`);
  assert.equal(res.status, 200);
  // the 200 schema serialised the answer: exactly its two fields
  assert.deepEqual(await res.json(), { loginId, available: true });
  assert.equal(compilations.compiled, 2, 'the params validator and the 200 serializer of that route');
  await fetch(`${sys.url}/v1/login-ids/${freshLoginId()}`);
  assert.equal(compilations.compiled, 2, 'compiled once, kept');
});

test('a deferred validator still validates: a body of the wrong type is a 400 naming the field, nothing coerced', async () => {
  const res = await fetch(`${sys.url}/v1/members`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"loginId": 12345}' });
  assert.equal(res.status, 400);
  const { error } = (await res.json()) as { error: { field: string; message: string } };
  assert.equal(typeof error.field, 'string');
  assert.ok(error.message.startsWith(`${error.field}: `), error.message);
});

test('every route schema of the server compiles (what compiling at start used to prove)', () => {
  const compilations = schemaCompilationsOf(sys.app!)!;
  compileAllSchemas(sys.app!);
  assert.equal(compilations.pending, 0);
  assert.ok(compilations.compiled > 100, `compiled ${compilations.compiled}`);
});

test('a schema that does not compile fails naming its route; a compiled function keeps its properties', () => {
  const compilations = new SchemaCompilations();
  compilations.defer({ schema: {}, method: 'POST', url: '/v1/broken', httpPart: 'body' }, () => {
    throw new Error('unknown keyword');
  });
  assert.throws(() => compilations.compileAll(), /POST \/v1\/broken \(body\) does not compile: unknown keyword/);
  assert.equal(compilations.pending, 1, 'still pending: it never compiled');

  // Fastify reads an ajv validator's `errors` (and `schemaEnv`) after calling it: they reach the real function
  const real = Object.assign((n: unknown) => (typeof n === 'number' ? true : ((real.errors = ['not a number']), false)), { errors: null as unknown });
  const validator = new SchemaCompilations().defer({ schema: {}, httpPart: 'querystring' }, () => real);
  assert.equal(validator(1), true);
  assert.equal(validator('x'), false);
  assert.deepEqual(validator.errors, ['not a number']);
});

test('without the meta-schema pass, a mistyped keyword still fails its route\'s compilation, naming the route (request and response)', () => {
  type RouteCompilerFactory = (shared: Record<string, unknown>, options?: unknown) => (route: RouteSchemaDefinition) => unknown;
  const broken: [RouteSchemaDefinition, RegExp][] = [
    [{ schema: { type: 'object', properties: { n: { type: 'string', maxLength: '5' } } }, method: 'POST', url: '/v1/broken', httpPart: 'body' }, /POST \/v1\/broken \(body\) does not compile: .*maxLength/],
    [{ schema: { type: 'object', required: 'n' }, method: 'GET', url: '/v1/broken/:n', httpPart: 'params' }, /GET \/v1\/broken\/:n \(params\) does not compile: .*required/],
    [{ schema: { type: 'strin' }, method: 'GET', url: '/v1/broken', httpPart: 'querystring' }, /GET \/v1\/broken \(querystring\) does not compile: .*strin/],
  ];
  for (const [route, problem] of broken) {
    const compilations = new SchemaCompilations();
    (buildRestValidator(compilations) as unknown as RouteCompilerFactory)({})(route);
    assert.throws(() => compilations.compileAll(), problem);
  }
  // the response check (HANBILL_RESPONSE_CHECK) compiles the documented answer with its own ajv instance
  const compilations = new SchemaCompilations();
  (buildDeferredSerializer(compilations, () => {}) as unknown as RouteCompilerFactory)({}, {})({ schema: { type: 'object', properties: { n: { type: 'string', minLength: 'x' } } }, method: 'GET', url: '/v1/answer', httpStatus: '200' });
  assert.throws(() => compilations.compileAll(), /GET \/v1\/answer \(response 200\) does not compile: .*minLength/);
});
