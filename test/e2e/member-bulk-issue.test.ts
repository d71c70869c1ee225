/**
 * Member web, 대량발행 and 인증서 (issue 12 items 4 and 5): the template downloaded and read back, an upload with good
 * and bad rows (the preview names row and column; only good rows issue, by a background job with progress), a
 * re-upload issuing nothing new; the certificate upload with a matching VID, a mismatching one refused naming the
 * field, an expiring one warned. PGlite and PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { freshBizno } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { FIRST_DATA_ROW, TEMPLATE_COLUMNS, TEMPLATE_SHEET } from '../../src/modules/bulk-issue/xlsx-columns.ts';
import { registerMember, startNtsTestSystem, todayKst, type TestMember } from './nts-support.ts';
import { memberSignedIn, type MemberClient } from './member-web-support.ts';

let sys: TestSystem;
before(async () => {
  sys = await startNtsTestSystem();
});
after(async () => {
  await sys?.close();
});

/** POST a multipart form as a browser does (the page's CSRF token as the `_csrf` part). */
async function postFiles(c: MemberClient, path: string, fields: Record<string, string>, files: Record<string, { name: string; data: Buffer }>) {
  const fd = new FormData();
  fd.set('_csrf', c.csrf);
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  for (const [k, f] of Object.entries(files)) fd.set(k, new Blob([new Uint8Array(f.data)]), f.name);
  const r = await fetch(new URL(path, sys.url), { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), connection: 'close' } });
  return { status: r.status, location: r.headers.get('location'), text: await r.text() };
}

async function getBytes(c: MemberClient, path: string): Promise<{ status: number; type: string | null; data: Buffer }> {
  const r = await fetch(new URL(path, sys.url), { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), connection: 'close' } });
  return { status: r.status, type: r.headers.get('content-type'), data: Buffer.from(await r.arrayBuffer()) };
}

async function signedIn(): Promise<{ m: TestMember; c: MemberClient }> {
  const m = await registerMember(sys);
  return { m, c: await memberSignedIn(sys.url, m) };
}

type Cells = Record<string, string | number>;

