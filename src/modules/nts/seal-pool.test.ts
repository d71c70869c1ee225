// Sealing a submission on the worker thread answers what sealing inline answers: each invoice signed (the signature
// verifies with its certificate), the package decrypts with the NTS key to exactly those invoices with their R
// values, an item that cannot be built fails alone. Also the compiled entry in dist/ that production runs.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { makeTestNpkiIdentity, issueTestCertificate } from '../../simulators/nts/test-pki.ts';
import { verifyTaxInvoice } from '../signing/index.ts';
import { sampleDocument, todayKst } from '../../../test/e2e/nts-support.ts';
import type { WorkerReply } from '../../platform/worker-threads.ts';
import { decryptEnvelopedData } from './transport/cms-envelope.ts';
import { decodeTaxInvoicePackage } from './transport/tax-invoice-package.ts';
import { closeSealPool, SEAL_WORKER_URL, sealPool, sealSubmissionOffThread } from './seal-pool.ts';
import { sealSubmission, type SealAnswer, type SealRequest } from './seal-submission.ts';

const a = makeTestNpkiIdentity('1388602200');
const b = makeTestNpkiIdentity('2208162517');
const nts = issueTestCertificate({ commonName: 'TEST NTS encryption' });

function request(): SealRequest {
  const today = todayKst();
  const broken = { ...sampleDocument('0101', a.bizno, today), lines: 'not lines' } as unknown as ReturnType<typeof sampleDocument>;
  return {
    items: [
      { filingId: 1, documentId: 11, certificateId: 100, issueId: `${today}4100000100000001`, dockey: 'D1', doc: sampleDocument('0101', a.bizno, today) },
      { filingId: 2, documentId: 12, certificateId: 200, issueId: `${today}4100000100000002`, dockey: 'D2', doc: sampleDocument('0301', b.bizno, today) },
      { filingId: 3, documentId: 13, certificateId: 100, issueId: `${today}4100000100000003`, dockey: 'D3', doc: broken },
    ],
    certificates: [
      { certificateId: 100, privateKey: a.cert.privateKey, certDer: a.signCert, rValue: a.randomNum },
      { certificateId: 200, privateKey: b.cert.privateKey, certDer: b.signCert, rValue: b.randomNum },
    ],
    issueDateTime: new Date(),
    encryptionCertificate: nts.certDer,
  };
}

function assertSealed(answer: SealAnswer): void {
  assert.deepEqual(answer.signed.map((s) => [s.filingId, s.documentId, s.certificateId]), [[1, 11, 100], [2, 12, 200]]);
  assert.deepEqual(answer.failed.map((f) => f.filingId), [3]);
  for (const s of answer.signed) assert.equal(verifyTaxInvoice(s.signedXml).valid, true);
  const packaged = decodeTaxInvoicePackage(decryptEnvelopedData(Buffer.from(answer.cms!), nts.privateKey, nts.certDer));
  const byXml = new Map(packaged.map((p) => [p.signedXml.toString('utf8'), Buffer.from(p.rValue)]));
  assert.equal(packaged.length, 2);
  assert.ok(byXml.get(answer.signed[0]!.signedXml)?.equals(a.randomNum));
  assert.ok(byXml.get(answer.signed[1]!.signedXml)?.equals(b.randomNum));
}

test('inline: signed, packaged with their R values, encrypted for the NTS; the broken item fails alone', () => {
  assertSealed(sealSubmission(request()));
});

test('on the worker thread (keys cloned to it): the same answer, and it really ran there', async () => {
  try {
    const before = sealPool.answered;
    assertSealed(await sealSubmissionOffThread(request()));
    assert.equal(sealPool.answered, before + 1);
  } finally {
    await closeSealPool();
  }
});

test('a request whose sealing fails (an NTS certificate that is not one) is an error, not an inline retry', async () => {
  try {
    await assert.rejects(sealSubmissionOffThread({ ...request(), encryptionCertificate: Buffer.from('not a certificate') }));
  } finally {
    await closeSealPool();
  }
});

test('the compiled worker in dist/ (what production runs) seals the same request', async () => {
  assert.equal(fileURLToPath(SEAL_WORKER_URL), fileURLToPath(new URL('./seal-worker.ts', import.meta.url)));
  const built = new URL('../../../dist/modules/nts/seal-worker.js', import.meta.url);
  assert.ok(fs.existsSync(built), `${fileURLToPath(built)} is missing: run \`npm run build\` (npm install builds it)`);
  const worker = new Worker(built);
  try {
    const answer = await new Promise<SealAnswer>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: WorkerReply<SealAnswer> | { ready: true }) => {
        if (!('id' in m)) return;
        if ('value' in m) resolve(m.value);
        else reject(new Error(m.error));
      });
      worker.postMessage({ id: 1, request: request() });
    });
    assertSealed(answer);
  } finally {
    await worker.terminate();
  }
});
