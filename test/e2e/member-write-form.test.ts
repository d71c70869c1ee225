/**
 * Member web, 문서 작성 (issue 12 item 3): draft and issue through the form (approval number, mail in the catcher),
 * the API's field errors beside the inputs (nothing written), a double submit writing once (form token = subkey),
 * the counterparty book (save, search, pick, refuse a bad number), the amended-invoice prefill. PGlite and PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { freshBizno } from '../support/test-system.ts';
import { registerMember, startNtsTestSystem, todayKst, type TestMember } from './nts-support.ts';
import { memberSignedIn, type MemberClient } from './member-web-support.ts';
import { insertDocument } from '../../src/modules/documents/insert-document.ts';
import { sampleTaxInvoice } from '../../src/modules/documents/sample-documents.ts';

let sys: TestSystem;
before(async () => {
  sys = await startNtsTestSystem();
});
after(async () => {
  await sys?.close();
});

function isoToday(): string {
  const d = todayKst(sys.ctx.clock.now());
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

function formTokenOf(text: string): string {
  const m = /name="formToken" value="([^"]+)"/.exec(text);
  assert.ok(m, 'the form carries a form token');
  return m[1]!;
}

function writeForm(token: string, buyerMail: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    formToken: token,
    kind: 'tax_invoice',
    taxType: 'regular',
    purpose: 'claim',
    writeDate: isoToday(),
    'buyer.id': '2048631263',
    'buyer.name': '(주)받는상사',
    'buyer.ceoName': '박대표',
    'buyer.contacts[0].name': '홍과장',
    'buyer.contacts[0].email': buyerMail,
    'lines[0].name': '컨설팅',
    'lines[0].quantity': '2',
    'lines[0].unitPrice': '50000',
    'lines[0].supply': '100,000',
    'lines[0].tax': '10000',
    'lines[1].name': '교통비',
    'lines[1].supply': '20000',
    'lines[1].tax': '2000',
    ...extra,
  };
}

async function documentsOf(m: TestMember) {
  return sys.ctx.db.selectFrom('documents').select(['dockey', 'proc_state', 'nts_issue_id', 'subkey', 'total_amt']).where('subscription_id', '=', m.subscriptionId).orderBy('id').execute();
}

async function signedIn(): Promise<{ m: TestMember; c: MemberClient }> {
  const m = await registerMember(sys);
  const c = await memberSignedIn(sys.url, m);
  return { m, c };
}

test('write: the form is the standard layout with the supplier from the member; a draft is saved, then an issue gets an approval number and mails the buyer', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/documents/new');
  assert.equal(page.status, 200);
  assert.match(page.text, /공급자/);
  assert.match(page.text, /공급받는자/);
  assert.match(page.text, new RegExp(`name="supplier.bizno"[^>]*value="${m.bizno}"|value="${m.bizno}"[^>]*name="supplier.bizno"`));
  assert.match(page.text, /name="lines\[3\].supply"/, 'four lines at first');
  assert.match((await c.page('/member/documents/new?lang=en')).text, /Issue and mail/);

  const draft = await c.post('/member/documents/new', { ...writeForm(formTokenOf(page.text), 'draft@buyer.example'), do: 'draft' });
  assert.equal(draft.status, 303, draft.text.slice(0, 500));
  assert.match(String(draft.headers.location), /^\/member\/documents\/[^/?]+\?done=drafted$/);
  let docs = await documentsOf(m);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]!.proc_state, 'T');
  assert.equal(docs[0]!.nts_issue_id, null);
  assert.equal(Number(docs[0]!.total_amt), 132000);

  const buyerMail = `buyer-${m.loginId}@buyer.example`;
  const again = await c.page('/member/documents/new');
  const issued = await c.post('/member/documents/new', { ...writeForm(formTokenOf(again.text), buyerMail), do: 'issue' });
  assert.equal(issued.status, 303, issued.text.slice(0, 500));
  const dockey = /^\/member\/documents\/([^/?]+)\?done=issued$/.exec(String(issued.headers.location))?.[1];
  assert.ok(dockey);
  docs = await documentsOf(m);
  const doc = docs.find((d) => d.dockey === decodeURIComponent(dockey))!;
  assert.equal(doc.proc_state, 'S');
  assert.match(doc.nts_issue_id ?? '', /^\d{24}$/);
  const mail = await sys.mail.catcher!.waitFor((x) => x.to.some((t) => t.address === buyerMail), 20_000);
  assert.ok(mail.subject.length > 0);
});

test('write: the API\'s errors are shown beside their fields (a bad line, a missing e-mail, a bad buyer number) and nothing is written', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/documents/new');
  const token = formTokenOf(page.text);
  const badLine = await c.post('/member/documents/new', { ...writeForm(token, 'x@buyer.example', { 'lines[1].supply': '2만원' }), do: 'issue' });
  assert.equal(badLine.status, 400);
  assert.match(badLine.text, /id="lines\[1\]\.supply-error"/);
  assert.match(badLine.text, /aria-invalid="true" aria-describedby="lines\[1\]\.supply-error"/);
  assert.match(badLine.text, /value="2만원"/, 'the form comes back as sent');
  // blank rows between lines are skipped; the error still lands beside the row it belongs to
  const gap = await c.post('/member/documents/new', { ...writeForm(token, 'x@buyer.example', { 'lines[1].name': '', 'lines[1].supply': '', 'lines[1].tax': '', 'lines[3].name': '끝줄', 'lines[3].supply': '1.5' }), do: 'issue' });
  assert.equal(gap.status, 400);
  assert.match(gap.text, /id="lines\[3\]\.supply-error"/);
  assert.doesNotMatch(gap.text, /id="lines\[1\]\.supply-error"/);
  const badTax = await c.post('/member/documents/new', { ...writeForm(token, 'x@buyer.example', { 'lines[0].tax': '5000' }), do: 'issue' });
  assert.equal(badTax.status, 400);
  assert.match(badTax.text, /id="lines\[0\]\.tax-error"[^>]*>[^<]*10%/);
  const noMail = await c.post('/member/documents/new', { ...writeForm(token, ''), do: 'issue' });
  assert.equal(noMail.status, 400);
  assert.match(noMail.text, /id="buyer\.contacts\[0\]\.email-error"/);
  const badBuyer = await c.post('/member/documents/new', { ...writeForm(token, 'x@buyer.example', { 'buyer.id': '1234567890' }), do: 'draft' });
  assert.equal(badBuyer.status, 400);
  assert.match(badBuyer.text, /id="buyer\.id-error"/);
  const en = await c.post('/member/documents/new?lang=en', { ...writeForm(token, 'x@buyer.example', { 'lines[1].supply': 'abc' }), do: 'issue' });
  assert.match(en.text, /id="lines\[1\]\.supply-error">[^<]*integer/);
  assert.equal((await documentsOf(m)).length, 0);
});

test('write: the same form sent twice (a double click) issues once', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/documents/new');
  const form: Record<string, string> = { ...writeForm(formTokenOf(page.text), 'twice@buyer.example'), do: 'issue' };
  const [a, b] = await Promise.all([c.post('/member/documents/new', form), c.post('/member/documents/new', form)]);
  assert.equal(a.status, 303);
  assert.equal(b.status, 303);
  assert.equal(a.headers.location, b.headers.location);
  const third = await c.post('/member/documents/new', form);
  assert.equal(third.headers.location, a.headers.location);
  const docs = await documentsOf(m);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]!.proc_state, 'S');
  // a new render is a new form: a new document
  const next = await c.page('/member/documents/new');
  assert.notEqual(formTokenOf(next.text), form['formToken']);
});

test('draft: opened again from its document screen with its fields, saved in place, then issued — one document, the same dockey; a second send of that form answers the issued one; what the form cannot edit is refused naming draft', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/documents/new');
  const saved = await c.post('/member/documents/new', { ...writeForm(formTokenOf(page.text), 'draft-edit@buyer.example', { 'remarks[0]': '첫 메모', 'lines[0].day': '1' }), do: 'draft' });
  assert.equal(saved.status, 303, saved.text.slice(0, 500));
  const dockey = decodeURIComponent(/^\/member\/documents\/([^/?]+)\?done=drafted$/.exec(String(saved.headers.location))![1]!);
  const screen = await c.page(`/member/documents/${encodeURIComponent(dockey)}`);
  assert.match(screen.text, new RegExp(`id="edit-draft" href="/member/documents/new\\?draft=${encodeURIComponent(dockey)}"`));

  const edit = await c.page(`/member/documents/new?draft=${encodeURIComponent(dockey)}`);
  assert.equal(edit.status, 200, edit.text.slice(-1500));
  assert.match(edit.text, /임시저장 문서 수정/);
  assert.match(edit.text, new RegExp(`name="draft" value="${dockey}"`));
  for (const [name, value] of [['buyer.contacts[0].email', 'draft-edit@buyer.example'], ['buyer.name', '(주)받는상사'], ['lines[1].name', '교통비'], ['lines[0].supply', '100000'], ['lines[0].day', '1'], ['remarks[0]', '첫 메모'], ['writeDate', isoToday()]] as const) {
    assert.match(edit.text, new RegExp(`id="${name.replace(/[[\].]/g, '\\$&')}" name="[^"]+" type="[^"]+" value="${value.replace(/[()]/g, '\\$&')}"`), `${name} prefilled`);
  }
  // saved again with a changed line: the same document, changed in place
  const token = formTokenOf(edit.text);
  const changed = { ...writeForm(token, 'draft-edit@buyer.example', { 'lines[1].supply': '30000', 'lines[1].tax': '3000' }), draft: dockey };
  const again = await c.post('/member/documents/new', { ...changed, do: 'draft' });
  assert.equal(again.status, 303, again.text.slice(0, 500));
  assert.equal(again.headers.location, `/member/documents/${encodeURIComponent(dockey)}?done=drafted`);
  let docs = await documentsOf(m);
  assert.deepEqual(docs.map((d) => [d.dockey, d.proc_state, Number(d.total_amt)]), [[dockey, 'T', 143000]]);

  // issued from the same form, twice at once (a double click): one document, issued once, both answers go to it
  const [a, b] = await Promise.all([c.post('/member/documents/new', { ...changed, do: 'issue' }), c.post('/member/documents/new', { ...changed, do: 'issue' })]);
  assert.deepEqual([a.status, b.status], [303, 303], a.text.slice(0, 300) + b.text.slice(0, 300));
  assert.equal(a.headers.location, `/member/documents/${encodeURIComponent(dockey)}?done=issued`);
  assert.equal(b.headers.location, a.headers.location);
  docs = await documentsOf(m);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]!.proc_state, 'S');
  assert.match(docs[0]!.nts_issue_id ?? '', /^\d{24}$/);

  // an issued document is no draft any more: neither opened nor saved as one (409 naming draft), nothing changed
  const issuedEdit = await c.page(`/member/documents/new?draft=${encodeURIComponent(dockey)}`);
  assert.equal(issuedEdit.status, 409);
  assert.match(issuedEdit.text, /임시저장 문서만 이어서 쓸 수 있습니다/);
  const stale = await c.post('/member/documents/new', { ...writeForm('otherformtoken123', 'draft-edit@buyer.example'), draft: dockey, do: 'draft' });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /이미 발행되었습니다/);
  assert.deepEqual((await documentsOf(m)).map((d) => [d.proc_state, Number(d.total_amt)]), [['S', 143000]]);

  // another subscription's draft: not found
  const other = await signedIn();
  const otherPage = await other.c.page('/member/documents/new');
  const otherDraft = await other.c.post('/member/documents/new', { ...writeForm(formTokenOf(otherPage.text), 'o@buyer.example'), do: 'draft' });
  const otherKey = decodeURIComponent(/documents\/([^/?]+)\?/.exec(String(otherDraft.headers.location))![1]!);
  assert.equal((await c.page(`/member/documents/new?draft=${encodeURIComponent(otherKey)}`)).status, 404);
  const foreign = await c.post('/member/documents/new', { ...writeForm('foreignformtoken1', 'x@buyer.example'), draft: otherKey, do: 'issue' });
  assert.equal(foreign.status, 404);
  assert.equal((await documentsOf(other.m))[0]!.proc_state, 'T');

  // a draft key that is no key (a NUL byte): refused naming draft, never a 500
  const nul = await c.page('/member/documents/new?draft=a%00b');
  assert.ok(nul.status >= 400 && nul.status < 500, `?draft with a NUL: ${nul.status}`);
  const nulPost = await c.post('/member/documents/new', { ...writeForm('nulformtoken12345', 'x@buyer.example'), draft: 'a\u0000b', do: 'draft' });
  assert.ok(nulPost.status >= 400 && nulPost.status < 500, `draft field with a NUL: ${nulPost.status}`);

  // a draft with a 거래명세서 (the API's): the form cannot show it, so it is not opened there
  const withStatement = await insertDocument(sys.ctx, { subscriptionId: m.subscriptionId, memberId: m.memberId, packageId: 1 }, {
    input: { ...sampleTaxInvoice(), supplier: { ...sampleTaxInvoice().supplier, bizno: m.bizno }, statement: { lines: [{ date: todayKst(sys.ctx.clock.now()), name: '명세', supply: 1000, tax: 100, total: 1100 }] } },
    issue: false,
  });
  const refused = await c.page(`/member/documents/new?draft=${encodeURIComponent(withStatement.document.dockey)}`);
  assert.equal(refused.status, 409);
  assert.match(refused.text, /거래명세서/);
});

test('counterparty book: saved from the write form and the book page, searched by name and number, picked in the form; a bad number refused naming the field; another subscription does not see it', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/documents/new');
  const saved = await c.post('/member/documents/new', { ...writeForm(formTokenOf(page.text), 'book@buyer.example'), do: 'draft', saveCounterparty: '1' });
  assert.equal(saved.status, 303);
  const otherBizno = freshBizno();
  const add = await c.post('/member/counterparties', { 'buyer.id': otherBizno, 'buyer.name': '두번째상회', 'buyer.contacts[0].email': 'second@buyer.example' });
  assert.equal(add.status, 303);
  assert.equal(add.headers.location, '/member/counterparties?done=cp_saved');
  const bad = await c.post('/member/counterparties', { 'buyer.id': '1234567890', 'buyer.name': '틀린번호' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /id="buyer\.id-error"/);

  const all = await c.page('/member/counterparties');
  assert.match(all.text, /\(주\)받는상사/);
  assert.match(all.text, /두번째상회/);
  assert.doesNotMatch(all.text, /틀린번호/);
  const byName = await c.page(`/member/counterparties?q=${encodeURIComponent('두번째')}`);
  assert.match(byName.text, /두번째상회/);
  assert.doesNotMatch(byName.text, /받는상사/);
  const byNumber = await c.page(`/member/counterparties?q=${otherBizno.slice(0, 6)}`);
  assert.match(byNumber.text, /두번째상회/);
  // a control character in the search box: 400 naming it (it never reaches the database)
  const nul = await c.page('/member/counterparties?q=a%00b');
  assert.equal(nul.status, 400, nul.text.slice(0, 300));
  assert.match(nul.text, /q: /);
  assert.equal((await c.page('/member/documents/new?cpq=a%00b')).status, 400);
  // saving the same buyer again updates it (one entry per number)
  await c.post('/member/counterparties', { 'buyer.id': otherBizno, 'buyer.name': '두번째상회(변경)' });
  const rows = await sys.ctx.db.selectFrom('counterparties').select(['name']).where('subscription_id', '=', m.subscriptionId).execute();
  assert.deepEqual(rows.map((r) => r.name).sort(), ['(주)받는상사', '두번째상회(변경)']);

  const form = await c.page('/member/documents/new');
  assert.match(form.text, /id="cp-pick"/);
  assert.match(form.text, /data-buyer="[^"]*2048631263/);

  const other = await signedIn();
  assert.doesNotMatch((await other.c.page('/member/counterparties')).text, /두번째상회/);
  const id = (await sys.ctx.db.selectFrom('counterparties').select('id').where('subscription_id', '=', m.subscriptionId).executeTakeFirstOrThrow()).id;
  const stolen = await other.c.post('/member/counterparties/delete', { counterpartyId: String(id) });
  assert.equal(stolen.status, 404);
  const del = await c.post('/member/counterparties/delete', { counterpartyId: String(id) });
  assert.equal(del.status, 303);
  assert.equal((await sys.ctx.db.selectFrom('counterparties').select('id').where('subscription_id', '=', m.subscriptionId).execute()).length, 1);
});

test('amended invoice: /member/write?amend=<dockey>&reason=4 prefills the original negated with its approval number; issuing it makes a 수정세금계산서', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/documents/new');
  const issued = await c.post('/member/documents/new', { ...writeForm(formTokenOf(page.text), 'amend@buyer.example'), do: 'issue' });
  const dockey = decodeURIComponent(/documents\/([^/?]+)/.exec(String(issued.headers.location))![1]!);
  const original = (await documentsOf(m))[0]!;
  const link = await c.call('GET', `/member/write?amend=${dockey}&reason=4`);
  assert.equal(link.status, 303);
  const amend = await c.page(String(link.headers.location));
  assert.equal(amend.status, 200, amend.text.slice(0, 300));
  assert.match(amend.text, new RegExp(`name="amendment.originalIssueId" value="${original.nts_issue_id}"`));
  assert.match(amend.text, /계약이 취소됐어요/);
  assert.match(amend.text, /name="lines\[0\].supply" type="text" value="-100000"/);
  const form: Record<string, string> = { do: 'issue' };
  for (const [, k, v] of amend.text.matchAll(/<input id="[^"]*" name="([^"]+)" type="(?:text|email|date|hidden)" value="([^"]*)"/g)) form[k!] = v!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  for (const [, k, v] of amend.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) form[k!] = v!;
  form['amendment.reasonCode'] = '04';
  form['kind'] = 'tax_invoice';
  form['taxType'] = 'regular';
  form['purpose'] = 'claim';
  form['writeDate'] = isoToday();
  const r = await c.post('/member/documents/new', form);
  assert.equal(r.status, 303, r.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1500));
  const docs = await documentsOf(m);
  assert.equal(docs.length, 2);
  assert.equal(Number(docs[1]!.total_amt), -132000);
  const notMine = await (await signedIn()).c.page(`/member/documents/new?amend=${dockey}&reason=1`);
  assert.equal(notMine.status, 404);
});
