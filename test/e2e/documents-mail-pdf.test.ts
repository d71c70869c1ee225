// HANBILL_MAIL_PDF: whether a document's issuance mail carries its PDF (issue 13 item 4 keeps it configurable).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { legacyInvoiceFields, onboard } from '../support/onboard.ts';

let on: TestSystem;
let off: TestSystem;
before(async () => {
  [on, off] = await Promise.all([startTestSystem(), startTestSystem({ HANBILL_MAIL_PDF: 'off' })]);
});
after(async () => {
  await Promise.all([on?.close(), off?.close()]);
});

/** Issue one document on `sys` and return its caught issuance mail. */
async function issuedMail(sys: TestSystem) {
  const sup = await onboard(sys.url);
  const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(sup, freshBizno()) });
  assert.equal(r.code, '0000', r.msg);
  const dockey = String(r['dockey']);
  await sys.worker!.drain();
  const catcher = sys.mail.catcher!;
  return catcher.waitFor((m) => m.headerLines.some((h) => h.line.includes(dockey)), 15_000);
}

describe('HANBILL_MAIL_PDF', () => {
  test('on (the default): the mail carries the PDF and the XML', async () => {
    assert.equal(on.ctx.config.mailPdf, true);
    const mail = await issuedMail(on);
    assert.deepEqual(mail.attachments.map((a) => a.contentType).sort(), ['application/pdf', 'application/xml']);
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf')!.content;
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(mail.text ?? '', /첨부: 전자세금계산서 PDF, 국세청 표준 XML/);
  });

  test('off: only the XML, and the mail says where the PDF is', async () => {
    assert.equal(off.ctx.config.mailPdf, false);
    const mail = await issuedMail(off);
    assert.deepEqual(mail.attachments.map((a) => a.contentType), ['application/xml']);
    assert.match(mail.text ?? '', /첨부: 국세청 표준 XML \(PDF는 문서보기 화면에서 내려받을 수 있습니다\)/);
    assert.match(mail.text ?? '', /\/view\//, 'the 문서보기 link is in the mail');
  });

  test('a value other than on or off stops the configuration with the variable named', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    assert.throws(() => loadConfig({ HANBILL_MAIL_PDF: 'yes', HANBILL_DATA_DIR: off.dataDir }), /HANBILL_MAIL_PDF: expected on or off/);
  });
});
