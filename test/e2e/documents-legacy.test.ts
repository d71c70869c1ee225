// Seed A §6–9 and §11 over HTTP (document.aspx) with the in-process SMTP server receiving the mail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import { legacyInvoiceFields, onboard, type Onboarded } from '../support/onboard.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

const catcher = () => sys.mail.catcher!;
const drain = () => sys.worker!.drain();
const mailsFor = async (dockey: string) => (await catcher().list()).filter((m) => m.headerLines.some((h) => h.line.includes(dockey)));
const waitMail = (dockey: string, n = 1) => waitFor(() => mailsFor(dockey), (mails) => mails.length >= n, { timeoutMs: 15_000, what: `${n} mail(s) of ${dockey}` });

async function getDoc(s: Onboarded, dockey: string, gubun = 'S') {
  const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: s.sinchno, svc_key: s.svcKey, dockeys: dockey, gubun });
  assert.equal(r.code, '0000', r.msg);
  return (r['list'] as { row: Record<string, string>[] } | '').valueOf() as { row: Record<string, string>[] };
}

describe('document.aspx (seed A §6–9, §11)', () => {
  test('INSERT N/S without detail*: issued, numbered, mailed to contacts 1 and 2 with PDF and XML', async () => {
    const sup = await onboard(sys.url);
    const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()) });
    assert.equal(r.code, '0000', r.msg);
    const dockey = String(r['dockey']);
    assert.equal(r['proc_state'], 'S');
    assert.equal(r['doc_state'], 'N');
    assert.match(String(r['nts_issue_id']), new RegExp(`^20261120${sys.ctx.config.ntsIssuerCode}\\d{8}$`));
    await drain();
    const [mail] = await waitMail(dockey);
    assert.ok(mail);
    assert.deepEqual(mail.to.map((a) => a.address), ['buyer1@example.kr']);
    assert.deepEqual(mail.cc.map((a) => a.address), ['buyer2@example.kr']);
    assert.match(mail.subject, /세금계산서/);
    assert.match(mail.subject, /테스트공급/);
    assert.deepEqual(mail.attachments.map((a) => a.contentType).sort(), ['application/pdf', 'application/xml']);
    const xml = mail.attachments.find((a) => a.contentType === 'application/xml')!.content.toString('utf8');
    assert.match(xml, new RegExp(`<IssueID>${r['nts_issue_id']}</IssueID>`));
    assert.match(mail.text ?? '', new RegExp(`/view/${dockey}\\?t=`));
    // the catcher has the mail once SMTP's DATA is done; the worker records send_date in its own commit just after
    const list = await waitFor(() => getDoc(sup, dockey), (l) => l.row[0]?.['send_date'] !== '', { what: `send_date of ${dockey}` });
    assert.notEqual(list.row[0]!['send_date'], '');
    assert.equal(list.row[0]!['proc_state'], 'S');
    assert.equal(list.row[0]!['read_state'], 'N');
    assert.equal(list.row[0]!['NTS_return_state'], '0');
  });

  test('INSERT with detail*: the statement is stored and its page is in the mailed PDF', async () => {
    const sup = await onboard(sys.url);
    const r = await legacyPost(sys.url, 'document.aspx', {
      cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()),
      detail__title: '거래명세서', detail__memo: '감사합니다', detail1__date: '20261120', detail1__name: '노트북', detail1__qty: '1', detail1__unit_price: '1000000', detail1__supply_amt: 1000000, detail1__tax_amt: 100000, detail1__total_amt: 1100000,
    });
    assert.equal(r.code, '0000', r.msg);
    const got = await legacyPost(sys.url, 'document.aspx', { cmd: 'GET', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockey: String(r['dockey']) });
    assert.equal(got.code, '0000');
    const doc = await sys.ctx.db.selectFrom('documents').select(['body', 'has_statement']).where('dockey', '=', String(r['dockey'])).executeTakeFirstOrThrow();
    assert.equal(doc.has_statement, true);
    assert.equal((doc.body as { statement: { lines: { name: string }[] } }).statement.lines[0]!.name, '노트북');
    await drain();
    await waitMail(String(r['dockey']));
    const pdf = (await mailsFor(String(r['dockey'])))[0]!.attachments.find((a) => a.contentType === 'application/pdf')!.content;
    assert.ok((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length >= 2, 'invoice page + statement page');
  });

  test('INSERT draft, UPDATE in place (same dockey), then issue; UPDATE of a mailed document gives a new dockey and discards the old', async () => {
    const sup = await onboard(sys.url);
    const buyer = freshBizno();
    const draft = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, buyer) });
    assert.equal(draft.code, '0000', draft.msg);
    assert.equal(draft['proc_state'], 'T');
    assert.equal(draft['nts_issue_id'], '');
    const dockey = String(draft['dockey']);

    const upd = await legacyPost(sys.url, 'document.aspx', { cmd: 'UPDATE', dockey, ...legacyInvoiceFields(sup, buyer, { doc__doc_state: 'U', doc__remark: '수정됨' }) });
    assert.equal(upd.code, '0000', upd.msg);
    assert.equal(upd['dockey'], dockey, 'a draft keeps its dockey');
    assert.equal(upd['doc_state'], 'U');

    const issued = await legacyPost(sys.url, 'document.aspx', { cmd: 'UPDATE', dockey, doc__proc_state: 'S', ...legacyInvoiceFields(sup, buyer, { doc__doc_state: 'U' }) });
    assert.equal(issued['dockey'], dockey);
    assert.equal(issued['proc_state'], 'S');
    await drain();
    await waitMail(dockey);

    const again = await legacyPost(sys.url, 'document.aspx', { cmd: 'UPDATE', dockey, doc__proc_state: 'S', ...legacyInvoiceFields(sup, buyer, { doc__doc_state: 'U', doc__supply_amt: 1500000 }) });
    assert.equal(again.code, '0000', again.msg);
    assert.notEqual(again['dockey'], dockey, 'a mailed document gets a new dockey');
    assert.equal(again['old_dockey'], dockey);
    assert.notEqual(again['nts_issue_id'], issued['nts_issue_id']);
    const old = await getDoc(sup, dockey);
    assert.equal(old.row[0]!['doc_state'], 'D');
    await drain();
    await waitMail(String(again['dockey']));

    const refused = await legacyPost(sys.url, 'document.aspx', { cmd: 'UPDATE', dockey, ...legacyInvoiceFields(sup, buyer, { doc__doc_state: 'U' }) });
    assert.equal(refused.code, '3002', 'a discarded document cannot be updated');
  });

  test('UPDATE of a document filed with the NTS is refused with advice to amend', async () => {
    const sup = await onboard(sys.url);
    const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()) });
    await sys.ctx.db.updateTable('documents').set({ nts_state: '3' }).where('dockey', '=', String(r['dockey'])).execute();
    const u = await legacyPost(sys.url, 'document.aspx', { cmd: 'UPDATE', dockey: String(r['dockey']), ...legacyInvoiceFields(sup, freshBizno(), { doc__doc_state: 'U' }) });
    assert.equal(u.code, '3002');
    assert.match(u.msg, /수정세금계산서/);
    const d = await legacyPost(sys.url, 'document.aspx', { cmd: 'DELETE', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockey: String(r['dockey']) });
    assert.equal(d.code, '3002');
  });

  test('SEND re-sends unchanged; a draft cannot be sent; unknown dockey 3001', async () => {
    const sup = await onboard(sys.url);
    const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()) });
    const dockey = String(r['dockey']);
    await drain();
    await waitMail(dockey);
    // the first send is recorded by the worker just after the catcher has the mail
    await waitFor(() => getDoc(sup, dockey), (l) => l.row[0]?.['send_date'] !== '', { what: `send_date of ${dockey}` });
    const s = await legacyPost(sys.url, 'document.aspx', { cmd: 'SEND', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockey });
    assert.equal(s.code, '0000', s.msg);
    assert.match(String(s['send_date']), /^\d{4}-\d{2}-\d{2} /);
    await drain();
    await waitMail(dockey, 2);
    assert.equal((await mailsFor(dockey)).length, 2);
    const draft = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno()) });
    assert.equal((await legacyPost(sys.url, 'document.aspx', { cmd: 'SEND', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockey: String(draft['dockey']) })).code, '3002');
    const many = await legacyPost(sys.url, 'document.aspx', { cmd: 'SEND', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockeys: `${dockey},TINOSUCHKEY0000000000` });
    const rows = (many['list'] as { row: { code: string }[] }).row;
    assert.deepEqual(rows.map((x) => x.code), ['0000', '3001']);
  });

  test('doc__subkey: the same INSERT twice creates one document and answers the same', async () => {
    const sup = await onboard(sys.url);
    const fields = { cmd: 'INSERT', doc__proc_state: 'S', doc__subkey: 'ERP-2026-0001', ...legacyInvoiceFields(sup, freshBizno()) };
    const [a, b] = await Promise.all([legacyPost(sys.url, 'document.aspx', fields), legacyPost(sys.url, 'document.aspx', fields)]);
    assert.equal(a['dockey'], b['dockey']);
    assert.equal(a['nts_issue_id'], b['nts_issue_id']);
    const n = await sys.ctx.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).where('subscription_id', '=', sup.sinchno).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
    await drain();
    await waitMail(String(a['dockey']));
    assert.equal((await mailsFor(String(a['dockey']))).length, 1, 'mailed once');
  });

  test('validation errors name the legacy field and store nothing', async () => {
    const sup = await onboard(sys.url);
    const bad = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, '1234567890') });
    assert.equal(bad.code, '1002');
    assert.match(bad.msg, /^doc__buy_bizno: /);
    const sum = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno(), { doc__total_amt: 1650001 }) });
    assert.equal(sum.code, '3003');
    const line = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno(), { item2__supply_amt: 'abc' }) });
    assert.equal(line.code, '1002');
    assert.match(line.msg, /^item2__supply_amt: /);
    const other = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno(), { doc__sup_bizno: freshBizno() }) });
    assert.equal(other.code, '1002');
    assert.match(other.msg, /^doc__sup_bizno: /);
    const noMail = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno(), { doc__buy_email1: '' }) });
    assert.equal(noMail.code, '1001');
    assert.match(noMail.msg, /^doc__buy_email1: /);
    const wrongKey = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno(), { svc_key: 'nope' }) });
    assert.equal(wrongKey.code, '2005');
    const n = await sys.ctx.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).where('subscription_id', '=', sup.sinchno).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
    const serials = await sys.ctx.db.selectFrom('usage_counters').selectAll().where('subscription_id', '=', sup.sinchno).execute();
    assert.equal(serials.length, 0, 'no usage counted');
  });

  test('MULTILIST: date range, state filters, paging; purchase ledger of a subscribed buyer; other tenants see nothing', async () => {
    const sup = await onboard(sys.url);
    const buyer = await onboard(sys.url, { comName: '(주)구매자' });
    const stranger = await onboard(sys.url);
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: i < 2 ? 'S' : '', ...legacyInvoiceFields(sup, buyer.bizno) });
      keys.push(String(r['dockey']));
    }
    const all = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: sup.sinchno, svc_key: sup.svcKey, date_type: 'W', sdate: '20261101', edate: '20261130', page_size: 2 });
    assert.equal(all['total'], '3');
    assert.equal((all['list'] as { row: unknown[] }).row.length, 2);
    const page2 = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: sup.sinchno, svc_key: sup.svcKey, date_type: 'W', sdate: '20261101', edate: '20261130', page_size: 2, page: 2 });
    assert.equal((page2['list'] as { row: unknown[] }).row.length, 1);
    const drafts = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: sup.sinchno, svc_key: sup.svcKey, date_type: 'W', sdate: '20261101', edate: '20261130', proc_state: 'T' });
    assert.equal(drafts['total'], '1');

    // a purchase ledger opens once the buyer has proven its business number (docs/documents.md "Purchase ledger")
    const buyerMember = await sys.ctx.db.selectFrom('members').select('id').where('bizno', '=', buyer.bizno).executeTakeFirstOrThrow();
    const proof = await fetch(`${sys.url}/v1/operator/members/${buyerMember.id}/bizno-verification`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bizno: buyer.bizno }),
    });
    assert.equal(proof.status, 200);
    const purchase = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: buyer.sinchno, svc_key: buyer.svcKey, gubun: 'B', date_type: 'W', sdate: '20261101', edate: '20261130' });
    assert.equal(purchase['total'], '2', 'issued documents (not the draft) appear in the buyer’s purchase ledger');
    const buyerSales = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: buyer.sinchno, svc_key: buyer.svcKey, date_type: 'W', sdate: '20261101', edate: '20261130' });
    assert.equal(buyerSales['total'], '0');

    for (const k of keys) {
      const g = await legacyPost(sys.url, 'document.aspx', { cmd: 'GET', sinch_no: stranger.sinchno, svc_key: stranger.svcKey, dockey: k });
      assert.equal(g.code, '3001');
      const l = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: stranger.sinchno, svc_key: stranger.svcKey, dockeys: k, gubun: 'B' });
      assert.equal(l['total'], '0');
      const s = await legacyPost(sys.url, 'document.aspx', { cmd: 'SEND', sinch_no: stranger.sinchno, svc_key: stranger.svcKey, dockey: k });
      assert.equal(s.code, '3001');
    }
    // the stranger's key does not open the supplier's subscription either
    assert.equal((await legacyPost(sys.url, 'document.aspx', { cmd: 'GET', sinch_no: sup.sinchno, svc_key: stranger.svcKey, dockey: keys[0]! })).code, '2005');
    const noRange = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: sup.sinchno, svc_key: sup.svcKey });
    assert.equal(noRange.code, '1001');
  });

  test('view link: first open flips read_state; approve; reject with a reason; a wrong token finds nothing', async () => {
    const sup = await onboard(sys.url);
    const a = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()) });
    const b = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()) });
    await drain();
    for (const r of [a, b]) await waitMail(String(r['dockey']));
    const link = async (dockey: string) => /https?:\/\/[^\s"<]+\/view\/[A-Z0-9]+\?t=[\w-]+/.exec((await mailsFor(dockey))[0]!.text ?? '')![0];

    const urlA = await link(String(a['dockey']));
    const page = await fetch(urlA);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /공급받는자/);
    assert.match(html, /똠방각하/);
    let row = (await getDoc(sup, String(a['dockey']))).row[0]!;
    assert.equal(row['read_state'], 'Y');
    assert.notEqual(row['read_date'], '');

    const pdf = await fetch(urlA.replace('?t=', '/pdf?t='));
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
    const xml = await fetch(urlA.replace('?t=', '/xml?t='));
    assert.match(await xml.text(), /<TaxInvoice /);

    const ok = await fetch(urlA.replace('?t=', '/approve?t='), { method: 'POST', redirect: 'manual', body: new URLSearchParams({}) });
    assert.equal(ok.status, 303);
    row = (await getDoc(sup, String(a['dockey']))).row[0]!;
    assert.equal(row['proc_state'], 'A');
    const twice = await fetch(urlA.replace('?t=', '/reject?t='), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ reason: '금액 오류' }) });
    assert.equal(twice.status, 409);

    const urlB = await link(String(b['dockey']));
    const noReason = await fetch(urlB.replace('?t=', '/reject?t='), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ reason: '' }) });
    assert.equal(noReason.status, 400);
    // a control character in the reason: refused by the shared text reader, as every reason is (it was stored as sent)
    const control = await fetch(urlB.replace('?t=', '/reject?t='), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ reason: '금액\u0001오류' }) });
    assert.equal(control.status, 400);
    assert.equal((await sys.ctx.db.selectFrom('documents').select('proc_state').where('dockey', '=', String(b['dockey'])).executeTakeFirstOrThrow()).proc_state, 'S', 'nothing changed');
    const rej = await fetch(urlB.replace('?t=', '/reject?t='), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ reason: '금액 오류' }) });
    assert.equal(rej.status, 303);
    const rowB = await sys.ctx.db.selectFrom('documents').select(['proc_state', 'reject_reason', 'read_state']).where('dockey', '=', String(b['dockey'])).executeTakeFirstOrThrow();
    assert.deepEqual(rowB, { proc_state: 'R', reject_reason: '금액 오류', read_state: 'Y' });

    const forged = await fetch(urlA.replace(/t=[\w-]+/, 't=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    assert.equal(forged.status, 404);
  });
});
