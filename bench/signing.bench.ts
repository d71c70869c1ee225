/**
 * Signing throughput on one core. Run: node --import tsx bench/signing.bench.ts
 * Prints figures only; asserts nothing.
 */
import { constants, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { loadNpkiPrivateKey } from '../src/modules/signing/npki-private-key.ts';
import { loadPkcs12 } from '../src/modules/signing/pkcs12.ts';
import { computeTaxInvoiceSignature, signTaxInvoice, verifyTaxInvoice } from '../src/modules/signing/tax-invoice-signature.ts';
import { referencePath } from '../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const PASSWORD = 'Test1234!';
const unsignedXml = readFileSync(referencePath('kec-taxinvoice/open-etaxbill-core_unitest_1-0101.xml'), 'utf8');
const certDer = readFileSync(`${FIXTURE}/signCert.der`);
const seedKeyFile = readFileSync(`${FIXTURE}/signPri.key`);
const pbes2KeyFile = readFileSync(`${FIXTURE}/signPri_pbes2_seedcbc.key`);
const p12File = readFileSync(`${FIXTURE}/signCert_and_key.p12`);
const { privateKey } = loadNpkiPrivateKey(seedKeyFile, PASSWORD);
const signedXml = signTaxInvoice(unsignedXml, privateKey, certDer);
const canonicalSignedInfo = Buffer.from(computeTaxInvoiceSignature(unsignedXml).canonicalSignedInfo, 'utf8');

interface Row {
  name: string;
  opsPerSecond: number;
  meanMs: number;
}

/** Run `fn` for about `durationMs` after a short warm-up. */
function measure(name: string, fn: () => unknown, durationMs = 2000): Row {
  const warmUntil = performance.now() + Math.min(300, durationMs / 4);
  while (performance.now() < warmUntil) fn();
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 10; i++) fn();
    iterations += 10;
    now = performance.now();
  }
  const elapsed = now - start;
  return { name, opsPerSecond: (iterations * 1000) / elapsed, meanMs: elapsed / iterations };
}

const rows: Row[] = [
  measure('RSA-2048 PKCS#1 v1.5 SHA-256 sign (raw)', () =>
    sign('sha256', canonicalSignedInfo, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }),
  ),
  measure('digest + SignedInfo only (no RSA)', () => computeTaxInvoiceSignature(unsignedXml)),
  measure('signTaxInvoice (full)', () => signTaxInvoice(unsignedXml, privateKey, certDer)),
  measure('verifyTaxInvoice (full)', () => verifyTaxInvoice(signedXml)),
  measure('NPKI key load, 1.2.410.200004.1.15 SEED', () => loadNpkiPrivateKey(seedKeyFile, PASSWORD), 1000),
  measure('NPKI key load, PBES2 + seedCBC', () => loadNpkiPrivateKey(pbes2KeyFile, PASSWORD), 1000),
  measure('.p12 load (node-forge, AES-256, MAC SHA-256)', () => loadPkcs12(p12File, PASSWORD), 1000),
];

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`signing benchmark — Node ${process.version}, ${cpu}, one core, invoice ${Buffer.byteLength(unsignedXml)} bytes\n`);
const nameWidth = Math.max(...rows.map((r) => r.name.length));
console.log(`${'operation'.padEnd(nameWidth)}  ${'ops/s'.padStart(10)}  ${'mean ms'.padStart(9)}`);
console.log(`${'-'.repeat(nameWidth)}  ${'-'.repeat(10)}  ${'-'.repeat(9)}`);
for (const row of rows) {
  console.log(`${row.name.padEnd(nameWidth)}  ${row.opsPerSecond.toFixed(0).padStart(10)}  ${row.meanMs.toFixed(3).padStart(9)}`);
}
const raw = rows[0]!;
const full = rows[2]!;
console.log(`\nnon-RSA overhead per signed invoice ≈ ${(full.meanMs - raw.meanMs).toFixed(3)} ms`);
