/**
 * Member web 매출 / 매입 문서함 and the document screen (issue 12 item 2): search (period, counterparty name and
 * number, amount range, item, state), sort, keyset paging, the selection's totals, the .xlsx read back, the
 * purchase ledger of the buyer, tenant isolation (another member's dockey → 404), and the document's actions
 * (re-send, file with the NTS, PDF, XML, amended-invoice link) with its history. PGlite and PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { kstDate } from '../../src/platform/clock.ts';
import type { DocumentInput } from '../../src/modules/documents/model.ts';
import type { TestSystem } from '../support/test-system.ts';
import { issueDocuments, memberWithCertificate, registerMember, sampleDocument, type IssuedDocument, type TestMember } from './nts-support.ts';
import { startNtsTestSystem } from './nts-support.ts';
import { MemberClient, memberSignedIn } from './member-web-support.ts';

let sys: TestSystem;
let seller: TestMember;
let buyer: TestMember;
let docs: IssuedDocument[];
let sales: MemberClient;
const days: string[] = [];

function doc(supplier: TestMember, writeDate: string, n: number, buyerBizno: string, buyerName: string, item: string): DocumentInput {
  const d = sampleDocument('0101', supplier.bizno, writeDate);
  const supply = n * 10_000;
  const tax = n * 1_000;
  d.buyer = { ...d.buyer, id: buyerBizno, name: buyerName };
  d.amounts = { supply, tax, total: supply + tax };
  d.payments = { cash: 0, check: 0, note: 0, credit: supply + tax };
  d.lines = [{ ...d.lines[0]!, name: item, quantity: '1', unitPrice: String(supply), supply, tax }];
  return d;
}

const count = (text: string) => Number(/선택 ([\d,]+)건/.exec(text)?.[1]?.replace(/,/g, '') ?? 'NaN');
const totalOf = (text: string) => Number(/data-total="total">([\d,-]+)</.exec(text)?.[1]?.replace(/,/g, '') ?? 'NaN');
const rowsOf = (text: string) => [...text.matchAll(/<td><a href="\/member\/documents\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));

before(async () => {
  sys = await startNtsTestSystem();
  seller = (await memberWithCertificate(sys)).member;
  buyer = (await memberWithCertificate(sys)).member; // its certificate proves its business number: the purchase ledger shows documents to it
  const now = sys.ctx.clock.now().getTime();
  for (let i = 0; i < 3; i++) days.push(kstDate(new Date(now - i * 86_400_000)));
  const list: DocumentInput[] = [];
  for (let n = 1; n <= 12; n++) list.push(doc(seller, days[n % 3]!, n, buyer.bizno, '(주)매입처상사', `유지보수 ${n}월분`));
  for (let n = 1; n <= 3; n++) list.push(doc(seller, days[0]!, 100 + n, '1234567891', '(주)다른곳_100%', '도서 공급'));
  docs = await issueDocuments(sys.ctx, seller, list);
  sales = await memberSignedIn(sys.url, seller);
});
after(async () => {
  await sys?.close();
});

test('매출 문서함: every document with the totals of the selection; searches narrow it and the totals follow', async () => {
  const all = await sales.page('/member/sales');
  assert.equal(all.status, 200);
  assert.equal(count(all.text), 15);
  const sum = (ns: number[]) => ns.reduce((s, n) => s + n * 11_000, 0);
  assert.equal(totalOf(all.text), sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 101, 102, 103]));
  const byName = await sales.page(`/member/sales?counterparty=${encodeURIComponent('다른곳_100%')}`);
  assert.equal(count(byName.text), 3);
  assert.equal(totalOf(byName.text), sum([101, 102, 103]));
  assert.equal(count((await sales.page('/member/sales?counterparty=%EB%8B%A4%EB%A5%B8%EA%B3%B3_1000')).text), 0); // _ and % are literal
  assert.equal(count((await sales.page(`/member/sales?counterparty=${buyer.bizno.slice(0, 3)}-${buyer.bizno.slice(3, 5)}`)).text), 12);
  const range = await sales.page('/member/sales?amountMin=50000&amountMax=80000');
  assert.equal(count(range.text), 3);
  assert.equal(totalOf(range.text), sum([5, 6, 7]));
  assert.equal(count((await sales.page(`/member/sales?item=${encodeURIComponent('도서')}`)).text), 3);
  const d = days[0]!;
  const day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  assert.equal(count((await sales.page(`/member/sales?from=${day}&to=${day}`)).text), 4 + 3);
  assert.equal(count((await sales.page(`/member/sales?dateType=issue&from=${day}&to=${day}`)).text), 15); // all issued today
  assert.equal(count((await sales.page('/member/sales?state=S&ntsState=0')).text), 15);
  assert.equal(count((await sales.page('/member/sales?state=A')).text), 0);
  // a bad filter: 400, the message beside its field, nothing listed
  const bad = await sales.page('/member/sales?from=2026-13-45');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /id="from-error"/);
  assert.equal(rowsOf(bad.text).length, 0);
  const badRange = await sales.page('/member/sales?amountMin=9&amountMax=1');
  assert.equal(badRange.status, 400);
  assert.match(badRange.text, /id="amountMax-error"/);
  assert.equal((await sales.page('/member/sales?sort=nope')).status, 400);
  assert.equal((await sales.page('/member/sales?after=garbage')).status, 400);
});

test('매출 문서함: sort by total both ways, keyset pages forward and back', async () => {
  const asc = await sales.page('/member/sales?sort=total&dir=asc&size=10');
  const ascRows = rowsOf(asc.text);
  assert.equal(ascRows.length, 10);
  const byKey = new Map(docs.map((d, i) => [d.dockey, i]));
  assert.equal(byKey.get(ascRows[0]!), 0); // n = 1, the smallest
  const next = /rel="next" href="([^"]+)"/.exec(asc.text)![1]!.replace(/&amp;/g, '&');
  const page2 = await sales.page(next);
  const rows2 = rowsOf(page2.text);
  assert.equal(rows2.length, 5);
  assert.equal(new Set([...ascRows, ...rows2]).size, 15);
  assert.doesNotMatch(page2.text, /rel="next"/);
  const prev = /rel="prev" href="([^"]+)"/.exec(page2.text)![1]!.replace(/&amp;/g, '&');
  assert.deepEqual(rowsOf((await sales.page(prev)).text), ascRows);
  const desc = rowsOf((await sales.page('/member/sales?sort=total&dir=desc&size=10')).text);
  assert.equal(byKey.get(desc[0]!), 14); // 103, the largest
  const byWrite = rowsOf((await sales.page('/member/sales?size=200')).text);
  assert.equal(byWrite.length, 15);
});

test('.xlsx download of the selection: read back, rows and totals as on the screen', async () => {
  const r = await sales.call('GET', '/member/sales.xlsx?amountMin=50000&sort=total&dir=asc');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /spreadsheetml/);
  const wb = new ExcelJS.Workbook();
  const raw = await fetch(`${sys.url}/member/sales.xlsx?amountMin=50000&sort=total&dir=asc`, { headers: { cookie: [...sales.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  await wb.xlsx.load(Buffer.from(await raw.arrayBuffer()) as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('매출 문서함')!;
  assert.equal(sheet.getRow(1).getCell(1).value, '작성일자');
  const values: number[] = [];
  sheet.eachRow((row, i) => {
    if (i > 1 && typeof row.getCell(11).value === 'number' && row.getCell(1).value !== '합계') values.push(row.getCell(11).value as number);
  });
  assert.deepEqual(values, [55_000, 66_000, 77_000, 88_000, 99_000, 110_000, 121_000, 132_000, 1_111_000, 1_122_000, 1_133_000]);
  let sumRow: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    if (row.getCell(1).value === '합계') sumRow = row;
  });
  assert.equal(sumRow!.getCell(2).value, '11건');
  assert.equal(sumRow!.getCell(11).value, values.reduce((a, b) => a + b, 0));
  const bad = await sales.call('GET', '/member/sales.xlsx?amountMin=abc');
  assert.equal(bad.status, 400);
});

test('매입 문서함 of the buyer; another member cannot open the documents (404)', async () => {
  const b = await memberSignedIn(sys.url, buyer);
  const purchases = await b.page('/member/purchases');
  assert.equal(count(purchases.text), 12);
  assert.equal(count((await b.page('/member/sales')).text), 0);
  assert.equal(count((await b.page(`/member/purchases?counterparty=${seller.bizno}`)).text), 12);
  const open = await b.page(`/member/documents/${docs[0]!.dockey}`);
  assert.equal(open.status, 200);
  assert.doesNotMatch(open.text, /id="resend"/); // the buyer cannot re-send or file the supplier's document
  assert.doesNotMatch(open.text, /id="file"/);
  assert.equal((await b.page(`/member/documents/${docs[14]!.dockey}`)).status, 404); // to another buyer
  const other = await memberSignedIn(sys.url, await registerMember(sys));
  for (const path of [`/member/documents/${docs[0]!.dockey}`, `/member/documents/${docs[0]!.dockey}/pdf`, `/member/documents/${docs[0]!.dockey}/xml`]) {
    assert.equal((await other.call('GET', path)).status, 404, path);
  }
  const resend = await other.post(`/member/documents/${docs[0]!.dockey}/resend`, {});
  assert.equal(resend.status, 404);
  assert.equal(count((await other.page('/member/sales')).text), 0);
});

test('the document screen: standard form, history, re-send, file with the NTS once, PDF, XML, amended-invoice link', async () => {
  const d = docs[1]!;
  const screen = await sales.page(`/member/documents/${d.dockey}`);
  assert.equal(screen.status, 200);
  assert.match(screen.text, /class="form/); // the 문서보기 renderer's form
  assert.match(screen.text, new RegExp(d.issueId));
  assert.match(screen.text, /data-kind="issued"/);
  assert.match(screen.text, /id="amend-form"/);
  assert.match(screen.text, new RegExp(`name="amend" value="${d.dockey}"`));
  assert.match(screen.text, /@media print/);
  const mailsBefore = await sys.ctx.db.selectFrom('mail_outbox').select('id').where('document_id', '=', d.id).execute();
  const resent = await sales.post(`/member/documents/${d.dockey}/resend`, {});
  assert.equal(resent.status, 303);
  const mailsAfter = await sys.ctx.db.selectFrom('mail_outbox').select(['id', 'reason']).where('document_id', '=', d.id).execute();
  assert.equal(mailsAfter.length, mailsBefore.length + 1);
  assert.ok(mailsAfter.some((m) => m.reason === 'resend'));
  assert.match((await sales.page(`/member/documents/${d.dockey}?done=resent`)).text, /재발송 메일/);
  const noCsrf = await sales.post(`/member/documents/${d.dockey}/file`, {}, { csrf: false });
  assert.equal(noCsrf.status, 403);
  const filed = await sales.post(`/member/documents/${d.dockey}/file`, {});
  assert.equal(filed.status, 303);
  const row = await sys.ctx.db.selectFrom('documents').select('nts_state').where('id', '=', d.id).executeTakeFirstOrThrow();
  assert.notEqual(row.nts_state, '0');
  const again = await sales.post(`/member/documents/${d.dockey}/file`, {});
  assert.equal(again.status, 409);
  assert.match(again.text, /class="field-error"/);
  assert.match((await sales.page(`/member/documents/${d.dockey}`)).text, /data-kind="filing"/);
  const pdf = await sales.call('GET', `/member/documents/${d.dockey}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.ok(pdf.text.startsWith('%PDF'));
  const xml = await sales.call('GET', `/member/documents/${d.dockey}/xml`);
  assert.equal(xml.status, 200);
  assert.match(xml.text, new RegExp(d.issueId));
  assert.equal((await sales.page('/member/documents/no-such-dockey')).status, 404);
  assert.match((await sales.page(`/member/documents/${d.dockey}?lang=en`)).text, /History/);
  await sales.page('/member/sales?lang=ko');
});
