/**
 * `docs/errors.md`, generated from the catalogue (`ERROR_KINDS`) so the two cannot drift: a test compares
 * the committed file with this text, and `node scripts/gen-error-docs.mjs` rewrites it.
 */
import { ERROR_KINDS } from './errors.ts';

export const ERROR_DOCS_PATH = 'docs/errors.md';
export const ERROR_DOCS_COMMAND = 'node scripts/gen-error-docs.mjs';

const HEADER = `# Errors

<!-- Generated from ERROR_KINDS in src/platform/errors.ts by \`${ERROR_DOCS_COMMAND}\`: do not edit by hand. -->

One error type in the core (\`AppError\`, \`src/platform/errors.ts\`) with a stable string code. The core keeps
the field at fault (\`field\`, a camelCase path such as \`loginId\` or \`supplier.bizno\`) apart from a
field-free message; each face names the field in its own vocabulary and composes the text
\`"<field>: <message>"\`. Messages are Korean with English in parentheses. A refused request changes nothing.

- REST answers the HTTP status and \`{"error": {"code", "message", "field", "status", "legacyCode", "requestId", "details"}}\`
  (\`field\` and \`details\` when there are any; \`details.retryAfterSeconds\` also as a \`Retry-After\` header).
- The legacy face answers HTTP 200 with \`<result><code>…</code><msg>…</msg><field>…</field><request_id>…</request_id></result>\`
  (or the same as JSON with \`fmt=json\`), naming the form field (\`pwd\`, \`sinch_no\`, \`doc__sup_bizno\` …).
- \`requestId\` / \`request_id\` is the id of the request in the server log: quote it when reporting a problem.
`;

export function errorDocs(): string {
  const rows = Object.entries(ERROR_KINDS).map(([code, k]) => `| ${code} | ${k.status} | ${k.legacy} | ${k.meaning} |`);
  return `${HEADER}\n| code | HTTP | legacy | meaning |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}
