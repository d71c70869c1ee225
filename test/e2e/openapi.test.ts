// The served OpenAPI document: committed (docs/openapi.json, so API changes show in review), Idempotency-Key
// declared where it is honoured, the document schema typed and described, and answers shaped by it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { canonicalOpenApi, OPENAPI_FILE, OPENAPI_REGENERATE } from '../support/openapi-file.ts';
import { onboard } from '../support/onboard.ts';
import { rest } from '../support/http.ts';

interface Param { in: string; name: string; required?: boolean }
interface Operation { parameters?: Param[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
interface Schema { type?: string | string[]; description?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; $ref?: string; required?: string[] }
interface Spec { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } }

let sys: TestSystem;
let spec: Spec;
before(async () => {
  sys = await startTestSystem();
  spec = (await (await fetch(`${sys.url}/openapi.json`)).json()) as Spec;
});
after(async () => sys?.close());

/** Every POST / PUT / PATCH that runs through runIdempotent (a retry with the same key is answered once). */
const IDEMPOTENT = [
  'post /v1/members',
  'post /v1/messages',
  'post /v1/operator/bills/{orderNo}/adjustments',
  'post /v1/subscriptions',
  'post /v1/catalog/units',
  'post /v1/catalog/packages',
  'post /v1/subscriptions/{subscriptionId}/documents',
  'post /v1/subscriptions/{subscriptionId}/document-batches',
  'post /v1/subscriptions/{subscriptionId}/reverse-requests',
  'put /v1/subscriptions/{subscriptionId}/documents/{dockey}',
  'post /v1/subscriptions/{subscriptionId}/certificate',
  'post /v1/subscriptions/{subscriptionId}/nts-filings',
  'post /v1/webhook-endpoints',
  'post /v1/webhook-endpoints/{endpointId}/rotate-secret',
  'post /v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/redeliver',
  'post /v1/portal/signup',
  'post /v1/partner/members',
  'post /v1/sender-numbers',
  'post /v1/operator/sender-numbers/{id}/approve',
  'post /v1/operator/sender-numbers/{id}/reject',
  'post /v1/kakao/channels',
  'post /v1/kakao/channels/{id}/token',
  'post /v1/kakao/channels/{id}/confirm',
  'post /v1/operator/kakao/channels/{id}/state',
  'post /v1/kakao/templates',
  'put /v1/kakao/templates/{id}',
  'post /v1/kakao/templates/{id}/submit',
  'post /v1/operator/kakao/templates/{id}/approve',
  'post /v1/operator/kakao/templates/{id}/reject',
  'delete /v1/message-history',
];

describe('OpenAPI', () => {
  test('the served /openapi.json is the committed docs/openapi.json', () => {
    const committed = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '(missing)';
    const served = canonicalOpenApi(spec);
    if (served !== committed) {
      const a = served.split('\n');
      const b = committed.split('\n');
      const at = a.findIndex((l, i) => l !== b[i]);
      assert.fail(
        `docs/openapi.json differs from the served /openapi.json (first at line ${at + 1}: served ${JSON.stringify(a[at])}, committed ${JSON.stringify(b[at])}).\n` +
          `If the API change is intended, run \`${OPENAPI_REGENERATE}\` and commit docs/openapi.json.`,
      );
    }
  });

  test('every POST / PUT that honours Idempotency-Key declares it as an optional header parameter, and no other does', () => {
    const declared: string[] = [];
    for (const [p, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const header = op.parameters?.find((x) => x.in === 'header' && x.name.toLowerCase() === 'idempotency-key');
        if (header) {
          assert.notEqual(header.required, true, `${method} ${p}: Idempotency-Key is optional`);
          declared.push(`${method} ${p}`);
        }
      }
    }
    assert.deepEqual(declared.sort(), [...IDEMPOTENT].sort());
  });

  test('the document schema types the parties, lines, statement, amendment, amounts and contacts, each field described', () => {
    const op = spec.paths['/v1/subscriptions/{subscriptionId}/documents']?.['post'];
    const doc = op?.requestBody?.content?.['application/json']?.schema?.properties?.['document'];
    assert.ok(doc?.properties, 'the write body has a typed document');
    const branch = (s: Schema | undefined): Schema | undefined => s?.anyOf?.find((x) => x.type !== 'null') ?? s;
    const props = (s: Schema | undefined) => Object.keys(branch(s)?.properties ?? {});
    assert.deepEqual(props(doc.properties['supplier']).sort(), ['address', 'bizno', 'businessItem', 'businessType', 'ceoName', 'contact', 'name', 'subBizno']);
    assert.deepEqual(props(doc.properties['trustee']).sort(), props(doc.properties['supplier']).sort());
    assert.deepEqual(props(doc.properties['buyer']).sort(), ['address', 'businessItem', 'businessType', 'ceoName', 'contacts', 'id', 'idType', 'name', 'subBizno']);
    assert.deepEqual(props(branch(doc.properties['buyer']?.properties?.['contacts'])?.items).sort(), ['department', 'email', 'mobile', 'name', 'tel']);
    assert.deepEqual(props(doc.properties['lines']?.items).sort(), ['day', 'month', 'name', 'quantity', 'remark', 'spec', 'supply', 'tax', 'unitPrice']);
    assert.deepEqual(props(doc.properties['amendment']).sort(), ['originalIssueId', 'reasonCode']);
    assert.deepEqual(props(doc.properties['amounts']).sort(), ['supply', 'tax', 'total']);
    assert.ok(props(doc.properties['statement']).includes('lines'));
    // every leaf says what it is in Korean and in English
    const leaves: [string, Schema][] = [];
    const walk = (s: Schema | undefined, at: string) => {
      const b = branch(s);
      if (!b) return;
      if (b.properties) for (const [k, v] of Object.entries(b.properties)) walk(v, `${at}.${k}`);
      else if (b.items) walk(b.items, `${at}[]`);
      else leaves.push([at, s!]);
    };
    walk(doc, 'document');
    assert.ok(leaves.length > 60, `${leaves.length} leaves`);
    for (const [at, s] of leaves) {
      const d = s.description ?? branch(s)?.description ?? '';
      assert.match(d, /[가-힣]/, `${at}: Korean description`);
      assert.match(d, /\([^)]*[A-Za-z]/, `${at}: English in parentheses`);
    }
    // the answer is typed too (and so serialized field by field)
    const out = spec.components.schemas['Document'];
    assert.ok(out?.properties?.['procState'] && out.properties['document']?.properties?.['buyer'], 'Document is typed');
  });

  test('the document schema refuses nothing the core accepts: a foreign buyer without id, nulls for absent fields, a number for a quantity', async () => {
    const s = await onboard(sys.url);
    const document = {
      kind: 'tax_invoice', purpose: 'receipt', writeDate: '20261121', taxType: 'regular',
      // foreigners are filed under 9999999999999: the core fills it in when id is absent
      buyer: { idType: 'foreigner', name: 'John Smith', ceoName: null, address: null, contacts: [{ name: null, email: 'john@example.com' }] },
      remarks: ['여권번호 M12345678'],
      amounts: { supply: 100000, tax: 10000, total: 110000 },
      payments: null,
      lines: [{ month: 11, day: 21, name: '컨설팅', quantity: 2, unitPrice: '50000', supply: 100000, tax: 10000, remark: null }],
    };
    const r = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents`, { document }, { 'x-svc-key': s.svcKey });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const got = await rest(sys.url, 'GET', `/v1/subscriptions/${s.sinchno}/documents/${r.body.dockey}`, undefined, { 'x-svc-key': s.svcKey });
    // the stored, normalized document comes back whole through the response schema
    assert.equal(got.body.document.buyer.id, '9999999999999');
    assert.equal(got.body.document.lines[0].quantity, '2');
    assert.deepEqual(got.body.document.remarks, ['여권번호 M12345678']);
    assert.equal(got.body.document.consignment, false);
  });
});
