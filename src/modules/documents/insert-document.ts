/**
 * Write a document (legacy `document.aspx cmd=INSERT`, REST `POST …/documents`): saved as a draft, or
 * issued and mailed at once (`proc_state S`). `subkey` (doc__subkey) makes retries safe: a second insert
 * with the same subkey returns the first document and creates nothing.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { invalidError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { newDockey } from './document-keys.ts';
import type { DocumentRow } from './document-views.ts';
import { addToSalesLedger, issueInTransaction } from './issue-document.ts';
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

async function findLiveBySubkey(ctx: Ctx, subscriptionId: number, subkey: string): Promise<DocumentRow | undefined> {
  return ctx.db
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
    const prior = await findLiveBySubkey(ctx, tenant.subscriptionId, subkey);
    if (prior) return { document: prior, created: false };
  }
  const doc = await prepareDocument(ctx, tenant, req.input, { issue: req.issue });
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const now = ctx.clock.now();
      const row = await tx
        .insertInto('documents')
        .values({ subscription_id: tenant.subscriptionId, dockey: newDockey(), subkey: subkey ?? null, ...documentColumns(doc), created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await addToSalesLedger(tx, tenant.subscriptionId, row.id, now);
      const document = req.issue ? await issueInTransaction(ctx, tx, row, doc) : row;
      ctx.log.info({ sinchno: tenant.subscriptionId, dockey: document.dockey, issued: req.issue }, 'document written');
      return { document, created: true };
    });
  } catch (err) {
    // two concurrent inserts with one subkey: the unique index lets one win; the other answers with it
    if (subkey && (err as { code?: string }).code === '23505') {
      const prior = await findLiveBySubkey(ctx, tenant.subscriptionId, subkey);
      if (prior) return { document: prior, created: false };
    }
    throw err;
  }
}
