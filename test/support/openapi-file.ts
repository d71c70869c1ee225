/**
 * The committed OpenAPI document (docs/openapi.json): the served /openapi.json in a stable form, so API
 * changes show in review as a diff of this file. `npm run openapi` rewrites it (scripts/openapi.ts);
 * test/e2e/openapi.test.ts fails when the served document drifts from it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPENAPI_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'openapi.json');
export const OPENAPI_REGENERATE = 'npm run openapi';

/** Object keys sorted (arrays keep their order: `required`, `enum`, parameters mean something in order). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The file's text for a served document: keys sorted, two-space indent, final newline. */
export function canonicalOpenApi(doc: unknown): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}
