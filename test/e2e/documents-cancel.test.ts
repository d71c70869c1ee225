// 발행취소 (issue 12 item 7): the supplier cancels an issued document before it is sent to the NTS — REST and legacy
// cmd=CANCEL; the buyer is mailed, the event kept; a cancelled document is never filed (REQNTS, auto-filing); a filed
// one is refused with the advice to issue an amended invoice; cancelling twice answers the same; bad input changes
// nothing; another tenant's dockey is not found.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { autoFileDue } from '../../src/modules/nts/sweep-filings.ts';
import '../../src/modules/settlement/tables.ts';
import { legacyRows, memberWithCertificate, registerMember, reqnts, sampleDocument, startNtsTestSystem, todayKst, waitSettled, type TestMember } from './nts-support.ts';

let sys: TestSystem;
let supplier: TestMember;
before(async () => {
  sys = await startNtsTestSystem();
  supplier = (await memberWithCertificate(sys)).member;
});
after(async () => {
  await sys.close();
});

const auth = (m: TestMember) => ({ 'x-svc-key': m.svcKey });
const docs = (m: TestMember) => `/v1/subscriptions/${m.subscriptionId}/documents`;

/** Issue one tax invoice to a fresh buyer address; returns its dockey and the buyer's address. */
async function issue(m: TestMember = supplier): Promise<{ dockey: string; buyerMail: string; issueId: string }> {
  const buyerMail = `cancel-${crypto.randomBytes(5).toString('hex')}@buyer.example`;
  const doc = sampleDocument('0101', m.bizno, todayKst());
  doc.buyer.contacts = [{ name: '홍과장', email: buyerMail }];
  const r = await rest(sys.url, 'POST', docs(m), { issue: true, document: doc }, auth(m));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { dockey: r.body.dockey, buyerMail, issueId: r.body.issueId };
}

const docRow = (dockey: string) => sys.ctx.db.selectFrom('documents').selectAll().where('dockey', '=', dockey).executeTakeFirstOrThrow();
const events = (documentId: number) => sys.ctx.db.selectFrom('document_events').selectAll().where('document_id', '=', documentId).orderBy('id').execute();

