/** What callers see of a stored document: one REST view and one legacy row, from the same row. */
import type { Selectable } from 'kysely';
import type { DocumentsTable } from '../../platform/db/schema.ts';
import { fromSqlDate, kstDateTime } from '../../platform/clock.ts';
import type { DocumentInput } from './model.ts';

export type DocumentRow = Selectable<DocumentsTable>;

/** The columns legacyDocumentRow reads (document-views.test.ts checks the list is exactly what it reads). */
export const LEGACY_ROW_COLUMNS = [
  'dockey', 'subkey', 'kind', 'modify_code', 'write_date', 'sup_bizno', 'sup_name', 'buy_id', 'buy_name', 'supply_amt', 'tax_amt',
  'total_amt', 'item_summary', 'buy_email1', 'doc_state', 'proc_state', 'read_state', 'send_at', 'read_at', 'nts_state', 'nts_req_at',
  'nts_resp_at', 'nts_result_code', 'nts_result_msg', 'nts_issue_id', 'submit_id', 'subscription_id', 'created_at', 'updated_at',
] as const satisfies readonly (keyof DocumentRow)[];
export type LegacyRowSource = Pick<DocumentRow, (typeof LEGACY_ROW_COLUMNS)[number]>;

/**
 * The columns documentView reads without the body: what the lists select (their rows are not the stored
 * document, whose body and XML are most of a row's bytes; issue 13). Includes every LEGACY_ROW_COLUMNS column.
 */
export const VIEW_COLUMNS = [
  ...LEGACY_ROW_COLUMNS, 'type_code', 'has_statement', 'issued_at', 'mail_result', 'responded_at', 'reject_reason',
] as const satisfies readonly (keyof DocumentRow)[];
export type DocumentViewSource = Pick<DocumentRow, (typeof VIEW_COLUMNS)[number]>;

export interface DocumentView {
  dockey: string;
  subkey: string | null;
  subscriptionId: number;
  docState: string;
  procState: string;
  readState: string;
  ntsState: string;
  kind: string;
  typeCode: string;
  modifyCode: string | null;
  writeDate: string;
  supplier: { bizno: string; name: string };
  buyer: { id: string; name: string; email: string | null };
  amounts: { supply: number; tax: number; total: number };
  itemSummary: string;
  hasStatement: boolean;
  issueId: string | null;
  issuedAt: string | null;
  sentAt: string | null;
  mailResult: string;
  readAt: string | null;
  respondedAt: string | null;
  rejectReason: string | null;
  nts: { requestedAt: string | null; respondedAt: string | null; resultCode: string | null; resultMessage: string | null; submitId: string | null };
  createdAt: string;
  updatedAt: string;
  document?: DocumentInput;
}

/** The stored document of a row: the `body` column, typed as the validated DocumentInput (model.ts). */
export function documentOf(row: Pick<DocumentRow, 'body'>): DocumentInput {
  return row.body;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `withBody` needs a row read with its body (a whole row); the lists' rows (VIEW_COLUMNS) have none. */
export function documentView(row: DocumentViewSource & Partial<Pick<DocumentRow, 'body'>>, withBody = false): DocumentView {
  if (withBody && row.body === undefined) throw new Error('documentView: the row was read without its body');
  return {
    dockey: row.dockey,
    subkey: row.subkey,
    subscriptionId: row.subscription_id,
    docState: row.doc_state,
    procState: row.proc_state,
    readState: row.read_state,
    ntsState: row.nts_state,
    kind: row.kind,
    typeCode: row.type_code,
    modifyCode: row.modify_code,
    writeDate: fromSqlDate(row.write_date),
    supplier: { bizno: row.sup_bizno, name: row.sup_name },
    buyer: { id: row.buy_id, name: row.buy_name, email: row.buy_email1 },
    amounts: { supply: row.supply_amt, tax: row.tax_amt, total: row.total_amt },
    itemSummary: row.item_summary,
    hasStatement: row.has_statement,
    issueId: row.nts_issue_id,
    issuedAt: iso(row.issued_at),
    sentAt: iso(row.send_at),
    mailResult: row.mail_result,
    readAt: iso(row.read_at),
    respondedAt: iso(row.responded_at),
    rejectReason: row.reject_reason,
    nts: {
      requestedAt: iso(row.nts_req_at),
      respondedAt: iso(row.nts_resp_at),
      resultCode: row.nts_result_code,
      resultMessage: row.nts_result_msg,
      submitId: row.submit_id,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(withBody ? { document: documentOf({ body: row.body! }) } : {}),
  };
}

const kst = (d: Date | null) => (d ? kstDateTime(d) : '');

/** The MULTILIST row of LEGACY-API.md. */
export function legacyDocumentRow(row: LegacyRowSource): Record<string, string | number> {
  return {
    dockey: row.dockey,
    subkey: row.subkey ?? '',
    doc_gubun: row.kind === 'invoice' ? '2' : '1',
    modify_code: row.modify_code ?? '',
    write_date: fromSqlDate(row.write_date),
    sup_bizno: row.sup_bizno,
    sup_name: row.sup_name,
    buy_bizno: row.buy_id,
    buy_name: row.buy_name,
    supply_amt: row.supply_amt,
    tax_amt: row.tax_amt,
    total_amt: row.total_amt,
    item_summary: row.item_summary,
    buy_email1: row.buy_email1 ?? '',
    doc_state: row.doc_state,
    proc_state: row.proc_state,
    read_state: row.read_state,
    send_date: kst(row.send_at),
    read_date: kst(row.read_at),
    NTS_return_state: row.nts_state,
    nts_req_date: kst(row.nts_req_at),
    nts_resp_date: kst(row.nts_resp_at),
    nts_result: row.nts_result_code ? `${row.nts_result_code} ${row.nts_result_msg ?? ''}`.trim() : '',
    NTS_issue_id: row.nts_issue_id ?? '',
    submit_id: row.submit_id ?? '',
    sinch_no: row.subscription_id,
    write_time: kst(row.created_at),
    last_time: kst(row.updated_at),
  };
}

/** "노트북 외 2건" — the first line's name and the count of the others. */
export function itemSummary(doc: DocumentInput): string {
  const first = doc.lines.find((l) => l.name)?.name ?? '';
  const others = doc.lines.length - 1;
  return others > 0 ? `${first} 외 ${others}건` : first;
}
