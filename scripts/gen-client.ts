/**
 * The TypeScript client's types, generated from the committed OpenAPI document (docs/openapi.json):
 *
 *   node --import tsx scripts/gen-client.ts          writes clients/typescript/src/generated/api.ts
 *   node --import tsx scripts/gen-client.ts --check  exits 1 when the committed file differs from a fresh one
 *
 * `npm run openapi` runs it after rewriting docs/openapi.json, so the two never drift apart;
 * clients/typescript/test/generated.test.ts fails when they do.
 *
 * What is generated: `Schemas` (every components/schemas entry), `Operations` (every operation by
 * "METHOD /path": its path parameters, query, body, the answer of each status and `success`, the union of its
 * 2xx answers) and `IDEMPOTENT_OPERATIONS` (the POST / PUT / DELETE that declare the `Idempotency-Key`
 * header: the client retries a POST only when it is one of these). The schemas the server publishes use a small
 * JSON Schema subset (type, properties, required, items, anyOf, enum, const, $ref, additionalProperties); a
 * keyword outside it that changes a type stops the generator instead of producing a wrong type.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_PATH = path.join(root, 'docs', 'openapi.json');
export const GENERATED_PATH = path.join(root, 'clients', 'typescript', 'src', 'generated', 'api.ts');

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: boolean | Schema;
  description?: string;
  [keyword: string]: unknown;
}
interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const key = (name: string) => (IDENT.test(name) ? name : JSON.stringify(name));
const comment = (text: string | undefined, indent: string) => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ')} */\n` : '');

/** A schema as a TypeScript type; `indent` is the indentation of the line the type starts on. */
export function typeOf(schema: Schema | undefined, indent = ''): string {
  if (schema === undefined || (typeof schema === 'object' && Object.keys(schema).every((k) => k === 'description' || k === 'default' || k === 'examples' || k === 'example'))) return 'unknown';
  if (schema.$ref !== undefined) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref);
    if (!m) throw new Error(`gen-client: unsupported $ref ${schema.$ref}`);
    return `Schemas[${JSON.stringify(m[1])}]`;
  }
  if (schema.oneOf || schema.allOf) throw new Error('gen-client: oneOf / allOf are not used by the server yet: teach the generator');
  if (schema.anyOf) return union(schema.anyOf.map((s) => typeOf(s, indent)));
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return union(schema.enum.map((v) => JSON.stringify(v)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : [];
  if (types.length === 0) return 'unknown';
  return union(types.map((t) => typeOfType(t, schema, indent)));
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.join(' | ');
}

function typeOfType(type: string, schema: Schema, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = typeOf(schema.items, indent);
      return /^[\w$."[\]]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectType(schema, indent);
    default:
      throw new Error(`gen-client: unknown type ${type}`);
  }
}

function objectType(schema: Schema, indent: string): string {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const name of Object.keys(props)) {
    const p = props[name]!;
    lines.push(`${comment(p.description, inner)}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(p, inner)};\n`);
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    const t = extra === true ? 'unknown' : typeOf(extra, inner);
    lines.push(`${inner}[key: string]: ${lines.length && t !== 'unknown' ? 'unknown' : t};\n`);
  } else if (lines.length === 0) {
    return 'Record<string, never>';
  }
  return `{\n${lines.join('')}${indent}}`;
}

/** A parameter group (path or query) as an object type; `never` when the operation has none. */
function parametersType(params: Parameter[], indent: string): string {
  if (params.length === 0) return 'never';
  const inner = `${indent}  `;
  return `{\n${params.map((p) => `${comment(p.description, inner)}${inner}${key(p.name)}${p.required ? '' : '?'}: ${typeOf(p.schema, inner)};\n`).join('')}${indent}}`;
}

const BINARY = 'ArrayBuffer';

function answerType(r: { content?: Record<string, { schema?: Schema }> } | undefined, indent: string): string {
  const content = r?.content;
  if (!content || Object.keys(content).length === 0) return 'void';
  const json = content['application/json'];
  if (json) return typeOf(json.schema, indent);
  return BINARY;
}

export function generateClientTypes(spec: OpenApi): string {
  const out: string[] = [];
  out.push(
    '// GENERATED by scripts/gen-client.ts from docs/openapi.json: do not edit (npm run openapi regenerates both).\n',
    '/** Every schema of components/schemas, by name. */\n',
    'export interface Schemas {\n',
  );
  const schemas = spec.components?.schemas ?? {};
  for (const name of Object.keys(schemas).sort()) {
    out.push(`${comment(schemas[name]!.description, '  ')}  ${key(name)}: ${typeOf(schemas[name], '  ')};\n`);
  }
  out.push('}\n\n');

  out.push(
    '/**\n * Every operation by "METHOD /path": `path` and `query` parameters (`never`: none), `body` (`never`: none),\n',
    " * `responses` by status, and `success`: the answer of a 2xx (`ArrayBuffer` for a file, `void` for no content).\n */\n",
    'export interface Operations {\n',
  );
  const idempotent: string[] = [];
  for (const p of Object.keys(spec.paths).sort()) {
    const ops = spec.paths[p]!;
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const name = `${method.toUpperCase()} ${p}`;
      const params = op.parameters ?? [];
      if (params.some((x) => x.in === 'header' && x.name.toLowerCase() === 'idempotency-key')) idempotent.push(name);
      const body = op.requestBody?.content?.['application/json'];
      const responses = Object.entries(op.responses ?? {}).sort(([a], [b]) => a.localeCompare(b));
      const success = responses.filter(([s]) => /^2\d\d$/.test(s)).map(([, r]) => answerType(r, '    '));
      out.push(comment([op.summary, op.description].filter(Boolean).join(' — '), '  '));
      out.push(`  ${JSON.stringify(name)}: {\n`);
      out.push(`    path: ${parametersType(params.filter((x) => x.in === 'path'), '    ')};\n`);
      out.push(`    query: ${parametersType(params.filter((x) => x.in === 'query'), '    ')};\n`);
      out.push(`    body: ${body ? typeOf(body.schema, '    ') : 'never'};\n`);
      out.push(`    bodyRequired: ${body ? String(op.requestBody?.required === true) : 'false'};\n`);
      out.push('    responses: {\n');
      for (const [status, r] of responses) out.push(`      ${status}: ${answerType(r, '      ')};\n`);
      out.push('    };\n');
      out.push(`    success: ${success.length ? union(success) : BINARY};\n`);
      out.push('  };\n');
    }
  }
  out.push('}\n\n');
  out.push('export type OperationName = keyof Operations;\n\n');
  out.push('/** Operations that honour `Idempotency-Key` (a retry with the same key is answered once, nothing done twice). */\n');
  out.push(`export const IDEMPOTENT_OPERATIONS: ReadonlySet<string> = new Set([\n${idempotent.map((n) => `  ${JSON.stringify(n)},\n`).join('')}]);\n`);
  return out.join('');
}

export function readSpec(file = OPENAPI_PATH): OpenApi {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApi;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = generateClientTypes(readSpec());
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(GENERATED_PATH) ? fs.readFileSync(GENERATED_PATH, 'utf8') : '';
    if (committed !== text) {
      console.error(`${path.relative(root, GENERATED_PATH)} is not up to date with docs/openapi.json: run \`node --import tsx scripts/gen-client.ts\``);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(GENERATED_PATH), { recursive: true });
    fs.writeFileSync(GENERATED_PATH, text);
    console.log(`wrote ${path.relative(root, GENERATED_PATH)}`);
  }
}
