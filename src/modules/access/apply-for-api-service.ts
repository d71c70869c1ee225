/**
 * API 연동 서비스 applications (company members only) and their review. States: pending →
 * documents_requested ⇄ pending → approved | rejected; pending / documents_requested → cancelled.
 * A rejection blocks a new application for one year from the rejection date. Approval makes the company
 * a partner (partners.ts) and shows the 연동 API 관리 menu.
 */
import { AppError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { audit, type Actor } from './audit.ts';
import type { ApplicationState } from './tables.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';

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

export interface ApplicationStatus {
  isCompany: boolean;
  current: ApiApplication | undefined;
  /** A rejection blocks new applications until this moment (rejection + 1 year). */
  blockedUntil: Date | undefined;
  canApply: boolean;
}

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const MAX_DOCUMENTS = 10;
const DOCUMENT_TYPES: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };

/** The rejection date plus one calendar year (29 Feb → 28 Feb), same time of day. */
export function oneYearAfter(d: Date): Date {
  const r = new Date(d);
  r.setUTCFullYear(r.getUTCFullYear() + 1);
  if (r.getUTCDate() !== d.getUTCDate()) r.setUTCDate(0);
  return r;
}

async function documentsOf(ctx: Ctx, appIds: number[]) {
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

function baseQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('api_applications as a')
    .innerJoin('portal_users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.user_id', 'a.state', 'a.note', 'a.review_note', 'a.reviewed_at', 'a.rejected_at', 'a.created_at', 'u.login_id', 'u.com_name', 'u.bizno']);
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];
function view(r: BaseRow, docs: ApiApplication['documents']): ApiApplication {
  return {
    id: r.id, userId: r.user_id, loginId: r.login_id, comName: r.com_name ?? '', bizno: r.bizno ?? '', state: r.state, note: r.note, reviewNote: r.review_note,
    reviewedAt: r.reviewed_at, rejectedAt: r.rejected_at, createdAt: r.created_at, documents: docs,
  };
}