describe('발행취소 before filing', () => {
  test('REST cancel: state C with the approval number kept, the buyer mailed, the event written; REQNTS and auto-filing never pick it', async () => {
    const { dockey, buyerMail, issueId } = await issue();
    const r = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '거래 취소로 발행취소합니다' }, auth(supplier));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.document.procState, 'C');
    assert.equal(r.body.document.issueId, issueId, 'the approval number is kept');
    assert.equal(r.body.cancelReason, '거래 취소로 발행취소합니다');

    const mail = await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === buyerMail) && m.subject.includes('발행취소'));
    assert.match(mail.text ?? '', /거래 취소로 발행취소합니다/);
    assert.match(mail.text ?? '', new RegExp(issueId));

    const row = await docRow(dockey);
    assert.deepEqual((await events(row.id)).map((e) => e.type), ['cancelled']);

    // REQNTS refuses it per row (3005), nothing queued
    const filed = await reqnts(sys, supplier, [dockey]);
    assert.equal(filed.code, '0000');
    assert.equal(legacyRows(filed)[0]?.['code'], '3005', JSON.stringify(filed));
    // auto-filing the next day (the clock two days ahead) does not queue it either
    const later = { ...sys.ctx, clock: { now: () => new Date(Date.now() + 2 * 86_400_000) } };
    await autoFileDue(later, { subscriptionIds: [supplier.subscriptionId] });
    const after = await docRow(dockey);
    assert.equal(after.nts_state, '0');
    assert.equal(after.proc_state, 'C');
    const filings = await sys.ctx.db.selectFrom('nts_filings').select('id').where('document_id', '=', row.id).execute();
    assert.equal(filings.length, 0, 'no filing was ever made');
    // the usage row of the issue stays (cancelling does not refund nor bill again)
    const usage = await sys.ctx.db.selectFrom('usage_records').select('event_key').where('event_key', '=', `doc:${row.id}`).execute();
    assert.equal(usage.length, 1, 'the usage row stays, once');

    // a cancelled document cannot be re-sent, updated, or answered by the buyer
    const resend = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/send`, undefined, auth(supplier));
    assert.equal(resend.status, 409, JSON.stringify(resend.body));
  });

  test('cancelling twice answers the same and mails once; a bad reason is refused naming the field and changes nothing', async () => {
    const { dockey, buyerMail } = await issue();
    const empty = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '   ' }, auth(supplier));
    assert.equal(empty.status, 400, JSON.stringify(empty.body));
    assert.equal(empty.body.error.field, 'reason');
    const long = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '가'.repeat(501) }, auth(supplier));
    assert.equal(long.status, 400, JSON.stringify(long.body));
    // a lone surrogate (the fuzz's seed 43681422 on PostgreSQL: HTTP 500 where the event's jsonb refused it), a control character
    for (const reason of ['\ud800', '취소\u0001']) {
      const bad = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason }, auth(supplier));
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(bad.body.error.field, 'reason');
    }
    assert.equal((await docRow(dockey)).proc_state, 'S', 'nothing changed');

    const first = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '중복 발행' }, auth(supplier));
    const second = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '중복 발행' }, auth(supplier));
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(second.body.cancelledAt, first.body.cancelledAt);
    await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === buyerMail) && m.subject.includes('발행취소'));
    const row = await docRow(dockey);
    assert.equal((await events(row.id)).length, 1, 'one event');
    const mails = await sys.ctx.db.selectFrom('notice_mails').select('id').where('document_id', '=', row.id).execute();
    assert.equal(mails.length, 1, 'one mail');
  });

  test('another tenant cannot cancel it (404), nor a draft be cancelled (409)', async () => {
    const { dockey } = await issue();
    const other = await registerMember(sys);
    const r = await rest(sys.url, 'POST', `${docs(other)}/${dockey}/cancel`, { reason: '남의 문서' }, auth(other));
    assert.equal(r.status, 404, JSON.stringify(r.body));
    assert.equal((await docRow(dockey)).proc_state, 'S');
    const draft = await rest(sys.url, 'POST', docs(supplier), { issue: false, document: sampleDocument('0101', supplier.bizno, todayKst()) }, auth(supplier));
    const d = await rest(sys.url, 'POST', `${docs(supplier)}/${draft.body.dockey}/cancel`, { reason: '임시' }, auth(supplier));
    assert.equal(d.status, 409, JSON.stringify(d.body));
    assert.equal(d.body.error.code, 'document_state_conflict');
  });

  test('legacy document.aspx cmd=CANCEL: the reason is required, then proc_state C; another subscription\'s dockey is 3001', async () => {
    const { dockey } = await issue();
    const base = { cmd: 'CANCEL', sinch_no: supplier.subscriptionId, svc_key: supplier.svcKey, dockey };
    const missing = await legacyPost(sys.url, 'document.aspx', base);
    assert.equal(missing.code, '1001', JSON.stringify(missing));
    assert.match(String(missing.msg), /^reason: /);
    const ok = await legacyPost(sys.url, 'document.aspx', { ...base, reason: '단가 오류' });
    assert.equal(ok.code, '0000', JSON.stringify(ok));
    assert.equal(ok['proc_state'], 'C');
    assert.equal(ok['reason'], '단가 오류');
    assert.ok(String(ok['cancel_date']).length > 0);
    const other = await registerMember(sys);
    const foreign = await legacyPost(sys.url, 'document.aspx', { cmd: 'CANCEL', sinch_no: other.subscriptionId, svc_key: other.svcKey, dockey, reason: 'x' });
    assert.equal(foreign.code, '3001', JSON.stringify(foreign));
  });
});

describe('발행취소 after filing', () => {
  test('a document filed with the NTS is refused with the advice to issue an amended invoice (409 document_already_filed / 3005)', async () => {
    const { dockey } = await issue();
    const filed = await reqnts(sys, supplier, [dockey]);
    assert.equal(legacyRows(filed)[0]?.['code'], '0000', JSON.stringify(filed));
    await waitSettled(sys, [dockey]);
    const r = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '늦은 취소' }, auth(supplier));
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'document_already_filed');
    assert.match(r.body.error.message, /수정세금계산서/);
    const legacy = await legacyPost(sys.url, 'document.aspx', { cmd: 'CANCEL', sinch_no: supplier.subscriptionId, svc_key: supplier.svcKey, dockey, reason: '늦은 취소' });
    assert.equal(legacy.code, '3005', JSON.stringify(legacy));
    const row = await docRow(dockey);
    assert.equal(row.proc_state, 'S');
    assert.equal(row.nts_state, '3');
  });

  test('a queued filing is either withdrawn (never sent, HBL004) or, once claimed, the cancel is refused — never both', async () => {
    const { dockey } = await issue();
    await reqnts(sys, supplier, [dockey]);
    const r = await rest(sys.url, 'POST', `${docs(supplier)}/${dockey}/cancel`, { reason: '전송 대기 중 취소' }, auth(supplier));
    const row = await docRow(dockey);
    const filings = await sys.ctx.db.selectFrom('nts_filings').select(['state', 'result_code']).where('document_id', '=', row.id).execute();
    if (r.status === 200) {
      assert.equal(row.proc_state, 'C');
      assert.deepEqual(filings, [{ state: 'failed', result_code: 'HBL004' }]);
      await new Promise((res) => setTimeout(res, 300));
      assert.equal((await docRow(dockey)).nts_state, '0', 'the withdrawn filing was never sent');
    } else {
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'document_already_filed');
      assert.equal(row.proc_state, 'S');
      await waitSettled(sys, [dockey]);
    }
  });
});
