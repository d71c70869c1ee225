// 역발행 (issue 12 item 8): the buyer writes a request; the supplier (a member found by its proven business number,
// or an e-mail address with a link) issues it — an ordinary issued document with an approval number, in the
// supplier's sales ledger and the buyer's purchase ledger — or refuses it; the buyer may withdraw it before. Each
// answer once; subkey / Idempotency-Key make a retried request one request; other tenants see nothing. REST and
// legacy reverse.aspx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { freshBizno } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { legacyRows, memberWithCertificate, registerMember, sampleDocument, startNtsTestSystem, todayKst, type TestMember } from './nts-support.ts';

let sys: TestSystem;
let supplier: TestMember;
let buyer: TestMember;
before(async () => {
  sys = await startNtsTestSystem();
  supplier = (await memberWithCertificate(sys)).member;
  buyer = (await memberWithCertificate(sys)).member;
});
after(async () => {
  await sys.close();
});

const auth = (m: TestMember) => ({ 'x-svc-key': m.svcKey });
const sent = (m: TestMember) => `/v1/subscriptions/${m.subscriptionId}/reverse-requests`;
const received = (m: TestMember) => `/v1/subscriptions/${m.subscriptionId}/reverse-requests/received`;

/** The buyer's request document: the sample with the buyer as 공급받는자 and the given supplier number. */
function requestDocument(supplierBizno: string, buyerMail: string, opts: { supplierName?: string } = {}) {
  const doc = sampleDocument('0101', supplierBizno, todayKst());
  doc.supplier = { bizno: supplierBizno, name: opts.supplierName ?? '(주)공급상사', ceoName: '김공급' };
  doc.buyer = { idType: 'business', id: buyer.bizno, name: '(주)매입요청', ceoName: '박매입', contacts: [{ name: '요청담당', email: buyerMail }] };
  return doc;
}

const mailOf = () => `rev-${crypto.randomBytes(5).toString('hex')}@buyer.example`;

async function request(to: string, buyerMail: string, extra: Record<string, unknown> = {}) {
  const r = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(to, buyerMail), ...extra }, auth(buyer));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { reqkey: string; state: string };
}

