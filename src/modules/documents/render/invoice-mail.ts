/**
 * The issuance mail to the buyer: subject, plain-text body and an HTML body (inline styles only, as mail
 * clients strip <style>), summarising the document, linking to the "문서보기" page and mentioning the
 * attached PDF (unless it is not attached) and standard XML. Every interpolated value in the HTML is escaped; header-unsafe characters
 * (CR, LF, other controls) are removed from the subject.
 */
import type { DocumentInput } from '../model.ts';
import { html, safeUrl, type Raw } from './html.ts';
import { invoiceView, kindWord, type InvoiceView, type RenderMeta } from './invoice-view.ts';

export interface InvoiceMail {
  subject: string;
  text: string;
  html: string;
}

/** Collapses control characters and runs of whitespace (mail headers must be one line). */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

function mailWords(v: InvoiceView, doc: DocumentInput, pdfAttached: boolean) {
  const en = v.lang === 'en';
  const kind = kindWord(doc.kind, v.lang);
  const won = (amount: string) => (en ? `KRW ${amount}` : `${amount}원`);
  return {
    won,
    greeting: en ? `Dear ${v.buyer.name},` : `${v.buyer.name} 귀하`,
    intro: en
      ? `${v.supplier.name} has issued an electronic ${v.amendment ? 'amended ' : ''}${kind} to you.`
      : `${v.supplier.name}에서 ${v.title}를 발행했습니다.`,
    viewIntro: en
      ? 'Open the document to view, print or download it, and to approve or reject it:'
      : '아래 링크에서 문서를 확인하고 인쇄·내려받기, 승인 또는 거부를 할 수 있습니다.',
    viewButton: en ? 'View document' : '문서보기',
    attachments: pdfAttached
      ? en
        ? `Attached: the ${kind} as PDF and the NTS standard XML${v.statement ? ' (the PDF includes the transaction statement)' : ''}.`
        : `첨부: ${v.title} PDF, 국세청 표준 XML${v.statement ? ' (PDF에 거래명세서 포함)' : ''}`
      : en
        ? `Attached: the NTS standard XML. The PDF${v.statement ? ' (with the transaction statement)' : ''} can be downloaded from the document page.`
        : `첨부: 국세청 표준 XML (PDF${v.statement ? '(거래명세서 포함)' : ''}는 문서보기 화면에서 내려받을 수 있습니다)`,
    footer: en
      ? 'This mail was sent by Hanbill on behalf of the supplier. Please do not reply to it.'
      : '이 메일은 공급자를 대신하여 Hanbill이 보낸 발신 전용 메일입니다.',
    purpose: en ? 'Receipt / claim' : '영수/청구',
  };
}

/** The summary rows shared by the text and HTML bodies. */
function summaryRows(v: InvoiceView, won: (a: string) => string, purposeLabel: string): [string, string][] {
  const t = v.text;
  const rows: [string, string][] = [
    [t.supplier, `${v.supplier.name} (${v.supplier.id})`],
    [t.buyer, `${v.buyer.name} (${v.buyer.id})`],
    [t.writeDate, v.writeDate],
  ];
  if (!v.draft) rows.push([t.issueId, v.issueId]);
  rows.push([t.supply, won(v.supply)]);
  if (v.hasTax) rows.push([t.tax, won(v.tax)]);
  rows.push([t.total, won(v.total)]);
  rows.push([t.items, v.itemSummary]);
  rows.push([purposeLabel, v.purpose]);
  if (v.amendment) {
    rows.push([t.amendReason, v.amendment.reason]);
    rows.push([t.originalIssueId, v.amendment.originalIssueId]);
  }
  if (v.statement) rows.push([t.attachedStatement, `${v.statement.lines.length}${v.lang === 'en' ? ' lines' : '건'}`]);
  return rows;
}

/**
 * Subject, text and HTML of the issuance mail of one document (Korean, or English with `meta.lang`);
 * `pdfAttached: false` (HANBILL_MAIL_PDF=off) says that only the XML is attached.
 */
export function renderInvoiceMail(doc: DocumentInput, meta: RenderMeta, opts: { pdfAttached?: boolean } = {}): InvoiceMail {
  const v = invoiceView(doc, meta);
  const w = mailWords(v, doc, opts.pdfAttached ?? true);
  const t = v.text;
  const subject = oneLine(`[${v.title}] ${v.supplier.name} → ${v.buyer.name} ${v.writeDate} ${t.supply} ${w.won(v.supply)}`);
  const rows = summaryRows(v, w.won, w.purpose);

  const textLines = [
    w.greeting,
    '',
    w.intro,
    '',
    ...rows.map(([k, val]) => `- ${k}: ${oneLine(val)}`),
    '',
  ];
  if (meta.viewUrl) textLines.push(w.viewIntro, meta.viewUrl, '');
  textLines.push(w.attachments, '', '--', w.footer, '');
  const text = textLines.join('\n');

  const cell = 'padding:6px 10px;border:1px solid #d5d8dd;font-size:14px;';
  const tableRows: Raw[] = rows.map(
    ([k, val]) =>
      html`<tr><th scope="row" style="${cell}background:#ebf1fb;color:#234a96;text-align:left;white-space:nowrap;font-weight:700">${k}</th><td style="${cell}">${val}</td></tr>`,
  );
  const button = meta.viewUrl
    ? html`<p style="margin:0 0 8px">${w.viewIntro}</p>
<p style="margin:0 0 20px"><a href="${safeUrl(meta.viewUrl)}" style="display:inline-block;padding:10px 18px;background:#2f5db4;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:700">${w.viewButton}</a></p>
<p style="margin:0 0 20px;font-size:12px;color:#5b5b5b;word-break:break-all">${meta.viewUrl}</p>`
    : '';
  const body = html`<!doctype html>
<html lang="${v.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f2f3f5">
<div style="max-width:640px;margin:0 auto;padding:24px 16px;font-family:'Nanum Gothic','Malgun Gothic','Apple SD Gothic Neo',sans-serif;color:#1f1f1f;line-height:1.5">
<div style="background:#ffffff;border:1px solid #d5d8dd;border-top:4px solid #2f5db4;padding:24px">
<h1 style="margin:0 0 16px;font-size:20px;color:#234a96">${v.title}</h1>
<p style="margin:0 0 8px">${w.greeting}</p>
<p style="margin:0 0 16px">${w.intro}</p>
<table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 20px">${tableRows}</table>
${button}
<p style="margin:0;font-size:13px;color:#5b5b5b">${w.attachments}</p>
</div>
<p style="margin:12px 0 0;font-size:12px;color:#5b5b5b">${w.footer}</p>
</div>
</body>
</html>
`;
  return { subject, text, html: body.html };
}

