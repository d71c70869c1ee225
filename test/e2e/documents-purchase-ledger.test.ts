// Who sees a document as its buyer (issue 8 item 4), and cursors that do not reveal other tenants' documents
// (item 14). A business number typed at signup is only a claim: the purchase ledger opens when the member
// proves it (certificate VID or operator), matches the buyer on (사업자등록번호, 종사업장번호), and then also
// shows the documents issued before the proof.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { registerMember, uploadCertificate, type TestMember } from './nts-support.ts';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

const auth = (m: TestMember) => ({ 'x-svc-key': m.svcKey });
const docs = (m: TestMember) => `/v1/subscriptions/${m.subscriptionId}/documents`;

function invoiceTo(bizno: string, subBizno?: string) {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: '20261121',
    buyer: { idType: 'business', id: bizno, ...(subBizno ? { subBizno } : {}), name: '(주)매입상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'ledger-buyer@example.kr' }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month: 11, day: 21, name: '컨설팅', supply: 100000, tax: 10000 }],
  };
}

async function issue(supplier: TestMember, bizno: string, subBizno?: string): Promise<string> {
  const r = await rest(sys.url, 'POST', docs(supplier), { issue: true, document: invoiceTo(bizno, subBizno) }, auth(supplier));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.dockey;
}

/** Dockeys of the member's purchase ledger, and whether each given dockey can be read, as PDF and as XML. */
async function purchaseView(m: TestMember, dockeys: string[]) {
  const list = await rest(sys.url, 'GET', `${docs(m)}?ledger=purchase&limit=200`, undefined, auth(m));
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const listed = (list.body.data as { dockey: string }[]).map((d) => d.dockey).sort();
  const readable: string[] = [];
  for (const k of dockeys) {
    const one = await rest(sys.url, 'GET', `${docs(m)}/${k}`, undefined, auth(m));
    const pdf = await fetch(`${sys.url}${docs(m)}/${k}/pdf`, { headers: auth(m) });
    const xml = await fetch(`${sys.url}${docs(m)}/${k}/xml`, { headers: auth(m) });
    await pdf.arrayBuffer();
    await xml.arrayBuffer();
    assert.equal(pdf.status, one.status, `${k}: the PDF follows the same rule as the document`);
    assert.equal(xml.status, one.status, `${k}: the XML follows the same rule as the document`);
    if (one.status === 200) readable.push(k);
    else assert.equal(one.status, 404, JSON.stringify(one.body));
  }
  return { listed, readable: readable.sort() };
}

const operator = () => ({ authorization: `Bearer ${sys.operatorToken}` });

describe('purchase ledger needs a proven business number', () => {
  test('operator proof: nothing before it, earlier and later documents after it; a wrong 종사업장번호 never', async () => {
    const supplier = await registerMember(sys);
    const bizno = freshBizno();
    const before1 = await issue(supplier, bizno, '0001');

    const claimant = await registerMember(sys, bizno, { subBizno: '0001' });
    const wrongSub = await registerMember(sys, bizno, { subBizno: '0002' });
    const before2 = await issue(supplier, bizno, '0001');
    const all = () => [before1, before2];

    assert.deepEqual(await purchaseView(claimant, all()), { listed: [], readable: [] }, 'a claimed number shows nothing');

    // the wrong 종사업장번호 proves the business number with its certificate and still sees nothing
    const up = await uploadCertificate(sys, wrongSub, makeTestNpkiIdentity(bizno));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.deepEqual(await purchaseView(wrongSub, all()), { listed: [], readable: [] });

    // operator endpoint: authenticated, names the field on bad input, and changes nothing then
    const noToken = await rest(sys.url, 'POST', `/v1/operator/members/${claimant.memberId}/bizno-verification`, { bizno });
    assert.equal(noToken.status, 401);
    const otherNumber = await rest(sys.url, 'POST', `/v1/operator/members/${claimant.memberId}/bizno-verification`, { bizno: freshBizno() }, operator());
    assert.equal(otherNumber.status, 400, JSON.stringify(otherNumber.body));
    assert.equal(otherNumber.body.error.field, 'bizno');
    const unknown = await rest(sys.url, 'POST', `/v1/operator/members/999999999/bizno-verification`, { bizno }, operator());
    assert.equal(unknown.status, 404);
    assert.deepEqual(await purchaseView(claimant, all()), { listed: [], readable: [] }, 'refused confirmations prove nothing');

    const ok = await rest(sys.url, 'POST', `/v1/operator/members/${claimant.memberId}/bizno-verification`, { bizno, note: '사업자등록증 확인' }, operator());
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.method, 'operator');
    const again = await rest(sys.url, 'POST', `/v1/operator/members/${claimant.memberId}/bizno-verification`, { bizno }, operator());
    assert.deepEqual(again.body, ok.body, 'confirming twice changes nothing');

    const after1 = await issue(supplier, bizno, '0001');
    const expected = [before1, before2, after1].sort();
    assert.deepEqual(await purchaseView(claimant, [...all(), after1]), { listed: expected, readable: expected }, 'documents issued before the proof appear too');
    assert.deepEqual(await purchaseView(wrongSub, [...all(), after1]), { listed: [], readable: [] }, 'a wrong 종사업장번호 never sees them');

    // a document to the bare business number (no 종사업장번호) is not the 0001 branch's
    const bare = await issue(supplier, bizno);
    assert.deepEqual((await purchaseView(claimant, [bare])).readable, []);
  });

  test('certificate proof: the VID-checked upload opens the ledger, including earlier documents', async () => {
    const supplier = await registerMember(sys);
    const buyer = await registerMember(sys);
    const first = await issue(supplier, buyer.bizno);
    assert.deepEqual(await purchaseView(buyer, [first]), { listed: [], readable: [] });
    const up = await uploadCertificate(sys, buyer, makeTestNpkiIdentity(buyer.bizno));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const second = await issue(supplier, buyer.bizno);
    const expected = [first, second].sort();
    assert.deepEqual(await purchaseView(buyer, expected), { listed: expected, readable: expected });
    // a certificate of another number is refused and proves nothing
    const stranger = await registerMember(sys, freshBizno());
    const bad = await uploadCertificate(sys, stranger, makeTestNpkiIdentity(buyer.bizno));
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
  });
});

describe('cursors', () => {
  test("another tenant's dockey as startingAfter answers exactly as an unknown cursor", async () => {
    const a = await registerMember(sys);
    const b = await registerMember(sys);
    const theirs = await issue(b, freshBizno());
    await issue(a, freshBizno());
    for (const ledger of ['sales', 'purchase']) {
      const foreign = await rest(sys.url, 'GET', `${docs(a)}?ledger=${ledger}&startingAfter=${theirs}`, undefined, auth(a));
      const madeUp = await rest(sys.url, 'GET', `${docs(a)}?ledger=${ledger}&startingAfter=TI${'9'.repeat(theirs.length - 2)}`, undefined, auth(a));
      assert.equal(madeUp.status, 400, JSON.stringify(madeUp.body));
      // every answer has its own request id (the one in its log line); everything else must be the same
      const { requestId: foreignId, ...foreignError } = foreign.body.error;
      const { requestId: madeUpId, ...madeUpError } = madeUp.body.error;
      assert.notEqual(foreignId, madeUpId);
      assert.deepEqual({ status: foreign.status, error: foreignError }, { status: madeUp.status, error: madeUpError }, `${ledger}: same status, code, field and message`);
    }
  });
});