describe('역발행 between members', () => {
  test('request → the supplier sees it, issues it: an issued document with an approval number in both ledgers; the buyer is mailed; events kept; issuing again answers the same', async () => {
    const buyerMail = mailOf();
    const supplierMail = `sup-${crypto.randomBytes(4).toString('hex')}@supplier.example`;
    const req = await request(supplier.bizno, buyerMail, { supplierEmail: supplierMail });
    assert.equal(req.state, 'requested');
    await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === supplierMail) && m.subject.includes('역발행'));

    const inbox = await rest(sys.url, 'GET', `${received(supplier)}?state=requested`, undefined, auth(supplier));
    assert.equal(inbox.status, 200, JSON.stringify(inbox.body));
    assert.ok(inbox.body.data.some((r: { reqkey: string }) => r.reqkey === req.reqkey));

    const issued = await rest(sys.url, 'POST', `${received(supplier)}/${req.reqkey}/issue`, undefined, auth(supplier));
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal(issued.body.request.state, 'issued');
    assert.match(issued.body.document.issueId, /^\d{8}-?\d{8}-?\d{8}$|^\d{24}$/);
    assert.equal(issued.body.document.procState, 'S');
    assert.equal(issued.body.request.dockey, issued.body.document.dockey);
    const dockey = issued.body.document.dockey;

    // sales ledger of the supplier, purchase ledger of the buyer
    const salesDoc = await rest(sys.url, 'GET', `/v1/subscriptions/${supplier.subscriptionId}/documents/${dockey}`, undefined, auth(supplier));
    assert.equal(salesDoc.status, 200);
    assert.equal(salesDoc.body.document.buyer.id, buyer.bizno);
    const purchase = await rest(sys.url, 'GET', `/v1/subscriptions/${buyer.subscriptionId}/documents?ledger=purchase&dockeys=${dockey}`, undefined, auth(buyer));
    assert.deepEqual(purchase.body.data.map((d: { dockey: string }) => d.dockey), [dockey]);

    // the buyer gets the invoice mail and the answer mail
    await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === buyerMail) && m.subject.includes('역발행 요청이 발행'));
    const again = await rest(sys.url, 'POST', `${received(supplier)}/${req.reqkey}/issue`, undefined, auth(supplier));
    assert.equal(again.status, 200);
    assert.equal(again.body.document.dockey, dockey, 'issuing twice: the same document');
    const docs = await sys.ctx.db.selectFrom('documents').select('id').where('subscription_id', '=', supplier.subscriptionId).where('subkey', '=', `RV-${req.reqkey}`).execute();
    assert.equal(docs.length, 1);
    const events = await sys.ctx.db.selectFrom('document_events as e').innerJoin('reverse_requests as r', 'r.id', 'e.request_id').select('e.type').where('r.reqkey', '=', req.reqkey).orderBy('e.id').execute();
    assert.deepEqual(events.map((e) => e.type), ['reverse_requested', 'reverse_issued']);
    // the buyer can no longer withdraw it
    const late = await rest(sys.url, 'POST', `${sent(buyer)}/${req.reqkey}/withdraw`, undefined, auth(buyer));
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.equal(late.body.error.code, 'reverse_request_state_conflict');
  });

  test('the supplier refuses with a reason (required): the buyer is mailed, the request cannot be issued afterwards', async () => {
    const buyerMail = mailOf();
    const req = await request(supplier.bizno, buyerMail);
    const noReason = await rest(sys.url, 'POST', `${received(supplier)}/${req.reqkey}/refuse`, { reason: ' ' }, auth(supplier));
    assert.equal(noReason.status, 400, JSON.stringify(noReason.body));
    assert.equal(noReason.body.error.field, 'reason');
    const refused = await rest(sys.url, 'POST', `${received(supplier)}/${req.reqkey}/refuse`, { reason: '거래 내역이 없습니다' }, auth(supplier));
    assert.equal(refused.status, 200, JSON.stringify(refused.body));
    assert.equal(refused.body.state, 'refused');
    assert.equal(refused.body.reason, '거래 내역이 없습니다');
    await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === buyerMail) && m.subject.includes('거부'));
    const issue = await rest(sys.url, 'POST', `${received(supplier)}/${req.reqkey}/issue`, undefined, auth(supplier));
    assert.equal(issue.status, 409, JSON.stringify(issue.body));
    const shown = await rest(sys.url, 'GET', `${sent(buyer)}/${req.reqkey}`, undefined, auth(buyer));
    assert.equal(shown.body.state, 'refused');
    assert.equal(shown.body.document.supplier.bizno, supplier.bizno);
  });

  test('the buyer withdraws before the answer: the supplier can no longer issue it; withdrawing twice answers the same', async () => {
    const req = await request(supplier.bizno, mailOf());
    const w = await rest(sys.url, 'POST', `${sent(buyer)}/${req.reqkey}/withdraw`, undefined, auth(buyer));
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.state, 'withdrawn');
    const w2 = await rest(sys.url, 'POST', `${sent(buyer)}/${req.reqkey}/withdraw`, undefined, auth(buyer));
    assert.equal(w2.status, 200);
    assert.equal(w2.body.respondedAt, w.body.respondedAt);
    const issue = await rest(sys.url, 'POST', `${received(supplier)}/${req.reqkey}/issue`, undefined, auth(supplier));
    assert.equal(issue.status, 409);
    const count = await sys.ctx.db.selectFrom('documents').select('id').where('subkey', '=', `RV-${req.reqkey}`).execute();
    assert.equal(count.length, 0, 'nothing issued');
  });

  test('a retried request (same subkey, or the same Idempotency-Key) is one request; bad input names the field and stores nothing', async () => {
    const subkey = `sk-${crypto.randomBytes(4).toString('hex')}`;
    const mail = mailOf();
    const a = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(supplier.bizno, mail), subkey }, auth(buyer));
    const b = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(supplier.bizno, mail), subkey }, auth(buyer));
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(b.body.reqkey, a.body.reqkey);
    const key = crypto.randomUUID();
    const c = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(supplier.bizno, mail) }, { ...auth(buyer), 'idempotency-key': key });
    const d = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(supplier.bizno, mail) }, { ...auth(buyer), 'idempotency-key': key });
    assert.equal(d.body.reqkey, c.body.reqkey);

    const before = await sys.ctx.db.selectFrom('reverse_requests').select('id').where('buyer_subscription_id', '=', buyer.subscriptionId).execute();
    const notMe = requestDocument(supplier.bizno, mail);
    notMe.buyer.id = freshBizno();
    const wrongBuyer = await rest(sys.url, 'POST', sent(buyer), { document: notMe }, auth(buyer));
    assert.equal(wrongBuyer.status, 400, JSON.stringify(wrongBuyer.body));
    assert.equal(wrongBuyer.body.error.field, 'buyer.id');
    const badMail = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(supplier.bizno, mail), supplierEmail: 'not-a-mail' }, auth(buyer));
    assert.equal(badMail.status, 400);
    assert.equal(badMail.body.error.field, 'supplierEmail');
    const self = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(buyer.bizno, mail) }, auth(buyer));
    assert.equal(self.status, 400);
    assert.equal(self.body.error.field, 'supplier.bizno');
    const after = await sys.ctx.db.selectFrom('reverse_requests').select('id').where('buyer_subscription_id', '=', buyer.subscriptionId).execute();
    assert.equal(after.length, before.length, 'nothing stored');
  });

  test('tenant isolation: a third member sees neither box, cannot issue, refuse or withdraw (404); a claimed but unproven number receives nothing', async () => {
    const req = await request(supplier.bizno, mailOf());
    const stranger = await memberWithCertificate(sys);
    for (const [method, url, body] of [
      ['GET', `${sent(stranger.member)}/${req.reqkey}`, undefined],
      ['GET', `${received(stranger.member)}/${req.reqkey}`, undefined],
      ['POST', `${received(stranger.member)}/${req.reqkey}/issue`, undefined],
      ['POST', `${received(stranger.member)}/${req.reqkey}/refuse`, { reason: 'x' }],
      ['POST', `${sent(stranger.member)}/${req.reqkey}/withdraw`, undefined],
    ] as const) {
      const r = await rest(sys.url, method, url, body, auth(stranger.member));
      assert.equal(r.status, 404, `${method} ${url}: ${JSON.stringify(r.body)}`);
    }
    // the supplier cannot withdraw the buyer's request either (it is not in its sent box)
    const asSupplier = await rest(sys.url, 'POST', `${sent(supplier)}/${req.reqkey}/withdraw`, undefined, auth(supplier));
    assert.equal(asSupplier.status, 404);
    // someone who registered the supplier's number without proving it sees nothing
    const claimer = await registerMember(sys, supplier.bizno, { subBizno: String(crypto.randomInt(1000, 9999)) });
    const list = await rest(sys.url, 'GET', received(claimer), undefined, auth(claimer));
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data, []);
    const peek = await rest(sys.url, 'GET', `${received(claimer)}/${req.reqkey}`, undefined, auth(claimer));
    assert.equal(peek.status, 404);
    const stillRequested = await sys.ctx.db.selectFrom('reverse_requests').select('state').where('reqkey', '=', req.reqkey).executeTakeFirstOrThrow();
    assert.equal(stillRequested.state, 'requested');
  });
});

