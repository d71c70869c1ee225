import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sampleAmendedInvoice, sampleTaxInvoice } from '../sample-documents.ts';
import { escapeHtml, html, raw, safeUrl } from './html.ts';
import { renderInvoiceHtml, type InvoiceActions } from './invoice-html.ts';
import { issuedMeta, richTaxInvoice, taxInvoiceWithStatement } from './render-fixtures.ts';

const actions: InvoiceActions = {
  approveUrl: '/view/9f8e7d/approve',
  rejectUrl: '/view/9f8e7d/reject',
  pdfUrl: '/view/9f8e7d/document.pdf',
  xmlUrl: '/view/9f8e7d/document.xml',
  csrfToken: 'c"s<r>f',
};

/** The text content of the page (tags removed, entities kept). */
const textOf = (page: string) => page.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ');

describe('html helpers', () => {
  it('escapes the five special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(html`<p>${'<b>'}${raw('<i>')}${['<', 1]}</p>`.html, '<p>&lt;b&gt;<i>&lt;1</p>');
  });

  it('keeps only http(s), mailto and relative URLs', () => {
    assert.equal(safeUrl('https://a.example/x?y=1'), 'https://a.example/x?y=1');
    assert.equal(safeUrl('/view/abc?x=1:2'), '/view/abc?x=1:2');
    assert.equal(safeUrl('mailto:a@b.example'), 'mailto:a@b.example');
    assert.equal(safeUrl('javascript:alert(1)'), '#');
    assert.equal(safeUrl(' jav\tascript:alert(1)'), '#');
    assert.equal(safeUrl('data:text/html,<x>'), '#');
  });
});

