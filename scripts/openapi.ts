/**
 * `npm run openapi`: start a test system (embedded database from the test template), fetch its
 * /openapi.json and write docs/openapi.json in the canonical form the drift test compares against, and the
 * TypeScript client's types generated from it (scripts/gen-client.ts).
 */
import fs from 'node:fs';
import { startTestSystem } from '../test/support/test-system.ts';
import { canonicalOpenApi, OPENAPI_FILE } from '../test/support/openapi-file.ts';
import { GENERATED_PATH, generateClientTypes, readSpec } from './gen-client.ts';

const sys = await startTestSystem();
try {
  const res = await fetch(`${sys.url}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json: HTTP ${res.status}`);
  fs.writeFileSync(OPENAPI_FILE, canonicalOpenApi(await res.json()));
  console.log(`wrote ${OPENAPI_FILE}`);
  // the TypeScript client's types are generated from it (clients/typescript/test/generated.test.ts checks they agree)
  fs.writeFileSync(GENERATED_PATH, generateClientTypes(readSpec()));
  console.log(`wrote ${GENERATED_PATH}`);
} finally {
  await sys.close();
}
