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
  const updated = await ctx.db
    .updateTable('documents')
    .set({ read_state: 'Y', read_at: sql`coalesce(read_at, ${now})`, updated_at: now })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  ctx.log.info({ dockey }, 'document opened by recipient');
  return updated;
}

export async function respondToDocument(ctx: Ctx, dockey: string, token: string, decision: 'approve' | 'reject', reason?: string): Promise<DocumentRow> {
  const row = await findByViewLink(ctx, dockey, token);
  const text = reason?.trim() ?? '';
  if (decision === 'reject' && text === '') throw new AppError('field_required', '반려 사유를 입력하세요 (a reason is required to reject)', { field: 'reason' });
  if ([...text].length > 500) throw new AppError('field_invalid', '최대 500자입니다 (at most 500 characters)', { field: 'reason' });
  if (row.doc_state === 'D') throw new AppError('document_state_conflict', '폐기된 문서입니다 (the document was replaced by its issuer)', { field: 'dockey' });
  const now = ctx.clock.now();
  const updated = await ctx.db
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
  if (!updated) {
    throw new AppError('document_state_conflict', `이미 ${row.proc_state === 'A' ? '승인' : '반려'}된 문서입니다 (already ${row.proc_state === 'A' ? 'approved' : 'rejected'})`, { field: 'dockey' });
  }
  ctx.log.info({ dockey, decision }, 'recipient responded');
  return updated;
}