describe('renderInvoiceHtml', () => {
  it('is a complete, self-contained Korean page drawing the form', () => {
    const page = renderInvoiceHtml(richTaxInvoice(), { ...issuedMeta(), actions });
    assert.match(page, /^<!doctype html>\n<html lang="ko">/);
    assert.match(page, /<meta charset="utf-8">/);
    assert.match(page, /<\/html>\s*$/);
    assert.ok(!/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i.test(page), 'no script and no external resource');
    assert.ok(!/https?:\/\//.test(page), 'no absolute URL (the given action URLs are relative)');
    const text = textOf(page);
    for (const word of ['전자세금계산서', '(공급받는자 보관용)', '승인번호', '20261123-42000238-00000017', '공급자', '공급받는자', '등록번호', '종사업장 번호', '상호(법인명)', '성명', '사업장 주소', '업태', '종목', '이메일', '작성일자', '공급가액', '세액', '수정사유', '비고', '품목', '규격', '수량', '단가', '합계금액', '현금', '수표', '어음', '외상미수금', '이 금액을', '영수', '(주)똠방각하 뷁햏상사', '138-86-02200', '204-86-31263', '노트북', '3,700,000', '4,972,000', '2026-11-23 14:12:30 KST', 'HB-20261123-0017', '미열람']) {
      assert.ok(text.includes(word), `page shows ${word}`);
    }
    assert.match(page, /class="sup side"/, 'red supplier half');
    assert.match(page, /class="buy side"/, 'blue buyer half');
    assert.match(page, /--sup:#c8383b/);
    assert.match(page, /--buy:#2f5db4/);
  });

  it('escapes every interpolated value', () => {
    const doc = taxInvoiceWithStatement();
    doc.supplier.name = '<script>alert("s")</script>';
    doc.buyer.name = `"><img src=x onerror=alert(1)>`;
    doc.remarks = ['<b>bold</b> & co'];
    const first = doc.lines[0];
    assert.ok(first);
    first.name = '</td><script>x</script>';
    const stmtLine = doc.statement?.lines[0];
    assert.ok(stmtLine);
    stmtLine.remark = '<iframe>';
    if (doc.statement) doc.statement.memo = "</textarea><script>'m'</script>";
    const page = renderInvoiceHtml(doc, { ...issuedMeta(), dockey: '<dk>', states: { proc: '<em>x</em>' }, readOnlyReason: '<u>done</u>', actions });
    assert.ok(!/<script/i.test(page), 'no script element');
    assert.ok(!/<img/i.test(page), 'no img element');
    assert.ok(!/<iframe/i.test(page), 'no iframe element');
    assert.ok(!/<em>|<u>|<b>|<dk>/.test(page), 'no injected tags');
    assert.ok(page.includes('&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;'));
    assert.ok(page.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(page.includes('&lt;b&gt;bold&lt;/b&gt; &amp; co'));
    assert.ok(page.includes('&lt;/textarea&gt;&lt;script&gt;&#39;m&#39;&lt;/script&gt;'));
    assert.ok(page.includes('&lt;u&gt;done&lt;/u&gt;'));
    // In the <title> too.
    assert.match(page, /<title>[^<]*&lt;script&gt;/);
  });

  it('offers downloads and approve / reject forms with actions', () => {
    const page = renderInvoiceHtml(richTaxInvoice(), { ...issuedMeta(), actions });
    assert.ok(page.includes('href="/view/9f8e7d/document.pdf"'), 'PDF link');
    assert.ok(page.includes('href="/view/9f8e7d/document.xml"'), 'XML link');
    assert.ok(page.includes('PDF 내려받기') && page.includes('표준 XML 내려받기'));
    assert.match(page, /<form method="post" action="\/view\/9f8e7d\/approve">/);
    assert.match(page, /<form method="post" action="\/view\/9f8e7d\/reject">/);
    assert.equal(page.match(/<input type="hidden" name="_csrf" value="c&quot;s&lt;r&gt;f">/g)?.length, 2, 'escaped CSRF token in both forms');
    // The reason textarea has a label pointing at it.
    const id = /<textarea id="([^"]+)" name="reason"[^>]*required/.exec(page)?.[1];
    assert.ok(id, 'reason textarea');
    assert.ok(page.includes(`<label for="${id}">거부 사유</label>`), 'labelled textarea');
    assert.match(page, /<button type="submit" class="btn primary">승인<\/button>/);
    assert.match(page, /<button type="submit" class="btn danger">거부<\/button>/);
  });

  it('neutralises javascript: action URLs', () => {
    const page = renderInvoiceHtml(richTaxInvoice(), { ...issuedMeta(), actions: { ...actions, pdfUrl: 'javascript:alert(1)', approveUrl: 'JavaScript:evil()' } });
    assert.ok(!/javascript:/i.test(page));
  });

  it('is view-only without actions', () => {
    const page = renderInvoiceHtml(richTaxInvoice(), issuedMeta());
    assert.ok(!page.includes('<form'), 'no forms');
    assert.ok(!page.includes('<textarea'), 'no textarea');
    assert.ok(!page.includes('내려받기'), 'no download links');
    assert.ok(!page.includes('_csrf'));
  });

  it('shows the read-only reason instead of the forms, keeping the downloads', () => {
    const page = renderInvoiceHtml(richTaxInvoice(), { ...issuedMeta(), actions, readOnlyReason: '이미 승인한 문서입니다.' });
    assert.ok(page.includes('이미 승인한 문서입니다.'));
    assert.ok(!page.includes('<form'), 'no forms');
    assert.ok(page.includes('href="/view/9f8e7d/document.pdf"'));
  });

  it('shows the attached 거래명세서 below the form, only when present', () => {
    const withStatement = renderInvoiceHtml(taxInvoiceWithStatement(), { ...issuedMeta(), actions });
    const text = textOf(withStatement);
    for (const word of ['거래명세서', '거래일자', '단위', '전잔금', '입금', '미수금', '잔액', '메모', '12월 10일까지 입금 부탁드립니다.', '일금 사백구십칠만이천원정']) {
      assert.ok(text.includes(word), `statement shows ${word}`);
    }
    assert.ok(withStatement.indexOf('id="stmt-title"') > withStatement.indexOf('id="inv-title"'), 'statement after the invoice');
    const without = renderInvoiceHtml(richTaxInvoice(), issuedMeta());
    assert.ok(!without.includes('stmt-title'));
    assert.ok(!without.includes('전잔금'));
  });

  it('renders 수정계산서 without 세액, with 수정사유 and 당초 승인번호', () => {
    const page = renderInvoiceHtml(sampleAmendedInvoice(), issuedMeta());
    const text = textOf(page);
    assert.ok(text.includes('수정전자계산서'));
    assert.ok(text.includes('06 착오에 의한 이중발급 등'));
    assert.ok(text.includes('20160718-42000238-00000002'));
    assert.ok(!text.includes('세액'));
  });

  it('marks drafts', () => {
    const meta = issuedMeta();
    delete meta.issueId;
    const page = renderInvoiceHtml(sampleTaxInvoice(), meta);
    assert.ok(page.includes('발행 전 문서입니다'));
    assert.ok(textOf(page).includes('미발행'));
  });

  it('speaks English with lang en', () => {
    const page = renderInvoiceHtml(taxInvoiceWithStatement(), { ...issuedMeta('en'), actions });
    assert.match(page, /<html lang="en">/);
    const text = textOf(page);
    for (const word of ['Electronic Tax Invoice', 'Supplier', 'Recipient', 'Approval No.', 'Supply amount', 'Total amount', 'This amount is', 'received', 'Download PDF', 'Approve', 'Reject', 'Reason for rejection', 'Transaction Statement', 'Previous balance']) {
      assert.ok(text.includes(word), `English page shows ${word}`);
    }
    assert.ok(!text.includes('공급받는자'), 'no Korean labels');
  });
});
