/**
 * Renderers of one document: the PDF (전자(세금)계산서 form + 거래명세서), the recipient's "문서보기" HTML
 * page and the issuance mail. All take the `DocumentInput` and a `RenderMeta` (승인번호, dockey, 발행일시,
 * state labels, view URL, language).
 */
// The PDF renderer is not re-exported: it loads pdfkit and its fonts, which start-up must not pay for;
// PDFs go through render/pdf-render-pool.ts (a worker thread), which loads it on the first PDF.
export { renderInvoiceHtml, renderInvoiceSheet, INVOICE_CSS, REJECT_REASON_MAX_LENGTH, type InvoiceActions, type InvoiceHtmlOptions } from './invoice-html.ts';
export { renderInvoiceMail, type InvoiceMail } from './invoice-mail.ts';
export { invoiceView, FORM_TEXT, type InvoiceView, type RenderMeta, type RenderStates } from './invoice-view.ts';
export * from './format.ts';
