/**
 * The recipient's side ("문서보기"): the link in the mail carries a token derived from the dockey. The
 * first open marks the document read (read_state Y with its time); approve / reject (with a reason) set
 * proc_state A / R once.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { viewToken, viewTokenMatches } from './document-keys.ts';
import type { DocumentRow } from './document-views.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { notifySupplierOfResponse } from './notify-supplier.ts';
import { readOptionalReason } from './read-reason.ts';
import { EVENT_COLUMNS, eventRows } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

const linkNotFound = () => new AppError('document_not_found', '문서를 찾을 수 없습니다. 링크를 확인하세요 (no such document; check the link)', { field: 'token' });

export function viewUrl(ctx: Ctx, dockey: string): string {
  return `${ctx.config.publicUrl}/view/${dockey}?t=${viewToken(ctx.masterKey, dockey)}`;
}

/** The document behind a view link; never a draft (drafts have no recipient yet). */
export async function findByViewLink(ctx: Ctx, dockey: string, token: string): Promise<DocumentRow> {
  if (!/^[A-Z0-9]{10,40}$/.test(dockey) || !token || !viewTokenMatches(ctx.masterKey, dockey, token)) throw linkNotFound();
  const row = await ctx.db.selectFrom('documents').selectAll().where('dockey', '=', dockey).executeTakeFirst();
  if (!row || row.proc_state === 'T') throw linkNotFound();
  return row;
}

export async function openDocumentView(ctx: Ctx, dockey: string, token: string): Promise<DocumentRow> {
  const row = await findByViewLink(ctx, dockey, token);
  if (row.read_state === 'Y') return row;
  const now = ctx.clock.now();
  // only the first open changes the row (read_state N → Y) and records `document.read`, both in one statement (the
  // event's summary fields are not changed by reading: `row` has them); a concurrent second open changes nothing
  const updated = await ctx.db
    .with('changed', (db) =>
      db
        .updateTable('documents')
        .set({ read_state: 'Y', read_at: sql`coalesce(read_at, ${now})`, updated_at: now })
        .where('id', '=', row.id)
        .where('read_state', '=', 'N')
        .returningAll(),
    )
    .with('event', (db) =>
      db
        .insertInto('events')
        .columns(EVENT_COLUMNS)
        .expression(eventRows([documentEvent('document.read', row, now, { readAt: now.toISOString() })], sql`EXISTS (SELECT 1 FROM changed)`))
        .returning('id'),
    )
    .selectFrom('changed')
    .selectAll()
    .executeTakeFirst();
  if (!updated) return ctx.db.selectFrom('documents').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  ctx.log.info({ dockey }, 'document opened by recipient');
  return updated;
}

export async function respondToDocument(ctx: Ctx, dockey: string, token: string, decision: 'approve' | 'reject', reason?: string): Promise<DocumentRow> {
  return respondToFoundDocument(ctx, await findByViewLink(ctx, dockey, token), decision, reason, 'view');
}

/**
 * The buyer's answer to a document it may answer (found by the view link, or in its purchase ledger:
 * respond-as-buyer.ts): proc_state S → A / R once; the event and the supplier's mail in the same transaction.
 */
export async function respondToFoundDocument(ctx: Ctx, row: DocumentRow, decision: 'approve' | 'reject', reason: string | undefined, via: 'view' | 'member_web'): Promise<DocumentRow> {
  const dockey = row.dockey;
  const text = readOptionalReason(reason) ?? '';
  if (decision === 'reject' && text === '') throw new AppError('field_required', '반려 사유를 입력하세요 (a reason is required to reject)', { field: 'reason' });
  if (row.doc_state === 'D') throw new AppError('document_state_conflict', '폐기된 문서입니다 (the document was replaced by its issuer)', { field: 'dockey' });
  if (row.proc_state === 'C') throw new AppError('document_state_conflict', '공급자가 발행취소한 문서입니다 (the supplier cancelled the document)', { field: 'dockey' });
  const now = ctx.clock.now();
  // the change, its event and the supplier's mail commit together (notify-supplier.ts)
  const updated = await inTransaction(ctx.db, async (tx) => {
    const changed = await tx
      .updateTable('documents')
      .set({
        proc_state: decision === 'approve' ? 'A' : 'R',
        responded_at: now,
        reject_reason: decision === 'reject' ? text : null,
        read_state: 'Y',
        read_at: sql`coalesce(read_at, ${now})`,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('proc_state', '=', 'S')
      .returningAll()
      .executeTakeFirst();
    if (changed) await notifySupplierOfResponse(ctx, tx, changed, via);
    return changed;
  });
  if (!updated) {
    throw new AppError('document_state_conflict', `이미 ${row.proc_state === 'A' ? '승인' : '반려'}된 문서입니다 (already ${row.proc_state === 'A' ? 'approved' : 'rejected'})`, { field: 'dockey' });
  }
  ctx.log.info({ dockey, decision }, 'recipient responded');
  return updated;
}
