// The class of bug behind issue 9 item 3: a message that names its field ("bizno: …") makes every face that
// renames the field edit message text. Throw sites pass { field } and a field-free message; faces compose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every source file of the product (tests excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

test('no throw site writes the field into its message (faces compose "field: message")', () => {
  const src = join(import.meta.dirname, '..');
  // the message argument of new AppError / invalidError, when it starts with `name: ` or `${expr}: `
  const prefixed = /(?:new AppError\(\s*'[a-z_]+'|invalidError\(\s*[^,]+)\s*,\s*(['`"])((?:\$\{[^}]+\}|[A-Za-z_][\w.[\]-]*): )/g;
  const found: string[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(prefixed)) {
      if (/label/i.test(m[2]!)) continue; // a Korean label in front of the problem ("공급자 상호: …") is text, not the field
      const line = text.slice(0, m.index).split('\n').length;
      found.push(`${relative(src, file)}:${line}: ${m[2]}`);
    }
  }
  assert.deepEqual(found, [], 'messages must be field-free; pass the field as { field } and let the face compose it');
});
