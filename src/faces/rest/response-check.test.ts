// Answers are checked against their route's documented response schema (issue 9 item 4: "responses are
// validated"): the serializer alone would hide a mismatch (fast-json-stringify drops unknown fields and
// coerces types), so the check runs on the handler's value before it is serialised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { buildDeferredSerializer, SchemaCompilations, type ResponseCheck } from './lazy-schema-compilers.ts';

async function serverAnswering(value: unknown, check: ResponseCheck) {
  const compilations = new SchemaCompilations();
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: buildDeferredSerializer(compilations, check) } } });
  app.get('/x', { schema: { response: { 200: Type.Object({ id: Type.Integer(), name: Type.String() }, { additionalProperties: false }) } } }, async () => value);
  await app.ready();
  return app;
}

test('an answer that matches its schema passes unchanged', async () => {
  const seen: unknown[] = [];
  const app = await serverAnswering({ id: 1, name: '한빌' }, (m) => seen.push(m));
  const res = await app.inject('/x');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { id: 1, name: '한빌' });
  assert.deepEqual(seen, []);
});

test('a mismatch the serializer would hide (a string for an integer, a missing field) is reported with its path', async () => {
  for (const [value, path] of [
    [{ id: '1', name: 'a' }, '/id'],
    [{ id: 1 }, '/'],
  ] as const) {
    const seen: { path: string; status: string; url: string }[] = [];
    const app = await serverAnswering(value, (m) => seen.push(m));
    const res = await app.inject('/x');
    assert.equal(seen.length, 1, JSON.stringify(value));
    assert.equal(seen[0]!.path, path);
    assert.equal(seen[0]!.status, '200');
    assert.equal(seen[0]!.url, '/x');
    // log mode still sends what the serializer can make (a missing required field it cannot: 500 either way)
    if (path === '/id') assert.equal(res.statusCode, 200, 'log mode still answers');
  }
});

test('strict mode (the test suite): a mismatch fails the request', async () => {
  const app = await serverAnswering({ id: 'not a number', name: 'a' }, (m) => {
    throw new Error(`${m.url} off its schema at ${m.path}`);
  });
  const res = await app.inject('/x');
  assert.equal(res.statusCode, 500);
});
