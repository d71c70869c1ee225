import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sampleAmendedTaxInvoice, sampleInvoice, sampleTaxInvoice } from '../sample-documents.ts';
import { renderInvoiceMail } from './invoice-mail.ts';
import { issuedMeta, richTaxInvoice, taxInvoiceWithStatement } from './render-fixtures.ts';

describe('renderInvoiceMail', () => {
  it('has the Korean subject: [title] supplier → buyer date supply amount', () => {
    const mail = renderInvoiceMail(sampleTaxInvoice(), issuedMeta());
    assert.equal(mail.subject, '[전자세금계산서] (주)한빌소프트 → (주)한빌서비스 2016-07-18 공급가액 220,000원');
    const amended = renderInvoiceMail(sampleAmendedTaxInvoice(), issuedMeta());
    assert.equal(amended.subject, '[수정전자세금계산서] (주)한빌소프트 → (주)한빌서비스 2016-07-20 공급가액 -220,000원');
    assert.ok(renderInvoiceMail(sampleInvoice(), issuedMeta()).subject.startsWith('[전자계산서] '));
  });

  it('summarises the document in the text body', () => {
    const doc = richTaxInvoice(3);
    const mail = renderInvoiceMail(doc, issuedMeta());
    for (const line of [
      '(주)한빌서비스 귀하',
      '(주)똠방각하 뷁햏상사에서 전자세금계산서를 발행했습니다.',
      '- 공급자: (주)똠방각하 뷁햏상사 (138-86-02200)',
      '- 공급받는자: (주)한빌서비스 (204-86-31263)',
      '- 작성일자: 2026-11-23',
      '- 승인번호: 20261123-42000238-00000017',
      '- 공급가액: 4,520,000원',
      '- 세액: 452,000원',
      '- 합계금액: 4,972,000원',
      '- 품목: 노트북 외 2건',
      '- 영수/청구: 영수',
      'https://hanbill.example/view/9f8e7d6c5b4a',
      '첨부: 전자세금계산서 PDF, 국세청 표준 XML',
    ]) {
      assert.ok(mail.text.includes(line), `text has ${line}`);
    }
    assert.equal(mail.subject, '[전자세금계산서] (주)똠방각하 뷁햏상사 → (주)한빌서비스 2026-11-23 공급가액 4,520,000원');
  });

  it('says the PDF is on the 문서보기 page when it is not attached (HANBILL_MAIL_PDF=off)', () => {
    const doc = taxInvoiceWithStatement();
    const attached = renderInvoiceMail(doc, issuedMeta());
    const xmlOnly = renderInvoiceMail(doc, issuedMeta(), { pdfAttached: false });
    assert.ok(attached.text.includes('첨부: 전자세금계산서 PDF, 국세청 표준 XML (PDF에 거래명세서 포함)'));
    for (const body of [xmlOnly.text, xmlOnly.html]) {
      assert.ok(body.includes('첨부: 국세청 표준 XML (PDF(거래명세서 포함)는 문서보기 화면에서 내려받을 수 있습니다)'), 'XML only, PDF on the view page');
      assert.ok(!body.includes('전자세금계산서 PDF,'), 'no PDF claimed as attached');
    }
    const en = renderInvoiceMail(doc, issuedMeta('en'), { pdfAttached: false }).text;
    assert.ok(en.includes('Attached: the NTS standard XML. The PDF (with the transaction statement) can be downloaded from the document page.'));
  });

  it('mentions amendment, statement and leaves out 세액 for 계산서', () => {
    const amended = renderInvoiceMail(sampleAmendedTaxInvoice(), issuedMeta()).text;
    assert.ok(amended.includes('- 수정사유: 06 착오에 의한 이중발급 등'));
    assert.ok(amended.includes('- 당초 승인번호: 20160718-42000238-00000001'));
    const withStatement = renderInvoiceMail(taxInvoiceWithStatement(), issuedMeta()).text;
    assert.ok(withStatement.includes('- 거래명세서: 3건'));
    assert.ok(withStatement.includes('(PDF에 거래명세서 포함)'));
    const invoice = renderInvoiceMail(sampleInvoice(), issuedMeta()).text;
    assert.ok(!invoice.includes('세액'));
  });

  it('has an escaped HTML body with the view link', () => {
    const doc = richTaxInvoice();
    doc.supplier.name = '<script>alert(1)</script> & Co';
    doc.buyer.name = '"홍길동" <b>';
    const mail = renderInvoiceMail(doc, { ...issuedMeta(), viewUrl: 'https://hanbill.example/view/a?b=1&c=<2>' });
    assert.match(mail.html, /^<!doctype html>\n<html lang="ko">/);
    assert.ok(!/<script|<b>/i.test(mail.html), 'no injected tags');
    assert.ok(mail.html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co'));
    assert.ok(mail.html.includes('&quot;홍길동&quot; &lt;b&gt;'));
    assert.ok(mail.html.includes('href="https://hanbill.example/view/a?b=1&amp;c=&lt;2&gt;"'), 'escaped link');
    assert.ok(mail.html.includes('문서보기'));
    assert.ok(mail.html.includes('노트북 외 2건'));
    assert.ok(mail.html.includes('4,972,000원'));
    assert.ok(mail.html.includes('국세청 표준 XML'));
  });

  it('keeps the subject on one line whatever the names hold', () => {
    const doc = sampleTaxInvoice();
    doc.supplier.name = '악성\r\nBcc: victim@example.com';
    const mail = renderInvoiceMail(doc, issuedMeta());
    assert.ok(!/[\r\n]/.test(mail.subject));
    assert.ok(mail.subject.includes('악성 Bcc: victim@example.com'));
  });

  it('omits the link without viewUrl and the 승인번호 for drafts', () => {
    const meta = issuedMeta();
    delete meta.viewUrl;
    delete meta.issueId;
    const mail = renderInvoiceMail(sampleTaxInvoice(), meta);
    assert.ok(!mail.text.includes('http'));
    assert.ok(!mail.html.includes('href='));
    assert.ok(!mail.text.includes('승인번호'));
  });

  it('has an English variant', () => {
    const mail = renderInvoiceMail(richTaxInvoice(3), issuedMeta('en'));
    assert.equal(mail.subject, '[Electronic Tax Invoice] (주)똠방각하 뷁햏상사 → (주)한빌서비스 2026-11-23 Supply amount KRW 4,520,000');
    for (const line of ['Dear (주)한빌서비스,', 'has issued an electronic tax invoice to you.', '- Supplier: (주)똠방각하 뷁햏상사 (138-86-02200)', '- Approval No.: 20261123-42000238-00000017', '- Total amount: KRW 4,972,000', '- Items: 노트북 and 2 more', 'NTS standard XML', 'https://hanbill.example/view/9f8e7d6c5b4a']) {
      assert.ok(mail.text.includes(line), `English text has ${line}`);
    }
    assert.match(mail.html, /<html lang="en">/);
    assert.ok(mail.html.includes('View document'));
  });
});
