import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_DOCS_COMMAND, ERROR_DOCS_PATH, errorDocs } from './error-docs.ts';
import { ERROR_KINDS } from './errors.ts';

test(`${ERROR_DOCS_PATH} is generated from ERROR_KINDS`, () => {
  const committed = readFileSync(join(import.meta.dirname, '..', '..', ERROR_DOCS_PATH), 'utf8');
  assert.equal(committed, errorDocs(), `${ERROR_DOCS_PATH} differs from the catalogue: run \`${ERROR_DOCS_COMMAND}\` and commit the result`);
});

test('every kind says what it means, in Korean first and English in parentheses', () => {
  for (const [code, kind] of Object.entries(ERROR_KINDS)) {
    assert.match(kind.meaning, /^[^(]*[가-힣].* \([^가-힣]+\)$/, code);
    assert.ok(!kind.meaning.includes('|'), `${code}: a | would break the table`);
    assert.match(errorDocs(), new RegExp(`^\\| ${code} \\| ${kind.status} \\| ${kind.legacy} \\| `, 'm'));
  }
});
