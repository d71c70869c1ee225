#!/usr/bin/env node
// The production build (`npm run build`, also run by `npm install` / `npm ci` through `prepare`): src/ → dist/
// as a few ESM bundles (esbuild), not ~250 compiled files plus ~1,000 small package modules loaded one by one
// at every start (that loading was most of a restart's 2+ s). Type-checking is tsc's job (`npm test`,
// `npm run typecheck`); esbuild only strips types.
//
//   dist/cli/main.js                              the CLI and server (bin/hanbill.js imports it)
//   dist/chunks/*.js                              its lazily imported parts (code splitting)
//   dist/modules/documents/render/pdf-worker.js   the PDF worker thread, started by path: its own bundle
//   dist/simulators/nts/invoice-check-worker.js   the NTS simulator's invoice-check worker thread, likewise
//   dist/modules/nts/seal-worker.js               the NTS filing's sealing worker thread (sign, package, encrypt), likewise
//
// Bundled: our code and the many-small-file packages (typebox, kysely, fastify and most of its plugins, …).
// External (loaded from node_modules at run time): the packages that find files relative to themselves
// (wasm, fonts, static assets, native addons, worker files) or that start must not load (EXTERNAL below).
//
// A module that locates files relative to itself (`import.meta.url`: migrations/, the PDF worker, fonts)
// keeps the location it had in the file-per-module layout: in the main bundle every output file lies one
// folder below dist/ (cli/, chunks/), so `import.meta.url` in src/X.ts becomes `new URL('../X.js',
// import.meta.url).href`, the URL of dist/X.js.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

const EXTERNAL = [
  '@electric-sql/pglite', // wasm and data files beside its modules
  'pdfkit', // AFM font data read from its own folder; loaded on the first PDF only
  '@expo-google-fonts/nanum-gothic', // fonts, found with require.resolve
  '@fastify/swagger-ui', // static assets served from its own folder
  '@fastify/static',
  '@node-rs/argon2', // native addon
  'smtp-server', // dev mail catcher: never loaded in production (start-loads test)
  'mailparser', // loaded on the first caught mail
  'nodemailer',
  'pino', // transports start worker files by path
  'pg', // optional pg-native
  'kisa-seed',
  'iconv-lite', // ~0.5 MB of encoding tables it requires only when an encoding is first used
  'node-forge',
  'xml-crypto',
  'fast-check',
  'tsx',
];

const isExternal = (spec) => EXTERNAL.some((pkg) => spec === pkg || spec.startsWith(`${pkg}/`));

/** Bare specifiers of EXTERNAL packages stay imports (or requires, from bundled CommonJS) at run time. */
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (isExternal(args.path) || args.path.startsWith('node:') ? { path: args.path, external: true } : undefined));
  },
};

/** `import.meta.url` in src/X.ts → the URL dist/X.js would have (every main-bundle output is one folder below dist/). */
const moduleUrls = (depth) => ({
  name: 'module-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(src + path.sep)) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const rel = path.relative(src, args.path).split(path.sep).join('/').replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify('../'.repeat(depth) + rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
});

// Bundled CommonJS (fastify and its dependencies) calls require() for Node built-ins and EXTERNAL packages.
const banner = { js: "import { createRequire as __hanbillCreateRequire } from 'node:module'; const require = __hanbillCreateRequire(import.meta.url);" };
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, legalComments: 'none', logLevel: 'warning', sourcemap: false };

fs.rmSync(dist, { recursive: true, force: true });
const main = await build({
  ...common,
  entryPoints: { 'cli/main': path.join(src, 'cli/main.ts') },
  outdir: dist,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [externals, moduleUrls(1)],
  metafile: true,
});
if (process.env.BUILD_META) fs.writeFileSync(process.env.BUILD_META, JSON.stringify(main.metafile));
for (const out of Object.keys(main.metafile.outputs)) {
  if (path.relative(dist, path.resolve(root, out)).split(path.sep).length !== 2) throw new Error(`build: ${out} is not one folder below dist/`);
}
await build({
  ...common,
  entryPoints: { 'modules/documents/render/pdf-worker': path.join(src, 'modules/documents/render/pdf-worker.ts') },
  outdir: dist,
  plugins: [externals, moduleUrls(3)],
});
// the NTS filing's sealing worker (src/modules/nts/seal-pool.ts), started by path
await build({
  ...common,
  entryPoints: { 'modules/nts/seal-worker': path.join(src, 'modules/nts/seal-worker.ts') },
  outdir: dist,
  plugins: [externals, moduleUrls(2)],
});
// the in-process NTS simulator's invoice-check worker (src/simulators/nts/invoice-check-pool.ts), started by path
await build({
  ...common,
  entryPoints: { 'simulators/nts/invoice-check-worker': path.join(src, 'simulators/nts/invoice-check-worker.ts') },
  outdir: dist,
  plugins: [externals, moduleUrls(2)],
});
