// The committed generated types are what the generator makes of the committed docs/openapi.json (`npm run openapi`
// regenerates both), and the hand-written event catalogue of the client is the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { GENERATED_PATH, generateClientTypes, readSpec, typeOf } from '../../../scripts/gen-client.ts';
import { EVENT_TYPE_NAMES, EVENT_OBJECT_TYPES as SERVER_OBJECT_TYPES } from '../../../src/modules/events/event-catalogue.ts';
import { EVENT_OBJECT_TYPES, EVENT_TYPES } from '../src/areas/events.ts';
import { IDEMPOTENT_OPERATIONS } from '../src/generated/api.ts';

test('clients/typescript/src/generated/api.ts is up to date with docs/openapi.json', () => {
  const fresh = generateClientTypes(readSpec());
  const committed = fs.readFileSync(GENERATED_PATH, 'utf8');
  if (fresh !== committed) {
    const a = fresh.split('\n');
    const b = committed.split('\n');
    const at = a.findIndex((l, i) => l !== b[i]);
    assert.fail(`the generated client types differ from docs/openapi.json (first at line ${at + 1}: fresh ${JSON.stringify(a[at])}, committed ${JSON.stringify(b[at])}); run \`node --import tsx scripts/gen-client.ts\``);
  }
});

test('the generator maps the schema keywords the server uses', () => {
  assert.equal(typeOf({ type: 'integer' }), 'number');
  assert.equal(typeOf({ anyOf: [{ type: 'string' }, { type: 'null' }] }), 'string | null');
  assert.equal(typeOf({ type: ['string', 'null'] }), 'string | null');
  assert.equal(typeOf({ enum: ['a', 'b'] }), '"a" | "b"');
  assert.equal(typeOf({ const: 3 }), '3');
  assert.equal(typeOf({ type: 'array', items: { $ref: '#/components/schemas/Document' } }), 'Schemas["Document"][]');
  assert.equal(typeOf({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }), 'Array<string | number>');
  assert.equal(typeOf({ type: 'object', properties: { 'a-b': { type: 'string', description: 'x' }, c: { type: 'boolean' } }, required: ['c'] }), '{\n  /** x */\n  "a-b"?: string;\n  c: boolean;\n}');
  assert.equal(typeOf({ type: 'object', additionalProperties: { type: 'string' } }), '{\n  [key: string]: string;\n}');
  assert.equal(typeOf({ type: 'object' }), 'Record<string, never>');
  assert.equal(typeOf({ description: 'anything' }), 'unknown');
  assert.throws(() => typeOf({ oneOf: [] }), /oneOf/);
  assert.ok(IDEMPOTENT_OPERATIONS.has('POST /v1/messages') && !IDEMPOTENT_OPERATIONS.has('POST /v1/subscriptions/{subscriptionId}/documents/bulk'));
});

test("the client's event catalogue is the server's", () => {
  assert.deepEqual([...EVENT_TYPES], [...EVENT_TYPE_NAMES]);
  assert.deepEqual([...EVENT_OBJECT_TYPES], [...SERVER_OBJECT_TYPES]);
});
