/**
 * The NTS simulator's per-invoice check, first stage (invoice-rules.ts precheckInvoice: syntax, structure, formats,
 * signature, certificate, VID) — the step that bounds filing in the customer's flow on the embedded default, where
 * the simulator's worker thread shares the machine with the platform. Printed beside what it cannot go below in
 * the same run: one RSA-2048 verification and one strict DOM parse of the same invoice.
 *
 * Run: node --import tsx bench/nts-simulator-checks.bench.ts      (BENCH_CHECKS=3000)
 * Prints figures only; asserts nothing.
 */
import { constants, sign, verify } from 'node:crypto';
import { makeTestNpkiIdentity } from '../src/simulators/nts/test-pki.ts';
import { writtenStandardXml } from '../src/modules/documents/standard-xml.ts';
import { signWrittenTaxInvoice } from '../src/modules/signing/index.ts';
import { normalizeXmlText, parseXmlStrict } from '../src/modules/signing/tax-invoice-xml.ts';
import { precheckInvoice } from '../src/simulators/nts/invoice-rules.ts';
import { sampleDocument, todayKst } from '../test/e2e/nts-support.ts';

const N = Number(process.env['BENCH_CHECKS'] ?? 3000);
const identity = makeTestNpkiIdentity('1388602200');
const xml = signWrittenTaxInvoice(writtenStandardXml(sampleDocument('0101', '1388602200', todayKst()), { issueId: `${todayKst()}4100000100000001`, issueDateTime: new Date(), exchangeId: 'BENCH' }), identity.cert.privateKey, identity.signCert);
const item = { rValue: new Uint8Array(identity.randomNum), signedXml: new Uint8Array(Buffer.from(xml)) };
const first = precheckInvoice(item);
if ('code' in first) throw new Error(`the sample invoice does not pass: ${first.code} ${first.detail}`);

function msPer(fn: () => unknown, n = N): number {
  for (let i = 0; i < Math.min(300, n); i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t) / n;
}

const signature = sign('sha256', Buffer.from('signed info'), { key: identity.cert.privateKey, padding: constants.RSA_PKCS1_PADDING });
const rsaVerify = msPer(() => verify('sha256', Buffer.from('signed info'), { key: identity.cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature));
const domParse = msPer(() => parseXmlStrict(normalizeXmlText(xml)));
const check = msPer(() => precheckInvoice(item));
console.log(`NTS simulator invoice check (${xml.length} bytes of signed XML, ${N} checks, Node ${process.version})`);
console.log(`  precheckInvoice                 ${check.toFixed(3)} ms per invoice   (${(1000 / check).toFixed(0)} invoices/s on one thread)`);
console.log(`  bound: one DOM parse + RSA verify ${(domParse + rsaVerify).toFixed(3)} ms (parse ${domParse.toFixed(3)}, verify ${rsaVerify.toFixed(3)}); ratio ${((domParse + rsaVerify) / check).toFixed(2)}`);
