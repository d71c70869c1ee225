// The built package (dist/, what `import '@hanbill/client'` loads) works without a TypeScript loader: the exports
// of package.json exist, and the compiled verifier and client behave like the sources. `npm test` builds dist/
// first (scripts/test.mjs); alone: `npx tsc -p clients/typescript` then this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const pkgDir = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { exports: { '.': { import: string; types: string } }; dependencies?: Record<string, string> };

test('package.json exports the built files, and the package has no runtime dependencies', () => {
  for (const file of [pkg.exports['.'].import, pkg.exports['.'].types]) {
    assert.ok(fs.existsSync(path.join(pkgDir, file)), `${file} is built (tsc -p clients/typescript)`);
  }
  assert.equal(pkg.dependencies, undefined);
});

test('the compiled package verifies the known vector and builds a client', async () => {
  const m = (await import(path.join(pkgDir, pkg.exports['.'].import))) as typeof import('../src/index.ts');
  const header = 't=1767225600,v1=b9ca0e0b1037cceb4f281415307ef7d2adac2c5974668f3a922e9790d43c627d';
  const body = '{"id":"evt_1","type":"document.issued"}';
  assert.deepEqual(m.verifyWebhookSignature({ body, header, secrets: 'whsec_test_secret', now: 1767225600_000 }), { valid: true, timestamp: 1767225600 });
  const client = new m.HanbillClient({ baseUrl: 'http://127.0.0.1:1', subscription: { id: 1, serviceKey: 'k' }, retry: false });
  assert.equal(typeof client.documents.issue, 'function');
  await assert.rejects(client.documents.list(), (err: InstanceType<typeof m.HanbillError>) => err instanceof m.HanbillError && err.code === 'network_error');
});
