// The buyer's answer reaches the supplier (issue 12 item 6): approving or rejecting a received invoice — from the
// "문서보기" link or from the purchase ledger (REST …/respond, the 매입 문서함's use case) — mails the supplier and
// writes an approved / rejected event in the same transaction; a refused answer (no reason, twice, not the buyer)
// writes neither.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { viewToken } from '../../src/modules/documents/document-keys.ts';
import { memberWithCertificate, registerMember, sampleDocument, startNtsTestSystem, todayKst, type TestMember } from './nts-support.ts';

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

/** An invoice from the supplier to the buyer member, with a fresh supplier contact address. */
async function issue(): Promise<{ dockey: string; id: number; supplierMail: string }> {
  const supplierMail = `sup-${crypto.randomBytes(5).toString('hex')}@supplier.example`;
  const doc = sampleDocument('0101', supplier.bizno, todayKst());
  doc.supplier = { ...doc.supplier, contact: { ...doc.supplier.contact, email: supplierMail } };
  doc.buyer = { ...doc.buyer, id: buyer.bizno, subBizno: undefined as unknown as string };
  delete (doc.buyer as { subBizno?: string }).subBizno;
  const r = await rest(sys.url, 'POST', `/v1/subscriptions/${supplier.subscriptionId}/documents`, { issue: true, document: doc }, auth(supplier));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const row = await sys.ctx.db.selectFrom('documents').select('id').where('dockey', '=', r.body.dockey).executeTakeFirstOrThrow();
  return { dockey: r.body.dockey, id: row.id, supplierMail };
}

const events = (id: number) => sys.ctx.db.selectFrom('document_events').select(['type', 'details']).where('document_id', '=', id).orderBy('id').execute();

async function viewPost(dockey: string, decision: 'approve' | 'reject', form: Record<string, string>) {
  const token = viewToken(sys.ctx.masterKey, dockey);
  const r = await fetch(`${sys.url}/view/${dockey}/${decision}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ t: token, ...form }).toString() });
  await r.text();
  return r.status;
}

describe('the supplier hears the buyer', () => {
  test('approve on "문서보기": the supplier is mailed, an approved event is kept; approving again is 409 and adds nothing', async () => {
    const d = await issue();
    assert.equal(await viewPost(d.dockey, 'approve', {}), 303);
    const mail = await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === d.supplierMail) && m.subject.includes('승인'));
    assert.match(mail.text ?? '', /승인했습니다/);
    assert.deepEqual((await events(d.id)).map((e) => e.type), ['approved']);
    assert.equal(await viewPost(d.dockey, 'approve', {}), 409);
    assert.equal((await events(d.id)).length, 1);
    const mails = await sys.ctx.db.selectFrom('notice_mails').select('kind').where('document_id', '=', d.id).execute();
    assert.deepEqual(mails.map((m) => m.kind), ['approved']);
  });

  test('reject on "문서보기" needs a reason; with one, the supplier gets the reason by mail and the event keeps it', async () => {
    const d = await issue();
    assert.equal(await viewPost(d.dockey, 'reject', { reason: '' }), 400);
    assert.equal((await events(d.id)).length, 0, 'nothing written for a refused answer');
    assert.equal(await viewPost(d.dockey, 'reject', { reason: '단가가 계약과 다릅니다' }), 303);
    const mail = await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === d.supplierMail) && m.subject.includes('반려'));
    assert.match(mail.text ?? '', /단가가 계약과 다릅니다/);
    const ev = await events(d.id);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.type, 'rejected');
    assert.equal((ev[0]!.details as { reason?: string }).reason, '단가가 계약과 다릅니다');
  });

  test('reject from the purchase ledger (REST respond): the same mail and event; the supplier or a stranger cannot answer (404)', async () => {
    const d = await issue();
    const stranger = await registerMember(sys);
    const asStranger = await rest(sys.url, 'POST', `/v1/subscriptions/${stranger.subscriptionId}/documents/${d.dockey}/respond`, { decision: 'approve' }, auth(stranger));
    assert.equal(asStranger.status, 404, JSON.stringify(asStranger.body));
    const asSupplier = await rest(sys.url, 'POST', `/v1/subscriptions/${supplier.subscriptionId}/documents/${d.dockey}/respond`, { decision: 'approve' }, auth(supplier));
    assert.equal(asSupplier.status, 404, 'the supplier is not the buyer');
    const r = await rest(sys.url, 'POST', `/v1/subscriptions/${buyer.subscriptionId}/documents/${d.dockey}/respond`, { decision: 'reject', reason: '수량 오류' }, auth(buyer));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.procState, 'R');
    await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === d.supplierMail) && (m.text ?? '').includes('수량 오류'));
    const ev = await events(d.id);
    assert.deepEqual(ev.map((e) => e.type), ['rejected']);
    assert.equal((ev[0]!.details as { via?: string }).via, 'member_web');
  });
});
