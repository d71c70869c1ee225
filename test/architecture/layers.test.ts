// The layers of src/, enforced (CODE-REVIEW.md §1.2): every relative import of the shipped code (`import … from`,
// `export … from`, `import type`, `import('…')`) is an edge, and an edge is refused when it points the wrong way:
//
//   platform   → nothing above it (no module, face, simulator, cli, composition root)
//   modules    → no face, simulator, cli or composition root: a module is told its adapters, it never picks them
//   faces      → no other face's internals (legacy ↔ rest ↔ portal ↔ view ↔ dev-mailbox); the small shared face
//                kits at the top of faces/ (named below) are for every face, and http-server.ts assembles them all
//   faces, simulators → not the cli or the composition root
//
// Test files (*.test.ts) are not walked: they are not shipped (not reachable from the build's entries) and may use fixtures from
// anywhere, e.g. the simulator's test PKI. The rules are checked on a hand-made graph first, so this test can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(import.meta.dirname, '../../src');

/**
 * Files every face may use: the small kits directly under faces/ (no routes of their own), and the REST kit
 * (shared schema pieces, Idempotency-Key replay, the JSON shapes of bills) that the portal's JSON routes use
 * because they are REST routes too, in the same OpenAPI document.
 */
const SHARED_FACE_KITS = new Set(['faces/security-headers.ts', 'faces/html.ts', 'faces/favicon.ts', 'faces/loopback.ts', 'faces/bearer.ts', 'faces/request-context.ts', 'faces/rest/schemas.ts', 'faces/rest/idempotency.ts', 'faces/rest/partner-caller.ts', 'faces/rest/bill-json.ts']);
/** The one face file that may import every face: it builds the HTTP server from their plugins. */
const FACE_ASSEMBLER = 'faces/http-server.ts';
/** The composition root and the command line: the only code that may choose adapters and start things. */
const isTop = (p: string) => p === 'main.ts' || p.startsWith('cli/') || p.startsWith('composition/');

export interface Edge {
  from: string;
  to: string;
}

type Layer = 'platform' | 'modules' | 'faces' | 'simulators' | 'top' | 'config';

function layerOf(p: string): Layer {
  if (isTop(p)) return 'top';
  if (p === 'config.ts') return 'config';
  return p.split('/')[0] as Layer;
}

/** faces/<face>/… → <face>; files directly in faces/ → undefined. */
function faceOf(p: string): string | undefined {
  const parts = p.split('/');
  return parts[0] === 'faces' && parts.length > 2 ? parts[1] : undefined;
}

/** Why an edge breaks the layering, or undefined when it is allowed. Paths are relative to src/. */
export function breach({ from, to }: Edge): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === 'platform' && (b === 'modules' || b === 'faces' || b === 'simulators' || b === 'top')) return `platform imports ${b}`;
  if (a === 'modules' && (b === 'faces' || b === 'simulators' || b === 'top')) return `a module imports ${b === 'top' ? 'the composition root / cli' : b}`;
  if ((a === 'faces' || a === 'simulators') && b === 'top') return `${a} import the composition root / cli`;
  if (a === 'faces' && b === 'faces' && from !== FACE_ASSEMBLER) {
    const fa = faceOf(from);
    const fb = faceOf(to);
    if (SHARED_FACE_KITS.has(to)) return undefined;
    if (fb === undefined) return `${to} is not a shared face kit`;
    if (fb !== undefined && fa !== fb) return `face ${fa ?? from} imports face ${fb}'s internals`;
  }
  return undefined;
}

/** Every relative import edge of the shipped .ts files under `root`. */
export function importEdges(root: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(ts|mts|mjs|js)$/.test(file) || /\.test\.ts$/.test(file)) continue;
    const abs = path.join(root, file);
    // preProcessFile lists import/export-from (type-only too), import('…') and require('…') specifiers
    const info = ts.preProcessFile(fs.readFileSync(abs, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith('.')) continue; // packages and node: built-ins are not layers
      const to = path.relative(root, path.resolve(path.dirname(abs), spec));
      edges.push({ from: file.split(path.sep).join('/'), to: to.split(path.sep).join('/') });
    }
  }
  return edges;
}

