/** The files of an issued document: its standard XML (unsigned; signing belongs to NTS filing) and its PDF. */
import { buildStandardXml } from './standard-xml.ts';
import type { RenderMeta } from './render/index.ts';
import { renderInvoicePdfOffThread } from './render/pdf-render-pool.ts';
import { documentOf, type DocumentRow } from './document-views.ts';

export { documentOf };

export function standardXmlOf(row: DocumentRow): string {
  if (!row.nts_issue_id || !row.issued_at) throw new Error(`document ${row.dockey} is not issued`);
  return buildStandardXml(documentOf(row), { issueId: row.nts_issue_id, issueDateTime: row.issued_at });
}

export function renderMetaOf(row: DocumentRow, lang: 'ko' | 'en' = 'ko', viewUrl?: string): RenderMeta {
  return {
    dockey: row.dockey,
    lang,
    ...(row.nts_issue_id ? { issueId: row.nts_issue_id } : {}),
    ...(row.issued_at ? { issuedAt: row.issued_at } : {}),
    ...(viewUrl ? { viewUrl } : {}),
  };
}

export function pdfOf(row: DocumentRow, lang: 'ko' | 'en' = 'ko'): Promise<Buffer> {
  return renderInvoicePdfOffThread(documentOf(row), renderMetaOf(row, lang));
}

/** File names offered for download and attached to mails, e.g. 세금계산서_20261123-41000001-00000001.pdf. */
export function documentFileName(row: DocumentRow, ext: 'pdf' | 'xml'): string {
  const kind = row.kind === 'invoice' ? '계산서' : '세금계산서';
  return `${kind}_${row.nts_issue_id ?? row.dockey}.${ext}`;
}
