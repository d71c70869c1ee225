#!/usr/bin/env node
// Regenerate docs/errors.md from ERROR_KINDS (src/platform/errors.ts). A test fails while they differ.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { errorDocs, ERROR_DOCS_PATH } = await tsImport('../src/platform/error-docs.ts', import.meta.url);
const target = fileURLToPath(new URL(`../${ERROR_DOCS_PATH}`, import.meta.url));
writeFileSync(target, errorDocs());
console.log(`wrote ${ERROR_DOCS_PATH}`);
