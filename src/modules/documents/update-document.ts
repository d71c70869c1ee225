/**
 * Replace a document (legacy `cmd=UPDATE`, REST `PUT …/documents/{dockey}`), with the seed's semantics:
 * a draft is changed in place (same dockey, doc_state U); an issued (mailed) document is discarded
 * (doc_state D) and a new document with a new dockey takes its place. A document already filed with the
 * NTS cannot be replaced: the answer says to issue an amended invoice (수정세금계산서).
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction, type Tx } from '../../platform/db/transaction.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { newDockey } from './document-keys.ts';
import { prepareDocumentNotice } from './document-notice.ts';
import { findIssuedDocument } from './document-repo.ts';
import type { DocumentRow } from './document-views.ts';
import { insertNewDocument, issueInTransaction } from './issue-document.ts';
import { readSubkey, type WriteDocumentRequest, type WriteDocumentResult } from './insert-document.ts';
import { prepareDocument } from './prepare-document.ts';
import { documentColumns } from './store-document.ts';

export function assertReplaceable(row: DocumentRow): void {
  if (row.doc_state === 'D') {
    throw new AppError('document_state_conflict', `문서 ${row.dockey}은(는) 폐기된 문서입니다 (the document was discarded)`, { field: 'dockey' });
  }
  if (row.proc_state === 'C') {
    throw new AppError('document_state_conflict', `문서 ${row.dockey}은(는) 발행취소된 문서입니다. 새로 작성하세요 (the document was cancelled: write a new one)`, { field: 'dockey' });
  }
  if (row.nts_state !== '0') {
    throw new AppError(
      'document_state_conflict',
      `국세청에 신고된(신고 중인) 문서는 수정할 수 없습니다. 수정세금계산서를 발행하세요 (already filed with the NTS: issue an amended invoice instead, with doc__modify_code and doc__org_nts_no ${row.nts_issue_id ?? ''})`.trim(),
      { field: 'dockey' },
    );
  }
}

function assertDraft(row: DocumentRow): void {
  if (row.proc_state !== 'T') throw new AppError('document_state_conflict', `문서 ${row.dockey}은(는) 이미 발행되었습니다 (the draft was issued already)`, { field: 'draft' });
}

/**
 * A new subkey must not name another live document: refused as a conflict before the write, because a caught
 * unique violation would abort the (possibly joined) transaction on PostgreSQL and answer 500.
 */
async function assertSubkeyFree(tx: Tx, subscriptionId: number, subkey: string | null, ownId: number): Promise<void> {
  if (!subkey) return;
  const other = await tx
    .selectFrom('documents')
    .select('dockey')
    .where('subscription_id', '=', subscriptionId)
    .where('subkey', '=', subkey)
    .where('doc_state', '<>', 'D')
    .where('id', '<>', ownId)
    .executeTakeFirst();
  if (other) throw new AppError('subkey_taken', `이 subkey는 다른 문서(${other.dockey})가 사용 중입니다 (subkey is used by another document)`, { field: 'subkey' });
}

/**
 * `draftOnly`: change a draft and nothing else (the member web's write form): a document issued meanwhile — by a
 * second submit of the same form, say — is refused naming `draft`, never discarded and replaced.
 */
export async function updateDocument(ctx: Ctx, tenant: Tenant, dockey: string, req: WriteDocumentRequest, opts: { draftOnly?: boolean } = {}): Promise<WriteDocumentResult> {
  const current = await findIssuedDocument(ctx.db, tenant.subscriptionId, dockey);
  assertReplaceable(current);
  if (opts.draftOnly) assertDraft(current);
  const doc = await prepareDocument(ctx, tenant, req.input, { issue: req.issue });
  await prepareDocumentNotice(ctx, req.issue, doc);
  const subkey = readSubkey(req.subkey) ?? current.subkey;
  return inTransaction(ctx.db, async (tx) => {
    const locked = await findIssuedDocument(tx, tenant.subscriptionId, dockey, { forUpdate: true });
    assertReplaceable(locked); // filed or discarded meanwhile
    if (opts.draftOnly) assertDraft(locked); // issued meanwhile
    await assertSubkeyFree(tx, tenant.subscriptionId, subkey, locked.id);
    const now = ctx.clock.now();
    if (locked.proc_state === 'T') {
      const row = await tx
        .updateTable('documents')
        .set({ ...documentColumns(doc), subkey, doc_state: 'U', updated_at: now })
        .where('id', '=', locked.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const document = req.issue ? await issueInTransaction(ctx, tx, row, doc, { unitLimited: tenant.unitLimited }) : row;
      return { document, created: false };
    }
    const replaced = await tx
      .updateTable('documents')
      .set({ doc_state: 'D', updated_at: now })
      .where('id', '=', locked.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const document = await insertNewDocument(ctx, tx, doc, { subscription_id: tenant.subscriptionId, dockey: newDockey(), subkey, doc_state: 'U', replaces_id: locked.id, ...documentColumns(doc) }, { issue: req.issue, now, unitLimited: tenant.unitLimited });
    if (!document) throw new Error(`update: the replacement of ${locked.dockey} was not inserted`);
    ctx.log.info({ sinchno: tenant.subscriptionId, old: locked.dockey, dockey: document.dockey }, 'issued document replaced');
    return { document, created: true, replaced };
  });
}
