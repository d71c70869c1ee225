// The NTS simulator at the protocol level (KEC SOAP + WS-Security + CMS, NTS.md §4), driven through our gateway
// adapter and hand-made messages: package and message refusals, per-invoice result codes, idempotency by
// SubmitID and approval number, fault injection, the stand-alone CLI, and the security of our push receiver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildStandardXml } from '../../src/modules/documents/standard-xml.ts';
import { signTaxInvoice } from '../../src/modules/signing/index.ts';
import { SoapNtsGateway, NtsTransientError } from '../../src/modules/nts/nts-gateway.ts';
import { encryptEnvelopedData } from '../../src/modules/nts/transport/cms-envelope.ts';
import { decodeTaxInvoicePackage, encodeTaxInvoicePackage, type PackagedInvoice } from '../../src/modules/nts/transport/tax-invoice-package.ts';
import { buildResultsPush, buildSubmit, readMessage } from '../../src/modules/nts/transport/kec-messages.ts';
import { NTS_PARTY } from '../../src/modules/nts/transport/soap-message.ts';
import { allResultCodes } from '../../src/modules/nts/result-codes.ts';
import { startNtsSimulator, type NtsSimulator } from '../../src/simulators/nts/nts-simulator.ts';
import { issueTestCertificate, makeTestNpkiIdentity, type TestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { freshBizno, type TestSystem } from '../support/test-system.ts';
import { issueDocuments, memberWithCertificate, reqnts, sampleDocument, startNtsTestSystem, todayKst, waitSettled } from './nts-support.ts';
import { waitFor } from '../support/wait-for.ts';

const REG = '41000001';
const asp = issueTestCertificate({ commonName: 'ASP simulator tests' });
const aspSigner = async () => ({ certDer: asp.certDer, privateKey: asp.privateKey });
const today = todayKst();
let serial = Math.floor(Math.random() * 1_000_000) * 10;

function nextIssueId(reg = REG, date = today): string {
  return `${date}${reg}${String(++serial).padStart(8, '0')}`;
}

interface InvoiceOptions {
  kind?: '0101' | '0201' | '0301' | '0401';
  issueId?: string;
  originalIssueId?: string;
  /** Change the unsigned XML before signing. */
  mutate?: (xml: string) => string;
  identity?: TestNpkiIdentity;
  rValue?: Buffer;
  signedAt?: Date;
}

const identity = makeTestNpkiIdentity('1388602200');

function invoice(opts: InvoiceOptions = {}): PackagedInvoice & { issueId: string } {
  const id = opts.identity ?? identity;
  const issueId = opts.issueId ?? nextIssueId();
  const doc = sampleDocument(opts.kind ?? '0101', id.bizno, today, opts.originalIssueId);
  let xml = buildStandardXml(doc, { issueId, issueDateTime: opts.signedAt ?? new Date() });
  if (opts.mutate) xml = opts.mutate(xml);
  return { issueId, rValue: opts.rValue ?? id.randomNum, signedXml: Buffer.from(signTaxInvoice(xml, id.cert.privateKey, id.signCert)) };
}

let sim: NtsSimulator;
let gateway: SoapNtsGateway;
before(async () => {
  sim = await startNtsSimulator({ registrationIds: [REG], resultDelayMs: 5 });
  gateway = new SoapNtsGateway({ baseUrl: sim.url, ntsCertificate: sim.certDer, aspSigner, aspParty: { partyId: '0000000000', partyName: 'test' }, timeoutMs: 1500 });
});
after(async () => {
  await sim.close();
});

async function submitItems(items: PackagedInvoice[], opts: { submitId?: string; cert?: Buffer; totalCount?: number } = {}) {
  const submitId = opts.submitId ?? `${REG}-${today}-${randomBytes(16).toString('hex')}`;
  const cms = encryptEnvelopedData(encodeTaxInvoicePackage(items), opts.cert ?? sim.certDer);
  const outcome = await gateway.submit({ submitId, referenceId: 'taxInvoicePart', totalCount: opts.totalCount ?? items.length, cms, replyTo: 'http://127.0.0.1:9/none' });
  return { submitId, cms, outcome };
}

async function resultsOf(items: (PackagedInvoice & { issueId: string })[], opts: Parameters<typeof submitItems>[1] = {}): Promise<string[]> {
  const { submitId, outcome } = await submitItems(items, opts);
  assert.equal(outcome.kind, 'accepted', JSON.stringify(outcome));
  const done = await waitFor(() => gateway.requestResults(submitId), (r) => r.kind === 'done', { what: 'results', timeoutMs: 30_000 });
  const byIssue = new Map(done.results.map((r) => [r.issueId, r.code]));
  return items.map((i) => byIssue.get(i.issueId) ?? '(none)');
}

describe('package and message level', () => {
  test('the CMS package is standard: OpenSSL decrypts it with the simulator key to the DER TaxInvoicePackage', () => {
    const items = [invoice(), invoice()];
    const pkg = encodeTaxInvoicePackage(items);
    const cms = encryptEnvelopedData(pkg, sim.certDer);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nts-cms-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.der'), cms);
      fs.writeFileSync(path.join(dir, 'cert.pem'), new X509Certificate(sim.certDer).toString());
      fs.writeFileSync(path.join(dir, 'key.pem'), sim.privateKey.export({ format: 'pem', type: 'pkcs8' }));
      const out = execFileSync('openssl', ['cms', '-decrypt', '-inform', 'DER', '-in', path.join(dir, 'p.der'), '-recip', path.join(dir, 'cert.pem'), '-inkey', path.join(dir, 'key.pem')]);
      assert.deepEqual(Buffer.from(out), pkg);
      const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'p.der')]).toString();
      assert.match(printed, /des-ede3-cbc/);
      assert.match(printed, /rsaEncryption/);
      assert.equal(decodeTaxInvoicePackage(pkg).length, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('same SubmitID again: same receipt, nothing registered twice; different content under it: DUP002', async () => {
    const inv = invoice();
    const first = await submitItems([inv]);
    assert.equal(first.outcome.kind, 'accepted');
    const again = await gateway.submit({ submitId: first.submitId, referenceId: 'taxInvoicePart', totalCount: 1, cms: first.cms, replyTo: 'http://127.0.0.1:9/none' });
    assert.deepEqual(again, first.outcome);
    const other = await submitItems([invoice()], { submitId: first.submitId });
    assert.deepEqual(other.outcome.kind === 'refused' && other.outcome.code, 'DUP002');
    await waitFor(() => sim.registered().has(inv.issueId), (ok) => ok, { what: 'registration', timeoutMs: 30_000 });
    assert.equal(sim.registered().get(inv.issueId)!.registrations, 1);
  });

  test('refusals: not encrypted for the NTS (PKG001), TotalCount mismatch (PKG002), unknown registration number (MSG003)', async () => {
    const stranger = issueTestCertificate({ commonName: 'not the NTS', keyUsage: 'encipher' });
    const r1 = await submitItems([invoice()], { cert: stranger.certDer });
    assert.deepEqual(r1.outcome.kind === 'refused' && r1.outcome.code, 'PKG001');
    const r2 = await submitItems([invoice(), invoice()], { totalCount: 3 });
    assert.deepEqual(r2.outcome.kind === 'refused' && r2.outcome.code, 'PKG002');
    const r3 = await submitItems([invoice()], { submitId: `42000000-${today}-${randomBytes(16).toString('hex')}` });
    assert.deepEqual(r3.outcome.kind === 'refused' && r3.outcome.code, 'MSG003');
    const poll = await gateway.requestResults(r1.submitId);
    assert.deepEqual(poll, { kind: 'refused', code: 'PKG001', detail: 'TypeCode 02' });
    assert.deepEqual(await gateway.requestResults(`${REG}-${today}-${'0'.repeat(32)}`), { kind: 'unknown' });
  });

  test('WS-Security: a message changed after signing, or an attachment swapped, is refused with a SOAP Client fault (MSG002)', async () => {
    const cms = encryptEnvelopedData(encodeTaxInvoicePackage([invoice()]), sim.certDer);
    const ep = { to: gateway.submitUrl, from: { partyId: '0000000000', partyName: 'test' }, toParty: NTS_PARTY, signer: await aspSigner() };
    const submitId = `${REG}-${today}-${randomBytes(16).toString('hex')}`;
    const message = buildSubmit(ep, { replyTo: 'http://127.0.0.1:9/x', submitId, totalCount: 1, referenceId: 'taxInvoicePart', cms });
    const post = async (body: Buffer) => {
      const res = await fetch(gateway.submitUrl, { method: 'POST', headers: { 'content-type': message.contentType }, body });
      return { status: res.status, answer: readMessage(res.headers.get('content-type') ?? '', Buffer.from(await res.arrayBuffer())) };
    };
    const changedHeader = await post(Buffer.from(message.body.toString('latin1').replace('<kec:TotalCount>1</kec:TotalCount>', '<kec:TotalCount>2</kec:TotalCount>'), 'latin1'));
    assert.equal(changedHeader.status, 500);
    assert.equal(changedHeader.answer.soap.fault?.detailCode, 'MSG002');
    assert.match(changedHeader.answer.soap.fault!.code, /Client$/);
    const swapped = Buffer.from(message.body);
    const at = swapped.indexOf(cms);
    swapped[at + cms.length - 1] = swapped[at + cms.length - 1]! ^ 0xff;
    const changedAttachment = await post(swapped);
    assert.equal(changedAttachment.answer.soap.fault?.detailCode, 'MSG002');
    assert.match(changedAttachment.answer.soap.fault!.message, /cid:taxInvoicePart/);
    const intact = await post(message.body);
    assert.equal(intact.status, 200);
    assert.equal(intact.answer.soap.signature.valid, true, 'the simulator signs its answers');
  });
});

describe('per-invoice result codes', () => {
  test('valid 0101 / 0301 → SUC001; an amendment of a registered original → SUC001; resubmitted approval number → SYN003 (success)', async () => {
    const a = invoice();
    const b = invoice({ kind: '0301' });
    assert.deepEqual(await resultsOf([a, b]), ['SUC001', 'SUC001']);
    const amend = invoice({ kind: '0201', originalIssueId: a.issueId });
    const resubmitted = invoice({ issueId: a.issueId });
    assert.deepEqual(await resultsOf([amend, resubmitted]), ['SUC001', 'SYN003']);
    assert.equal(sim.registered().get(a.issueId)!.registrations, 1);
  });

  test('signature, certificate and identity: SIG001 unsigned, SIG002 changed after signing, SIG003 expired at signing, SIG004 VID, SIG005 no R', async () => {
    const unsigned = { ...invoice(), signedXml: Buffer.from(buildStandardXml(sampleDocument('0101', identity.bizno, today), { issueId: nextIssueId(), issueDateTime: new Date() })) };
    unsigned.issueId = /<IssueID>(\d+)</.exec(unsigned.signedXml.toString())![1]!;
    const changed = invoice();
    changed.signedXml = Buffer.from(changed.signedXml.toString().replace('<NameText>(주)한빌서비스</NameText>', '<NameText>(주)다른회사</NameText>'));
    const expiredId = makeTestNpkiIdentity(identity.bizno, { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const expired = invoice({ identity: expiredId });
    const otherBizno = invoice({ identity: makeTestNpkiIdentity(freshBizno()), mutate: (x) => x.replace(/<InvoicerParty><ID>\d+<\/ID>/, `<InvoicerParty><ID>${identity.bizno}</ID>`) });
    const noR = invoice({ rValue: Buffer.alloc(0) });
    assert.deepEqual(await resultsOf([unsigned, changed, expired, otherBizno, noR]), ['SIG001', 'SIG002', 'SIG003', 'SIG004', 'SIG005']);
  });

  test("a certificate is read once for all the invoices it signed, but each invoice's R value is checked: right, wrong, right → SUC001, SIG004, SUC001", async () => {
    const wrongR = Buffer.from(identity.randomNum);
    wrongR[0] = wrongR[0]! ^ 0xff;
    assert.deepEqual(await resultsOf([invoice(), invoice({ rValue: wrongR }), invoice()]), ['SUC001', 'SIG004', 'SUC001']);
  });

  test('checks on a worker thread (checkOnWorker, the in-process default): the same codes — SUC001, an amendment of an original in the same package, SIG001, SIG002, SIG005, SYN003', async () => {
    const onWorker = await startNtsSimulator({ registrationIds: [REG], resultDelayMs: 0, checkOnWorker: true });
    try {
      const gw = new SoapNtsGateway({ baseUrl: onWorker.url, ntsCertificate: onWorker.certDer, aspSigner, aspParty: { partyId: '0000000000', partyName: 'test' }, timeoutMs: 1500 });
      const codes = async (items: (PackagedInvoice & { issueId: string })[]) => {
        const submitId = `${REG}-${today}-${randomBytes(16).toString('hex')}`;
        const outcome = await gw.submit({ submitId, referenceId: 'taxInvoicePart', totalCount: items.length, cms: encryptEnvelopedData(encodeTaxInvoicePackage(items), onWorker.certDer), replyTo: 'http://127.0.0.1:9/none' });
        assert.equal(outcome.kind, 'accepted', JSON.stringify(outcome));
        const done = await waitFor(() => gw.requestResults(submitId), (r) => r.kind === 'done', { what: 'results', timeoutMs: 30_000 });
        const byIssue = new Map(done.results.map((r) => [r.issueId, r.code]));
        return items.map((i) => byIssue.get(i.issueId) ?? '(none)');
      };
      const a = invoice();
      const amend = invoice({ kind: '0201', originalIssueId: a.issueId });
      const unsigned = { ...invoice(), signedXml: Buffer.from(buildStandardXml(sampleDocument('0101', identity.bizno, today), { issueId: nextIssueId(), issueDateTime: new Date() })) };
      unsigned.issueId = /<IssueID>(\d+)</.exec(unsigned.signedXml.toString())![1]!;
      const changed = invoice();
      changed.signedXml = Buffer.from(changed.signedXml.toString().replace('<NameText>(주)한빌서비스</NameText>', '<NameText>(주)다른회사</NameText>'));
      const noR = invoice({ rValue: Buffer.alloc(0) });
      assert.deepEqual(await codes([amend, a, unsigned, changed, noR]), ['SUC001', 'SUC001', 'SIG001', 'SIG002', 'SIG005']);
      assert.deepEqual(await codes([invoice({ issueId: a.issueId })]), ['SYN003']);
      assert.equal(onWorker.registered().get(a.issueId)!.registrations, 1);
      assert.equal(onWorker.packagesCheckedOnWorker, 2, 'both packages were checked on the worker thread');
      // the package is opened (decrypted) on the worker too: one not encrypted for the NTS is still PKG001
      const stranger = issueTestCertificate({ commonName: 'not the NTS', keyUsage: 'encipher' });
      const pkg001 = await gw.submit({ submitId: `${REG}-${today}-${randomBytes(16).toString('hex')}`, referenceId: 'taxInvoicePart', totalCount: 1, cms: encryptEnvelopedData(encodeTaxInvoicePackage([invoice()]), stranger.certDer), replyTo: 'http://127.0.0.1:9/none' });
      assert.deepEqual(pkg001.kind === 'refused' && pkg001.code, 'PKG001');
      // two copies of one submission at once (a resend racing the first, while it is opened off the event loop): one receipt, registered once
      const twice = invoice();
      const submission = { submitId: `${REG}-${today}-${randomBytes(16).toString('hex')}`, referenceId: 'taxInvoicePart', totalCount: 1, cms: encryptEnvelopedData(encodeTaxInvoicePackage([twice]), onWorker.certDer), replyTo: 'http://127.0.0.1:9/none' };
      const [one, two] = await Promise.all([gw.submit(submission), gw.submit(submission)]);
      assert.equal(one.kind, 'accepted', JSON.stringify(one));
      assert.deepEqual(two, one);
      await waitFor(() => gw.requestResults(submission.submitId), (r) => r.kind === 'done', { what: 'results', timeoutMs: 30_000 });
      assert.equal(onWorker.registered().get(twice.issueId)!.registrations, 1);
    } finally {
      await onWorker.close();
    }
  });

  test('structure and format: SYN002 required element missing, SYN004 element order, SYN005 too long', async () => {
    const missing = invoice({ mutate: (x) => x.replace(/<SpecifiedMonetarySummation>[\s\S]*<\/SpecifiedMonetarySummation>/, '') });
    const order = invoice({ mutate: (x) => x.replace(/(<PurposeCode>\d\d<\/PurposeCode>)/, '').replace('</TaxInvoiceDocument>', '<PurposeCode>02</PurposeCode></TaxInvoiceDocument>').replace(/<TypeCode>0101<\/TypeCode>(.*?)<IssueDateTime>(\d{8})<\/IssueDateTime>/, '<IssueDateTime>$2</IssueDateTime><TypeCode>0101</TypeCode>$1') });
    const long = invoice({ mutate: (x) => x.replace('<NameText>(주)한빌서비스</NameText>', `<NameText>${'가'.repeat(71)}</NameText>`) });
    assert.deepEqual(await resultsOf([missing, order, long]), ['SYN002', 'SYN004', 'SYN005']);
  });

  test('business rules: BIZ001 date ≠ write date, BIZ002 registration number, BIZ004 type, BIZ005 unknown original, BIZ010/011/014/015 amounts, DUP001', async () => {
    const wrongDate = invoice({ issueId: nextIssueId(REG, '20200101') });
    const wrongReg = invoice({ issueId: nextIssueId('42000000') });
    const importType = invoice({ mutate: (x) => x.replace('<TypeCode>0101</TypeCode>', '<TypeCode>0104</TypeCode>') });
    const unknownOriginal = invoice({ kind: '0201', originalIssueId: nextIssueId() });
    const total = invoice({ mutate: (x) => x.replace('<GrandTotalAmount>242000</GrandTotalAmount>', '<GrandTotalAmount>242001</GrandTotalAmount>') });
    const lines = invoice({ mutate: (x) => x.replace('<InvoiceAmount>220000</InvoiceAmount>', '<InvoiceAmount>210000</InvoiceAmount>') });
    const taxOnInvoice = invoice({ kind: '0301', mutate: (x) => x.replace('<TaxTotalAmount>0</TaxTotalAmount>', '<TaxTotalAmount>22000</TaxTotalAmount>').replace('<GrandTotalAmount>220000</GrandTotalAmount>', '<GrandTotalAmount>242000</GrandTotalAmount>').replace('<CalculatedAmount>0</CalculatedAmount>', '<CalculatedAmount>22000</CalculatedAmount>').replace('<PaidAmount>220000</PaidAmount>', '<PaidAmount>242000</PaidAmount>') });
    const payments = invoice({ mutate: (x) => x.replace('<PaidAmount>242000</PaidAmount>', '<PaidAmount>240000</PaidAmount>') });
    const registered = invoice();
    assert.deepEqual(await resultsOf([registered]), ['SUC001']);
    const stolen = invoice({ issueId: registered.issueId, identity: makeTestNpkiIdentity('6028131841') });
    assert.deepEqual(await resultsOf([wrongDate, wrongReg, importType, unknownOriginal, total, lines, taxOnInvoice, payments, stolen]), [
      'BIZ001',
      'BIZ002',
      'BIZ004',
      'BIZ005',
      'BIZ010',
      'BIZ011',
      'BIZ014',
      'BIZ015',
      'DUP001',
    ]);
  });
});

describe('fault injection', () => {
  test('failNext → 503, timeoutNext → time-out, failAfterNext → stored but 500: all transient; the retry gets the same receipt', async () => {
    const inv = invoice();
    const cms = encryptEnvelopedData(encodeTaxInvoicePackage([inv]), sim.certDer);
    const submitId = `${REG}-${today}-${randomBytes(16).toString('hex')}`;
    const req = { submitId, referenceId: 'taxInvoicePart', totalCount: 1, cms, replyTo: 'http://127.0.0.1:9/none' };
    const fast = new SoapNtsGateway({ baseUrl: sim.url, ntsCertificate: sim.certDer, aspSigner, aspParty: { partyId: '0000000000', partyName: 'x' }, timeoutMs: 200 });
    sim.setFaults({ failNext: 1 });
    await assert.rejects(fast.submit(req), (e) => e instanceof NtsTransientError && /503/.test(e.message));
    sim.setFaults({ timeoutNext: 1 });
    await assert.rejects(fast.submit(req), (e) => e instanceof NtsTransientError && /no answer within 200 ms/.test(e.message));
    assert.deepEqual(await fast.requestResults(submitId), { kind: 'unknown' }, 'nothing stored so far');
    sim.setFaults({ failAfterNext: 1 });
    await assert.rejects(fast.submit(req), NtsTransientError);
    const stored = await fast.requestResults(submitId);
    assert.notEqual(stored.kind, 'unknown', 'stored despite the error');
    const ok = await fast.submit(req);
    assert.equal(ok.kind, 'accepted');
    const stats = sim.stats();
    assert.ok(stats.injected.fail >= 1 && stats.injected.timeout >= 1 && stats.injected.failAfter >= 1);
  });

  test('faults and delay are settable over HTTP; stats are served as JSON', async () => {
    const put = await fetch(`${sim.url}/_sim/faults`, { method: 'PUT', body: JSON.stringify({ failRate: 0.25, resultDelayMs: 7 }) });
    assert.equal(((await put.json()) as { failRate: number }).failRate, 0.25);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { resultDelayMs: number; faults: { failRate: number } };
    assert.equal(stats.resultDelayMs, 7);
    assert.equal(stats.faults.failRate, 0.25);
    sim.setFaults({ failRate: 0 });
    sim.setResultDelay(5);
  });
});

describe('stand-alone `hanbill nts-sim` and our push receiver', () => {
  let sys: TestSystem;
  before(async () => {
    sys = await startNtsTestSystem();
  });
  after(async () => {
    await sys.close();
  });

  test('hanbill nts-sim --port 0 serves the KEC endpoints and its certificate', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nts-sim-cli-'));
    const child = spawn(process.execPath, ['bin/hanbill.js', 'nts-sim', '--port', '0', '--state-dir', stateDir], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/[^\s]+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`nts-sim exited ${code}`)));
      });
      const cert = Buffer.from(await (await fetch(`${url}/kmCert.der`)).arrayBuffer());
      assert.deepEqual(cert, fs.readFileSync(path.join(stateDir, 'nts-sim-cert.der')), 'the certificate is kept in --state-dir');
      const g = new SoapNtsGateway({ baseUrl: url, ntsCertificate: cert, aspSigner, aspParty: { partyId: '0000000000', partyName: 'x' }, timeoutMs: 2000 });
      assert.deepEqual(await g.requestResults(`${REG}-${today}-${'1'.repeat(32)}`), { kind: 'unknown' });
    } finally {
      child.kill('SIGTERM');
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  test('the REST routes are in the OpenAPI document; the push endpoint is not', async () => {
    const doc = (await (await fetch(`${sys.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const p of ['/v1/subscriptions/{subscriptionId}/certificate', '/v1/subscriptions/{subscriptionId}/nts-filings', '/v1/subscriptions/{subscriptionId}/nts-filings/{dockey}']) {
      assert.ok(doc.paths[p], p);
    }
    assert.equal(doc.paths['/nts/results'], undefined);
  });

  test('a result push not signed by the NTS is refused and changes nothing; the real one is stored', async () => {
    const { member } = await memberWithCertificate(sys);
    const simulator = sys.nts.simulator!;
    simulator.setFaults({ dropNextResults: 1 }); // keep the real push back; we push ourselves
    simulator.setResultDelay(5);
    const [doc] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, today)]);
    assert.equal((await reqnts(sys, member, [doc!.dockey])).code, '0000');
    const acked = await waitFor(
      () => sys.ctx.db.selectFrom('nts_submissions as s').innerJoin('nts_filings as f', 'f.submission_id', 's.id').select(['s.submit_id', 's.state']).where('f.document_id', '=', doc!.id).executeTakeFirst(),
      (r): r is NonNullable<typeof r> => r?.state === 'acked',
      { what: 'the submission to be acknowledged', timeoutMs: 30_000 },
    );
    const submitId = acked.submit_id;
    const forged = issueTestCertificate({ commonName: 'www.esero.go.kr (forged)' });
    const response = { refSubmitId: submitId, receiptId: 'X', typeCode: '01', responseDateTime: '20240101000000', processStatusCode: '02', totalCount: 1, successCount: 0, failCount: 1, results: [{ issueId: doc!.issueId, code: 'SIG002' }] };
    const push = buildResultsPush({ to: `${sys.url}/nts/results`, from: NTS_PARTY, toParty: { partyId: '0000000000', partyName: 'ASP' }, signer: { certDer: forged.certDer, privateKey: forged.privateKey } }, { resultId: 'r1', response });
    const res = await fetch(`${sys.url}/nts/results`, { method: 'POST', headers: { 'content-type': push.contentType }, body: push.body });
    assert.equal(res.status, 500);
    const answer = readMessage(res.headers.get('content-type') ?? '', Buffer.from(await res.arrayBuffer()));
    assert.equal(answer.soap.fault?.detailCode, 'MSG002');
    const real = buildResultsPush({ to: `${sys.url}/nts/results`, from: NTS_PARTY, toParty: { partyId: '0000000000', partyName: 'ASP' }, signer: { certDer: simulator.certDer, privateKey: simulator.privateKey } }, { resultId: 'r2', response: { ...response, results: [{ issueId: doc!.issueId, code: 'SUC001' }], successCount: 1, failCount: 0 } });
    const ok = await fetch(`${sys.url}/nts/results`, { method: 'POST', headers: { 'content-type': real.contentType }, body: real.body });
    assert.equal(ok.status, 200);
    const ack = readMessage(ok.headers.get('content-type') ?? '', Buffer.from(await ok.arrayBuffer()));
    assert.equal(ack.soap.header.relatesTo, real.messageId);
    const s = (await waitSettled(sys, [doc!.dockey])).get(doc!.dockey)!;
    assert.equal(s.nts_result_code, 'SUC001');
  });
});

test('docs/nts.md documents every result code', () => {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/nts.md'), 'utf8');
  for (const c of allResultCodes()) assert.ok(doc.includes(`| \`${c.code}\` |`), c.code);
});

test('NTS configuration: defaults, and every bad variable reported', async () => {
  const { loadConfig, ConfigError } = await import('../../src/config.ts');
  const c = loadConfig({});
  assert.equal(c.nts.gatewayUrl, undefined);
  assert.equal(c.nts.channel, 'nts');
  assert.equal(c.nts.autoFile, true);
  assert.equal(c.nts.timeoutMs, 30_000);
  try {
    loadConfig({ NTS_GATEWAY_URL: 'ftp://x', HANBILL_NTS_ASP_BIZNO: '12', HANBILL_NTS_CHANNEL: 'a b', HANBILL_NTS_TIMEOUT_MS: 'soon', HANBILL_NTS_AUTO_FILE: 'maybe' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const names = err.problems.map((p) => p.split(':')[0]);
    for (const v of ['NTS_GATEWAY_URL', 'HANBILL_NTS_ASP_BIZNO', 'HANBILL_NTS_CHANNEL', 'HANBILL_NTS_TIMEOUT_MS', 'HANBILL_NTS_AUTO_FILE']) assert.ok(names.includes(v), v);
  }
});