/** Fill the downloaded template: rows from FIRST_DATA_ROW, cells by column key. */
async function filledTemplate(template: Buffer, rows: Cells[]): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet(TEMPLATE_SHEET)!;
  rows.forEach((cells, i) => {
    const row = sheet.getRow(FIRST_DATA_ROW + i);
    TEMPLATE_COLUMNS.forEach((col, j) => {
      if (cells[col.key] !== undefined) row.getCell(j + 1).value = cells[col.key]!;
    });
    row.commit();
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function goodRow(key: string, email: string, supply: number): Cells {
  return {
    rowKey: key,
    writeDate: todayKst(sys.ctx.clock.now()),
    kind: '세금계산서',
    taxType: '일반',
    purpose: '청구',
    buyerId: '2048631263',
    buyerName: `(주)대량${key}`,
    buyerCeoName: '김대표',
    buyerEmail: email,
    'line1.name': '월 이용료',
    'line1.supply': supply,
    // 세액 left blank: 10 %, truncated
  };
}

test('대량발행: the template downloads with Korean headers and an English note; good and bad rows are previewed with row and column; only good rows issue with progress; a re-upload issues nothing new', async () => {
  const { m, c } = await signedIn();
  const page = await c.page('/member/bulk');
  assert.equal(page.status, 200);
  assert.match(page.text, /양식 내려받기/);
  const tpl = await getBytes(c, '/member/bulk/template.xlsx');
  assert.equal(tpl.status, 200);
  assert.match(tpl.type ?? '', /spreadsheetml/);
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(tpl.data as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet(TEMPLATE_SHEET)!;
  assert.equal(sheet.getRow(1).getCell(1).value, '행키');
  assert.equal(sheet.getRow(1).getCell(8).value, '상호');
  assert.match(String(sheet.getRow(2).getCell(1).value), /row key/);
  assert.equal(sheet.actualRowCount, 2, 'no data rows in the template');
  assert.equal((await new (await import('../e2e/member-web-support.ts')).MemberClient(sys.url).call('GET', '/member/bulk/template.xlsx')).status, 303, 'no template without a session');

  const mail = (n: number) => `bulk${n}-${m.loginId}@buyer.example`;
  const file = await filledTemplate(tpl.data, [
    goodRow('A-1', mail(1), 100000),
    { ...goodRow('A-2', mail(2), 50000), 'line1.supply': '오만원' },
    goodRow('A-3', mail(3), 30001),
    { ...goodRow('A-4', mail(4), 10000), buyerId: '1234567890' },
    { ...goodRow('A-5', mail(5), 10000), 'line1.tax': 5 },
    { ...goodRow('A-1', mail(6), 7000) },
  ]);
  await c.page('/member/bulk');
  const up = await postFiles(c, '/member/bulk', {}, { file: { name: 'invoices.xlsx', data: file } });
  assert.equal(up.status, 303, up.text.slice(0, 400));
  const previewPath = up.location!;
  assert.match(previewPath, /^\/member\/bulk\/\d+$/);
  const preview = await c.page(previewPath);
  assert.equal(preview.status, 200);
  assert.match(preview.text, /6행 중 2행 정상, 4행 오류/);
  assert.match(preview.text, /4행 품목1 공급가액: /);
  assert.match(preview.text, /6행 공급받는자 등록번호: /);
  assert.match(preview.text, /7행 품목1 세액: [^<]*10%/);
  assert.match(preview.text, /8행 행키: 3행과 같은 문서입니다/);
  assert.equal((await sys.ctx.db.selectFrom('documents').select('id').where('subscription_id', '=', m.subscriptionId).execute()).length, 0, 'nothing issued by the preview');

  const start = await c.post(`${previewPath}/issue`, {});
  assert.equal(start.status, 303);
  assert.equal(start.headers.location, `${previewPath}?done=bulk_started`);
  const again = await c.post(`${previewPath}/issue`, {});
  assert.equal(again.status, 303, 'a second click starts nothing more');
  const progress = await waitFor(
    async () => (await c.call('GET', `${previewPath}/progress`)).body,
    (b: any) => b.state === 'done',
    { timeoutMs: 30_000 },
  );
  assert.equal(progress.rows.issued, 2);
  assert.equal(progress.rows.failed, 0);
  assert.equal(progress.percent, 100);
  const docs = await sys.ctx.db.selectFrom('documents').select(['subkey', 'proc_state', 'nts_issue_id', 'tax_amt']).where('subscription_id', '=', m.subscriptionId).orderBy('subkey').execute();
  assert.deepEqual(docs.map((d) => [d.subkey, d.proc_state]), [['xl:A-1', 'S'], ['xl:A-3', 'S']]);
  assert.deepEqual(docs.map((d) => Number(d.tax_amt)), [10000, 3000], 'blank 세액 = 10 % truncated');
  for (const d of docs) assert.match(d.nts_issue_id ?? '', /^\d{24}$/);
  await sys.mail.catcher!.waitFor((x) => x.to.some((t) => t.address === mail(3)), 20_000);
  const done = await c.page(previewPath);
  assert.match(done.text, /발행됨/);

  // the same file again: the good rows are known by their row keys, nothing is issued twice
  await c.page('/member/bulk');
  const re = await postFiles(c, '/member/bulk', {}, { file: { name: 'invoices.xlsx', data: file } });
  assert.equal(re.status, 303);
  const rePreview = await c.page(re.location!);
  assert.match(rePreview.text, /이미 발행된 2행은 다시 발행하지 않습니다/);
  await c.post(`${re.location!}/issue`, {});
  const reDone = await waitFor(async () => (await c.call('GET', `${re.location!}/progress`)).body, (b: any) => b.state === 'done', { timeoutMs: 30_000 });
  assert.equal(reDone.rows.issued, 0);
  assert.equal(reDone.rows.existing, 2);
  assert.equal((await sys.ctx.db.selectFrom('documents').select('id').where('subscription_id', '=', m.subscriptionId).execute()).length, 2);

  // another subscription cannot see the upload
  const other = await signedIn();
  assert.equal((await other.c.page(previewPath)).status, 404);
  assert.equal((await other.c.call('GET', `${previewPath}/progress`)).status, 404);
});

test('대량발행: an upload that is not the template, or no file, is refused naming the file', async () => {
  const { c } = await signedIn();
  await c.page('/member/bulk');
  const junk = await postFiles(c, '/member/bulk', {}, { file: { name: 'x.xlsx', data: Buffer.from('not a workbook') } });
  assert.equal(junk.status, 400);
  assert.match(junk.text, /id="file-error"[^>]*>[^<]*\.xlsx/);
  const none = await postFiles(c, '/member/bulk', {}, {});
  assert.equal(none.status, 400);
  assert.match(none.text, /id="file-error"/);
  const noCsrf = await fetch(new URL('/member/bulk', sys.url), { method: 'POST', body: new FormData(), headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, redirect: 'manual' });
  assert.equal(noCsrf.status, 403);
});

test('인증서: an upload with a matching VID shows subject, VID check and expiry; a mismatching VID and a wrong password are refused naming the field; an expiring one is warned', async () => {
  const { m, c } = await signedIn();
  const empty = await c.page('/member/certificate');
  assert.match(empty.text, /id="cert-none"/);

  const stranger = makeTestNpkiIdentity(freshBizno());
  const mismatch = await postFiles(c, '/member/certificate', { password: stranger.password }, { signCert: { name: 'signCert.der', data: stranger.signCert }, signPri: { name: 'signPri.key', data: stranger.signPri } });
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.text, /id="signCert-error"[^>]*>[^<]*VID/);

  const mine = makeTestNpkiIdentity(m.bizno);
  const wrongPw = await postFiles(c, '/member/certificate', { password: 'not-it' }, { signCert: { name: 'signCert.der', data: mine.signCert }, signPri: { name: 'signPri.key', data: mine.signPri } });
  assert.equal(wrongPw.status, 400);
  assert.match(wrongPw.text, /id="password-error"/);
  assert.doesNotMatch(wrongPw.text, /value="not-it"/, 'the password is never sent back');

  const ok = await postFiles(c, '/member/certificate', { password: mine.password }, { signCert: { name: 'signCert.der', data: mine.signCert }, signPri: { name: 'signPri.key', data: mine.signPri } });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  const shown = await c.page(ok.location!);
  assert.match(shown.text, /인증서를 등록했습니다/);
  assert.match(shown.text, new RegExp(`id="cert-subject">[^<]*TEST Invoicer ${m.bizno}`));
  assert.match(shown.text, new RegExp(`id="cert-vid">사업자등록번호 ${m.bizno}와 일치`));
  assert.match(shown.text, /id="cert-status">유효/);
  assert.doesNotMatch(shown.text, /id="cert-warning"/);

  const now = sys.ctx.clock.now().getTime();
  const expiring = makeTestNpkiIdentity(m.bizno, { notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 10 * 86_400_000) });
  const pfx = await postFiles(c, '/member/certificate', { password: expiring.password }, { pfx: { name: 'cert.pfx', data: expiring.pfx } });
  assert.equal(pfx.status, 303, pfx.text.slice(0, 300));
  const warned = await c.page('/member/certificate');
  assert.match(warned.text, /id="cert-warning">인증서가 \d+일 후/);
  assert.match(warned.text, /id="cert-status">만료 임박/);
  assert.match(warned.text, /PKCS#12/);
  assert.match((await c.page('/member/certificate?lang=en')).text, /expires within 30 days/);
});
