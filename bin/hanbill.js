#!/usr/bin/env node
// Entry of the `hanbill` command: runs the compiled JavaScript in dist/ (built by `npm install` / `npm ci`
// through the `prepare` script, or `npm run build`). Production never loads a TypeScript loader.
import fs from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!fs.existsSync(entry)) {
  process.stderr.write('hanbill: dist/ is missing: run `npm run build` (or `npm install`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
