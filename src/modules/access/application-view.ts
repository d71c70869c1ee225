/**
 * API 연동 서비스 applications as use cases read them: the view (with its uploaded documents), the upload limits,
 * the one-year block after a rejection, and the row an operator reviews (locked; only an open one).
 * States: pending → documents_requested ⇄ pending → approved | rejected; pending / documents_requested → cancelled.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { ApplicationState } from './access-tables.ts';

export interface ApiApplication {
  id: number;
  userId: number;
  loginId?: string;
  comName?: string;
  bizno?: string;
  state: ApplicationState;
  note: string;
  reviewNote: string;
  reviewedAt: Date | null;
  rejectedAt: Date | null;
  createdAt: Date;
  documents: { id: number; fileName: string; contentType: string; sizeBytes: number; uploadedAt: Date }[];
}

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const MAX_DOCUMENTS = 10;
export const DOCUMENT_TYPES: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };

/** The rejection date plus one calendar year (29 Feb → 28 Feb), same time of day. */
export function oneYearAfter(d: Date): Date {
  const r = new Date(d);
  r.setUTCFullYear(r.getUTCFullYear() + 1);
  if (r.getUTCDate() !== d.getUTCDate()) r.setUTCDate(0);
  return r;
}

export async function documentsOf(ctx: Ctx, appIds: number[]) {
  if (appIds.length === 0) return new Map<number, ApiApplication['documents']>();
  const rows = await ctx.db
    .selectFrom('api_application_documents')
    .select(['id', 'application_id', 'file_name', 'content_type', 'size_bytes', 'uploaded_at'])
    .where('application_id', 'in', appIds)
    .orderBy('id')
    .execute();
  const m = new Map<number, ApiApplication['documents']>();
  for (const r of rows) {
    const list = m.get(r.application_id) ?? [];
    list.push({ id: r.id, fileName: r.file_name, contentType: r.content_type, sizeBytes: r.size_bytes, uploadedAt: r.uploaded_at });
    m.set(r.application_id, list);
  }
  return m;
}

export function applicationQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('api_applications as a')
    .innerJoin('portal_users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.user_id', 'a.state', 'a.note', 'a.review_note', 'a.reviewed_at', 'a.rejected_at', 'a.created_at', 'u.login_id', 'u.com_name', 'u.bizno']);
}

type ApplicationRow = Awaited<ReturnType<ReturnType<typeof applicationQuery>['execute']>>[number];
export function applicationView(r: ApplicationRow, docs: ApiApplication['documents']): ApiApplication {
  return {
    id: r.id, userId: r.user_id, loginId: r.login_id, comName: r.com_name ?? '', bizno: r.bizno ?? '', state: r.state, note: r.note, reviewNote: r.review_note,
    reviewedAt: r.reviewed_at, rejectedAt: r.rejected_at, createdAt: r.created_at, documents: docs,
  };
}

export const applicationNotFound = (id: number) => new AppError('application_not_found', `신청 ${id}이(가) 없습니다 (no such application)`, { field: 'id' });

/** An application an operator may still decide on, locked for the decision. */
export async function openForReview(tx: Ctx['db'], id: number) {
  const a = await tx.selectFrom('api_applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!a) throw applicationNotFound(id);
  if (a.state !== 'pending' && a.state !== 'documents_requested') {
    throw new AppError('application_not_under_review', `심사 중인 신청이 아닙니다 (application is ${a.state})`, { field: 'id' });
  }
  return a;
}