test('the rules refuse wrong-way edges and allow the right ones (hand-made graph)', () => {
  const refused: Edge[] = [
    { from: 'platform/jobs.ts', to: 'modules/nts/tables.ts' },
    { from: 'modules/nts/x.ts', to: 'simulators/nts/nts-simulator.ts' },
    { from: 'modules/nts/x.ts', to: 'faces/legacy/legacy-commands.ts' },
    { from: 'modules/portal/cli.ts', to: 'main.ts' },
    { from: 'modules/a/b.ts', to: 'cli/main.ts' },
    { from: 'faces/rest/tenant-auth.ts', to: 'faces/legacy/legacy-commands.ts' },
    { from: 'faces/portal/pages.ts', to: 'faces/rest/json-body.ts' },
    { from: 'faces/view/view-routes.ts', to: 'faces/http-server.ts' },
    { from: 'simulators/nts/cli.ts', to: 'main.ts' },
  ];
  for (const e of refused) assert.ok(breach(e), `${e.from} → ${e.to} must be refused`);
  const allowed: Edge[] = [
    { from: 'modules/nts/x.ts', to: 'modules/signing/asn1-der.ts' },
    { from: 'modules/nts/x.ts', to: 'platform/context.ts' },
    { from: 'platform/context.ts', to: 'config.ts' },
    { from: 'faces/legacy/document-page.ts', to: 'faces/legacy/legacy-commands.ts' },
    { from: 'faces/portal/layout.ts', to: 'faces/security-headers.ts' },
    { from: 'faces/portal/rest/user-routes.ts', to: 'faces/rest/idempotency.ts' },
    { from: 'faces/http-server.ts', to: 'faces/legacy/legacy-routes.ts' },
    { from: 'faces/rest/document-routes.ts', to: 'modules/documents/insert-document.ts' },
    { from: 'simulators/nts/invoice-rules.ts', to: 'modules/signing/tax-invoice-signature.ts' },
    { from: 'main.ts', to: 'simulators/nts/nts-simulator.ts' },
    { from: 'cli/commands/sign.ts', to: 'modules/signing/pkcs12.ts' },
  ];
  for (const e of allowed) assert.equal(breach(e), undefined, `${e.from} → ${e.to} must be allowed`);
});

test('the import walk sees every kind of import (type-only, re-export, dynamic)', () => {
  const dir = fs.mkdtempSync(path.join(import.meta.dirname, '.layers-'));
  try {
    fs.mkdirSync(path.join(dir, 'modules/a'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'modules/a/b.ts'),
      [
        "import type { X } from '../../faces/rest/x.ts';",
        "export { y } from '../../simulators/s.ts';",
        "const m = await import('../../main.ts');",
        "import fs from 'node:fs';",
        "import { z } from './c.ts';",
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'modules/a/b.test.ts'), "import '../../main.ts';\n");
    const edges = importEdges(dir).map((e) => `${e.from} → ${e.to}`).sort();
    assert.deepEqual(edges, ['modules/a/b.ts → faces/rest/x.ts', 'modules/a/b.ts → main.ts', 'modules/a/b.ts → modules/a/c.ts', 'modules/a/b.ts → simulators/s.ts']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('src/ keeps its layers: no edge points the wrong way', () => {
  const edges = importEdges(SRC);
  assert.ok(edges.length > 300, `the walk found only ${edges.length} edges`);
  const bad = edges.flatMap((e) => {
    const why = breach(e);
    return why ? [`${e.from} → ${e.to}  (${why})`] : [];
  });
  assert.deepEqual(bad, [], `${bad.length} import(s) break the layers:\n  ${bad.join('\n  ')}`);
});