describe('역발행 to a supplier known only by e-mail', () => {
  test('the mail carries a link to the request; once the supplier joins and proves its number it issues it', async () => {
    const supBizno = freshBizno();
    const supplierMail = `new-${crypto.randomBytes(4).toString('hex')}@outside.example`;
    const buyerMail = mailOf();
    const r = await rest(sys.url, 'POST', sent(buyer), { document: requestDocument(supBizno, buyerMail, { supplierName: '(주)아직비회원' }), supplierEmail: supplierMail }, auth(buyer));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const mail = await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === supplierMail));
    const link = /https?:\/\/\S+\/member\/reverse\/link\/\S+/.exec(mail.text ?? '')?.[0];
    assert.ok(link, mail.text);
    const page = await fetch(`${sys.url}${new URL(link).pathname}${new URL(link).search}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /\(주\)아직비회원/);
    assert.match(html, new RegExp(r.body.reqkey));
    const forged = await fetch(`${sys.url}${new URL(link).pathname}?t=forged`);
    assert.equal(forged.status, 404);
    await forged.text();

    // the supplier joins (certificate → proven number) and issues the request from its received box
    const joined = await registerMember(sys, supBizno);
    const { makeTestNpkiIdentity } = await import('../../src/simulators/nts/test-pki.ts');
    const { uploadCertificate } = await import('./nts-support.ts');
    const up = await uploadCertificate(sys, joined, makeTestNpkiIdentity(supBizno));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const issued = await rest(sys.url, 'POST', `${received(joined)}/${r.body.reqkey}/issue`, undefined, auth(joined));
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.ok(issued.body.document.issueId);
    assert.equal(issued.body.document.supplier.bizno, supBizno);
  });
});

describe('legacy reverse.aspx', () => {
  test('REQUEST, LIST (box R), ISSUE by the supplier, GET by the buyer; REFUSE needs a reason', async () => {
    const base = (m: TestMember) => ({ sinch_no: m.subscriptionId, svc_key: m.svcKey });
    const fields = {
      cmd: 'REQUEST', ...base(buyer),
      doc__purpose: '02', doc__write_date: todayKst(), doc__sup_bizno: supplier.bizno, doc__sup_name: '(주)공급상사', doc__sup_ceo: '김공급',
      doc__buy_bizno: buyer.bizno, doc__buy_name: '(주)매입요청', doc__buy_ceo: '박매입', doc__buy_email1: mailOf(),
      doc__supply_amt: 100000, doc__tax_amt: 10000, doc__total_amt: 110000,
      item1__month: todayKst().slice(4, 6), item1__day: todayKst().slice(6, 8), item1__name: '유지보수', item1__supply_amt: 100000, item1__tax_amt: 10000,
    };
    const req = await legacyPost(sys.url, 'reverse.aspx', fields);
    assert.equal(req.code, '0000', JSON.stringify(req));
    const reqkey = String(req['reqkey']);
    assert.equal(req['state'], 'requested');
    const list = await legacyPost(sys.url, 'reverse.aspx', { cmd: 'LIST', ...base(supplier), box: 'R', state: 'requested' });
    assert.equal(list.code, '0000', JSON.stringify(list));
    assert.ok(legacyRows(list).some((r) => r['reqkey'] === reqkey));
    const refuse = await legacyPost(sys.url, 'reverse.aspx', { cmd: 'REFUSE', ...base(supplier), reqkey });
    assert.equal(refuse.code, '1001', JSON.stringify(refuse));
    const issue = await legacyPost(sys.url, 'reverse.aspx', { cmd: 'ISSUE', ...base(supplier), reqkey });
    assert.equal(issue.code, '0000', JSON.stringify(issue));
    assert.equal(issue['state'], 'issued');
    assert.ok(String(issue['nts_issue_id']).length >= 24);
    const got = await legacyPost(sys.url, 'reverse.aspx', { cmd: 'GET', ...base(buyer), reqkey });
    assert.equal(got['dockey'], issue['dockey']);
    const foreign = await legacyPost(sys.url, 'reverse.aspx', { cmd: 'WITHDRAW', ...base(supplier), reqkey });
    assert.equal(foreign.code, '3001', JSON.stringify(foreign));
  });
});