export async function applicationStatus(ctx: Ctx, userId: number): Promise<ApplicationStatus> {
  const user = await ctx.db.selectFrom('portal_users').select('kind').where('id', '=', userId).executeTakeFirstOrThrow();
  const latest = await baseQuery(ctx).where('a.user_id', '=', userId).orderBy('a.id', 'desc').limit(1).executeTakeFirst();
  const lastRejection = await ctx.db
    .selectFrom('api_applications')
    .select('rejected_at')
    .where('user_id', '=', userId)
    .where('state', '=', 'rejected')
    .orderBy('rejected_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const now = ctx.clock.now();
  const until = lastRejection?.rejected_at ? oneYearAfter(lastRejection.rejected_at) : undefined;
  const blockedUntil = until && until > now ? until : undefined;
  const current = latest ? view(latest, (await documentsOf(ctx, [latest.id])).get(latest.id) ?? []) : undefined;
  const open = current && ['pending', 'documents_requested', 'approved'].includes(current.state);
  return { isCompany: user.kind === 'company', current, blockedUntil, canApply: user.kind === 'company' && !open && !blockedUntil };
}

export async function applyForApiService(ctx: Ctx, who: Actor & { id: number }, input: Input): Promise<ApiApplication> {
  const note = optionalString(input, 'note', { max: 1000, multiline: true }) ?? '';
  const status = await applicationStatus(ctx, who.id);
  if (!status.isCompany) {
    throw new AppError('forbidden', 'user: 연동 API 서비스는 기업회원만 신청할 수 있습니다. 먼저 기업회원전환을 신청하세요 (company members only: convert first)', { field: 'user' });
  }
  if (status.blockedUntil) {
    const d = status.blockedUntil;
    throw new AppError(
      'conflict',
      `application: 반려일로부터 1년간 재신청할 수 없습니다. ${d.toISOString().slice(0, 10)} 이후 신청할 수 있습니다 (re-application is blocked for one year after a rejection, until ${d.toISOString()})`,
      { field: 'application', details: { blockedUntil: d.toISOString() } },
    );
  }
  if (!status.canApply) {
    throw new AppError('conflict', `application: 이미 ${status.current?.state === 'approved' ? '승인된' : '심사 중인'} 신청이 있습니다 (an application is already ${status.current?.state})`, {
      field: 'application',
    });
  }
  let id: number;
  try {
    id = (await ctx.db.insertInto('api_applications').values({ user_id: who.id, note }).returning('id').executeTakeFirstOrThrow()).id;
  } catch (err) {
    if (isUniqueViolation(err, 'api_applications_open_uq')) throw new AppError('conflict', 'application: 이미 심사 중인 신청이 있습니다 (an application is already open)', { field: 'application' });
    throw err;
  }
  await audit(ctx, who, { action: 'application.submitted', targetKind: 'application', targetId: id });
  return (await applicationStatus(ctx, who.id)).current!;
}

/** 신청취소: a pending application (or one waiting for documents) can be cancelled by its applicant. */
export async function cancelApplication(ctx: Ctx, who: Actor & { id: number }): Promise<void> {
  const now = ctx.clock.now();
  const r = await ctx.db
    .updateTable('api_applications')
    .set({ state: 'cancelled', cancelled_at: now, updated_at: now })
    .where('user_id', '=', who.id)
    .where('state', 'in', ['pending', 'documents_requested'])
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('conflict', 'application: 취소할 수 있는 신청이 없습니다 (only a pending application can be cancelled)', { field: 'application' });
  await audit(ctx, who, { action: 'application.cancelled', targetKind: 'application', targetId: r.id });
}

/** Upload a document for the review; an upload answering a request puts the application back to pending. */
export async function uploadApplicationDocument(
  ctx: Ctx,
  who: Actor & { id: number },
  file: { fileName: string; contentType: string; content: Buffer },
): Promise<ApiApplication> {
  const ext = DOCUMENT_TYPES[file.contentType.toLowerCase()];
  if (!ext) throw new AppError('field_invalid', 'file: PDF, PNG, JPEG 파일만 올릴 수 있습니다 (PDF, PNG or JPEG only)', { field: 'file' });
  if (file.content.length === 0) throw new AppError('field_required', 'file: 파일이 비어 있습니다 (empty file)', { field: 'file' });
  if (file.content.length > MAX_DOCUMENT_BYTES) throw new AppError('field_invalid', 'file: 파일은 5MB 이하여야 합니다 (at most 5 MB)', { field: 'file' });
  const name = file.fileName.replace(/[\\/\x00-\x1f]/g, '_').slice(-100) || `document.${ext}`;
  const appId = await inTransaction(ctx.db, async (tx) => {
    const app = await tx
      .selectFrom('api_applications')
      .select(['id', 'state'])
      .where('user_id', '=', who.id)
      .where('state', 'in', ['pending', 'documents_requested'])
      .forUpdate()
      .executeTakeFirst();
    if (!app) throw new AppError('conflict', 'file: 서류를 올릴 수 있는 심사 중 신청이 없습니다 (no application under review)', { field: 'file' });
    const n = await tx.selectFrom('api_application_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('application_id', '=', app.id).executeTakeFirstOrThrow();
    if (Number(n.n) >= MAX_DOCUMENTS) throw new AppError('field_invalid', `file: 서류는 ${MAX_DOCUMENTS}개까지 올릴 수 있습니다 (at most ${MAX_DOCUMENTS} documents)`, { field: 'file' });
    await tx
      .insertInto('api_application_documents')
      .values({ application_id: app.id, file_name: name, content_type: file.contentType.toLowerCase(), size_bytes: file.content.length, content: file.content })
      .execute();
    if (app.state === 'documents_requested') await tx.updateTable('api_applications').set({ state: 'pending', updated_at: ctx.clock.now() }).where('id', '=', app.id).execute();
    await audit(tx, who, { action: 'application.document_uploaded', targetKind: 'application', targetId: app.id, details: { fileName: name, sizeBytes: file.content.length } });
    return app.id;
  });
  void appId;
  return (await applicationStatus(ctx, who.id)).current!;
}

export async function listApplications(ctx: Ctx, opts: { state?: ApplicationState } = {}): Promise<ApiApplication[]> {
  let q = baseQuery(ctx).orderBy('a.id', 'desc').limit(200);
  if (opts.state) q = q.where('a.state', '=', opts.state);
  const rows = await q.execute();
  const docs = await documentsOf(ctx, rows.map((r) => r.id));
  return rows.map((r) => view(r, docs.get(r.id) ?? []));
}

export async function getApplication(ctx: Ctx, id: number): Promise<ApiApplication> {
  const r = await baseQuery(ctx).where('a.id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('not_found', `id: 신청 ${id}이(가) 없습니다 (no such application)`, { field: 'id' });
  return view(r, (await documentsOf(ctx, [id])).get(id) ?? []);
}

/** A document of an application (operator, or the applicant itself when `userId` is given). */
export async function getApplicationDocument(ctx: Ctx, documentId: number, userId?: number) {
  let q = ctx.db
    .selectFrom('api_application_documents as d')
    .innerJoin('api_applications as a', 'a.id', 'd.application_id')
    .select(['d.id', 'd.file_name', 'd.content_type', 'd.content'])
    .where('d.id', '=', documentId);
  if (userId !== undefined) q = q.where('a.user_id', '=', userId);
  const d = await q.executeTakeFirst();
  if (!d) throw new AppError('not_found', `id: 서류 ${documentId}이(가) 없습니다 (no such document)`, { field: 'id' });
  return { fileName: d.file_name, contentType: d.content_type, content: d.content };
}

async function openForReview(tx: Ctx['db'], id: number) {
  const a = await tx.selectFrom('api_applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!a) throw new AppError('not_found', `id: 신청 ${id}이(가) 없습니다 (no such application)`, { field: 'id' });
  if (a.state !== 'pending' && a.state !== 'documents_requested') throw new AppError('conflict', `id: 심사 중인 신청이 아닙니다 (application is ${a.state})`, { field: 'id' });
  return a;
}

export async function approveApplication(ctx: Ctx, op: Actor, id: number): Promise<{ partnerId: number }> {
  return inTransaction(ctx.db, async (tx) => {
    const a = await openForReview(tx, id);
    const user = await tx.selectFrom('portal_users').select(['kind', 'withdrawn_at']).where('id', '=', a.user_id).executeTakeFirstOrThrow();
    if (user.kind !== 'company' || user.withdrawn_at) throw new AppError('conflict', 'id: 신청자가 기업회원이 아닙니다 (applicant is no longer a company member)', { field: 'id' });
    const now = ctx.clock.now();
    await tx.updateTable('api_applications').set({ state: 'approved', reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    const existing = await tx.selectFrom('partners').select('id').where('user_id', '=', a.user_id).executeTakeFirst();
    const partnerId = existing
      ? existing.id
      : (await tx.insertInto('partners').values({ user_id: a.user_id, application_id: id }).returning('id').executeTakeFirstOrThrow()).id;
    if (existing) await tx.updateTable('partners').set({ application_id: id, state: 'active', suspended_reason: '', suspended_at: null, updated_at: now }).where('id', '=', existing.id).execute();
    await audit(tx, op, { action: 'application.approved', targetKind: 'application', targetId: id, details: { userId: a.user_id, partnerId } });
    return { partnerId };
  });
}

export async function rejectApplication(ctx: Ctx, op: Actor, id: number, input: Input): Promise<void> {
  const reason = optionalString(input, 'reason', { max: 1000, multiline: true });
  if (!reason) throw requiredError('reason', '반려 사유');
  await inTransaction(ctx.db, async (tx) => {
    const a = await openForReview(tx, id);
    const now = ctx.clock.now();
    await tx.updateTable('api_applications').set({ state: 'rejected', review_note: reason, reviewed_by: op.id ?? null, reviewed_at: now, rejected_at: now, updated_at: now }).where('id', '=', id).execute();
    await audit(tx, op, { action: 'application.rejected', targetKind: 'application', targetId: id, details: { userId: a.user_id, reason } });
  });
}

export async function requestDocuments(ctx: Ctx, op: Actor, id: number, input: Input): Promise<void> {
  const message = optionalString(input, 'message', { max: 1000, multiline: true });
  if (!message) throw requiredError('message', '요청 서류');
  await inTransaction(ctx.db, async (tx) => {
    const a = await openForReview(tx, id);
    const now = ctx.clock.now();
    await tx.updateTable('api_applications').set({ state: 'documents_requested', review_note: message, reviewed_by: op.id ?? null, reviewed_at: now, updated_at: now }).where('id', '=', id).execute();
    await audit(tx, op, { action: 'application.documents_requested', targetKind: 'application', targetId: id, details: { userId: a.user_id, message } });
  });
}
