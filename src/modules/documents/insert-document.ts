/**
 * Write a document (legacy `document.aspx cmd=INSERT`, REST `POST …/documents`): saved as a draft, or
 * issued and mailed at once (`proc_state S`). `subkey` (doc__subkey) makes retries safe: a second insert
 * with the same subkey returns the first document and creates nothing.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction, type Db } from '../../platform/db/transaction.ts';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { newDockey } from './document-keys.ts';
import { prepareDocumentNotice } from './document-notice.ts';
import type { DocumentRow } from './document-views.ts';
import { insertNewDocument } from './issue-document.ts';
import type { DocumentInput } from './model.ts';
import { prepareDocument } from './prepare-document.ts';
import { documentColumns } from './store-document.ts';

export interface WriteDocumentRequest {
  input: unknown;
  /** Issue and mail now (proc_state S); otherwise a draft (T). */
  issue: boolean;
  subkey?: string | undefined;
}

export interface WriteDocumentResult {
  document: DocumentRow;
  /** false when an earlier insert with the same subkey answered instead. */
  created: boolean;
  /** UPDATE of an issued document: the discarded one. */
  replaced?: DocumentRow;
}

export function readSubkey(subkey: string | undefined, field = 'subkey'): string | undefined {
  if (subkey === undefined || subkey.trim() === '') return undefined;
  const s = subkey.trim();
  if ([...s].length > 50) throw invalidError(field, '최대 50자입니다 (at most 50 characters)');
  return s;
}

async function findLiveBySubkey(db: Db, subscriptionId: number, subkey: string): Promise<DocumentRow | undefined> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('subkey', '=', subkey)
    .where('doc_state', '<>', 'D')
    .executeTakeFirst();
}

export async function insertDocument(ctx: Ctx, tenant: Tenant, req: WriteDocumentRequest): Promise<WriteDocumentResult> {
  const subkey = readSubkey(req.subkey);
  if (subkey) {
    const prior = await findLiveBySubkey(ctx.db, tenant.subscriptionId, subkey);
    if (prior) return { document: prior, created: false };
  }
  const doc = await prepareDocument(ctx, tenant, req.input, { issue: req.issue });
  await prepareDocumentNotice(ctx, req.issue, doc);
  try {
    return await writeDocument(ctx, tenant, req, subkey, doc);
  } catch (err) {
    // the unit limit is checked before the row is written: when a concurrent insert with this subkey took the last
    // unit, answer with its document as the insert's conflict would have (nothing of this request was written)
    if (subkey && err instanceof AppError && err.code === 'usage_limit_exceeded') {
      const prior = await findLiveBySubkey(ctx.db, tenant.subscriptionId, subkey);
      if (prior) return { document: prior, created: false };
    }
    throw err;
  }
}

function writeDocument(ctx: Ctx, tenant: Tenant, req: WriteDocumentRequest, subkey: string | undefined, doc: DocumentInput): Promise<WriteDocumentResult> {
  return inTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    // Two concurrent inserts with one subkey: documents_subkey_uq lets one win. ON CONFLICT DO NOTHING (not a
    // caught 23505) keeps the transaction usable — it may be the caller's (Idempotency-Key joins it), and on
    // PostgreSQL a failed statement would abort it — so the loser can read the winner and answer with it.
    const row = await insertNewDocument(ctx, tx, doc, { subscription_id: tenant.subscriptionId, dockey: newDockey(), subkey: subkey ?? null, ...documentColumns(doc) }, { issue: req.issue, now, skipLiveSubkey: true, unitLimited: tenant.unitLimited });
    if (!row) {
      // READ COMMITTED: this statement sees the winner the insert waited for
      const prior = subkey ? await findLiveBySubkey(tx, tenant.subscriptionId, subkey) : undefined;
      if (prior) return { document: prior, created: false };
      throw new AppError('subkey_changed_concurrently', '같은 subkey의 문서가 동시에 변경되었습니다. 다시 시도하세요 (a document with this subkey changed concurrently; retry)', { field: 'subkey' });
    }
    ctx.log.info({ sinchno: tenant.subscriptionId, dockey: row.dockey, issued: req.issue }, 'document written');
    return { document: row, created: true };
  });
}
