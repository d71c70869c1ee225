/**
 * `document.aspx` (LEGACY-API.md): INSERT, UPDATE, SEND, MULTILIST, and GET / DELETE / CANCEL (ours) over the
 * document use cases. Every call carries sinch_no + svc_key; `gubun` picks the sales (S, doclstmst) or
 * purchase (B, buydoclstmst) ledger. Errors from the core are renamed to the legacy field names.
 */
import { AppError, composeMessage, invalidError, requiredError, withFieldNames } from '../../platform/errors.ts';
import { optionalInteger, optionalList } from '../../platform/input.ts';
import type { Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import { insertDocument, type WriteDocumentResult } from '../../modules/documents/insert-document.ts';
import { updateDocument } from '../../modules/documents/update-document.ts';
import { resendDocuments } from '../../modules/documents/resend-document.ts';
import { deleteDraft } from '../../modules/documents/delete-draft.ts';
import { cancelDocument } from '../../modules/documents/cancel-document.ts';
import { checkFilter, listDocumentsPage, type DocumentFilter } from '../../modules/documents/list-documents.ts';
import { findVisibleDocument } from '../../modules/documents/document-repo.ts';
import { legacyDocumentRow } from '../../modules/documents/document-views.ts';
import { kstDateTime } from '../../platform/clock.ts';
import { OK, type LegacyCall, type LegacyPage } from './legacy-commands.ts';
import type { LegacyAnswer } from './legacy-codec.ts';
import { documentInputFromLegacyForm, legacyFieldName } from './document-form.ts';
import { legacyTenant } from './subscription-form.ts';

async function tenantOf(call: LegacyCall): Promise<Tenant> {
  // the same reader as the API guard's, on the same fields: the id authorised there is the id used here
  return legacyTenant(call.ctx, call.fields, call.partner);
}

/** Core errors name document paths (supplier.bizno, subkey); legacy callers see doc__sup_bizno, doc__subkey. */
const legacyNamed = <T>(fn: () => Promise<T>): Promise<T> => withFieldNames(legacyFieldName, fn);

function readProcState(fields: Record<string, string>): boolean {
  const p = (fields['doc__proc_state'] ?? '').trim().toUpperCase();
  if (p !== '' && p !== 'S' && p !== 'T') throw invalidError('doc__proc_state', "'S'(발행·메일발송) 또는 빈 값(임시저장)입니다 (S to issue and mail, empty for a draft)");
  return p === 'S';
}

function readDocState(fields: Record<string, string>, expected: 'N' | 'U'): void {
  const s = (fields['doc__doc_state'] ?? '').trim().toUpperCase();
  if (s === '') throw new AppError('field_required', '필수 항목입니다 (required: N new, U update)', { field: 'doc__doc_state' });
  if (s !== expected) throw invalidError('doc__doc_state', `${expected === 'N' ? 'INSERT는 N' : 'UPDATE는 U'}이어야 합니다 (must be ${expected} with this cmd)`);
}

function writeAnswer(r: WriteDocumentResult, oldDockey?: string): LegacyAnswer {
  const d = r.document;
  return {
    ...OK,
    fields: {
      dockey: d.dockey,
      ...(oldDockey !== undefined ? { old_dockey: oldDockey } : {}),
      subkey: d.subkey ?? '',
      doc_state: d.doc_state,
      proc_state: d.proc_state,
      read_state: d.read_state,
      nts_issue_id: d.nts_issue_id ?? '',
      mail_result: d.mail_result,
      created: r.created ? 'Y' : 'N',
    },
  };
}

function filterOf(fields: Record<string, string>): DocumentFilter {
  const gubun = (fields['gubun'] ?? 'S').trim().toUpperCase() || 'S';
  if (gubun !== 'S' && gubun !== 'B') throw invalidError('gubun', 'S(매출) 또는 B(매입)입니다 (S sales or B purchase)');
  const dateType = (fields['date_type'] ?? '').trim().toUpperCase();
  if (dateType !== '' && !['W', 'S', 'L'].includes(dateType)) throw invalidError('date_type', 'W(작성일), S(발송일), L(최종변경일) 중 하나입니다 (W, S or L)');
  const opt = (k: string) => {
    const v = (fields[k] ?? '').trim();
    return v === '' ? undefined : v.toUpperCase();
  };
  const f: DocumentFilter = { ledger: gubun === 'S' ? 'sales' : 'purchase' };
  const dockeys = optionalList(fields, 'dockeys');
  if (dockeys) f.dockeys = dockeys;
  if (dateType) f.dateType = dateType as 'W';
  const from = opt('sdate');
  const to = opt('edate');
  if (from) f.from = from;
  if (to) f.to = to;
  if (!dockeys && (!from || !to)) {
    throw new AppError('field_required', `dockeys 또는 기간(sdate, edate)이 필요합니다 (dockeys or a date range is required)`, { field: from ? 'edate' : 'sdate' });
  }
  const subkey = (fields['subkey'] ?? '').trim();
  if (subkey) f.subkey = subkey;
  const proc = opt('proc_state');
  const read = opt('read_state');
  const nts = opt('nts_state');
  if (proc) f.procState = proc;
  if (read) f.readState = read;
  if (nts) f.ntsState = nts;
  checkFilter(f, { from: 'sdate', to: 'edate', procState: 'proc_state', readState: 'read_state', ntsState: 'nts_state', dockeys: 'dockeys' });
  return f;
}

export const documentPage: LegacyPage = {
  insert: async (call) => {
    const tenant = await tenantOf(call);
    readDocState(call.fields, 'N');
    const issue = readProcState(call.fields);
    const r = await legacyNamed(() => insertDocument(call.ctx, tenant, { input: documentInputFromLegacyForm(call.fields), issue, subkey: call.fields['doc__subkey'] }));
    return writeAnswer(r);
  },
  update: async (call) => {
    const tenant = await tenantOf(call);
    const dockey = (call.fields['dockey'] ?? '').trim();
    if (!dockey) throw requiredError('dockey');
    readDocState(call.fields, 'U');
    const issue = readProcState(call.fields);
    const r = await legacyNamed(() => updateDocument(call.ctx, tenant, dockey, { input: documentInputFromLegacyForm(call.fields), issue, subkey: call.fields['doc__subkey'] }));
    return writeAnswer(r, dockey);
  },
  send: async (call) => {
    const tenant = await tenantOf(call);
    const dockeys = [...new Set(optionalList(call.fields, 'dockeys') ?? optionalList(call.fields, 'dockey') ?? [])];
    if (dockeys.length === 0) throw requiredError('dockey');
    if (dockeys.length > 100) throw invalidError('dockeys', '한 번에 최대 100건입니다 (at most 100)');
    const results = await resendDocuments(call.ctx, tenant, dockeys);
    const failed = results.filter((r) => !r.ok).length;
    const first = results[0]!;
    return {
      ...(dockeys.length === 1 && !first.ok ? { code: first.error!.legacyCode, msg: composeMessage(first.error!) } : { ...OK, ...(failed ? { msg: `${OK.msg} (${results.length - failed}/${results.length}건 발송)` } : {}) }),
      ...(dockeys.length === 1 && first.ok ? { fields: { dockey: first.dockey, send_date: kstDateTime(first.queuedAt!) } } : {}),
      list: {
        total: results.length,
        rows: results.map((r) => ({
          dockey: r.dockey,
          code: r.ok ? OK.code : r.error!.legacyCode,
          msg: r.ok ? '발송 대기 (queued)' : composeMessage(r.error!),
          send_date: r.queuedAt ? kstDateTime(r.queuedAt) : '',
        })),
      },
    };
  },
  multilist: async (call) => {
    const tenant = await tenantOf(call);
    const filter = filterOf(call.fields);
    const page = optionalInteger(call.fields, 'page', { min: 1 }) ?? 1;
    const pageSize = optionalInteger(call.fields, 'page_size', { min: 1, max: 1000 }) ?? 100;
    const r = await listDocumentsPage(call.ctx, tenant, filter, { page, pageSize });
    return { ...OK, list: { total: r.total, page, rows: r.rows.map(legacyDocumentRow) } };
  },
  get: async (call) => {
    const tenant = await tenantOf(call);
    const dockey = (call.fields['dockey'] ?? '').trim();
    if (!dockey) throw requiredError('dockey');
    return { ...OK, fields: legacyDocumentRow(await findVisibleDocument(call.ctx.db, tenant.subscriptionId, dockey)) };
  },
  cancel: async (call) => {
    // 발행취소 (docs/documents.md): dockey, reason → the document's states and cancel_date
    const tenant = await tenantOf(call);
    const dockey = (call.fields['dockey'] ?? '').trim();
    if (!dockey) throw requiredError('dockey');
    const row = await cancelDocument(call.ctx, tenant, dockey, call.fields['reason'] ?? '');
    return { ...OK, fields: { dockey: row.dockey, proc_state: row.proc_state, nts_state: row.nts_state, nts_issue_id: row.nts_issue_id ?? '', reason: row.cancel_reason ?? '', cancel_date: row.cancelled_at ? kstDateTime(row.cancelled_at) : '' } };
  },
  delete: async (call) => {
    const tenant = await tenantOf(call);
    const dockey = (call.fields['dockey'] ?? '').trim();
    if (!dockey) throw requiredError('dockey');
    await deleteDraft(call.ctx, tenant, dockey);
    return { ...OK, fields: { dockey } };
  },
};
