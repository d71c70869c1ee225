/**
 * `npm run openapi`: start a test system (embedded database from the test template), fetch its
 * /openapi.json and write docs/openapi.json in the canonical form the drift test compares against.
 */
import fs from 'node:fs';
import { startTestSystem } from '../test/support/test-system.ts';
import { canonicalOpenApi, OPENAPI_FILE } from '../test/support/openapi-file.ts';

const sys = await startTestSystem();
try {
  const res = await fetch(`${sys.url}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json: HTTP ${res.status}`);
  fs.writeFileSync(OPENAPI_FILE, canonicalOpenApi(await res.json()));
  console.log(`wrote ${OPENAPI_FILE}`);
} finally {
  await sys.close();
}
