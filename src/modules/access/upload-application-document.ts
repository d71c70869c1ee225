/** 심사 서류 제출: PDF, PNG or JPEG up to 5 MB, at most 10; an upload answering a request puts the application back to pending. */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit, type Actor } from './audit-log.ts';
import { DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, type ApiApplication } from './application-view.ts';
import { getApplicationStatus } from './get-application-status.ts';

export interface UploadApplicationDocumentOptions {
  fileName: string;
  contentType: string;
  content: Buffer;
}

export async function uploadApplicationDocument(ctx: Ctx, who: Actor & { id: number }, file: UploadApplicationDocumentOptions): Promise<ApiApplication> {
  const ext = DOCUMENT_TYPES[file.contentType.toLowerCase()];
  if (!ext) throw new AppError('field_invalid', 'PDF, PNG, JPEG 파일만 올릴 수 있습니다 (PDF, PNG or JPEG only)', { field: 'file' });
  if (file.content.length === 0) throw new AppError('field_required', '파일이 비어 있습니다 (empty file)', { field: 'file' });
  if (file.content.length > MAX_DOCUMENT_BYTES) throw new AppError('field_invalid', '파일은 5MB 이하여야 합니다 (at most 5 MB)', { field: 'file' });
  const name = file.fileName.replace(/[\\/\x00-\x1f]/g, '_').slice(-100) || `document.${ext}`;
  await inTransaction(ctx.db, async (tx) => {
    const app = await tx
      .selectFrom('api_applications')
      .select(['id', 'state'])
      .where('user_id', '=', who.id)
      .where('state', 'in', ['pending', 'documents_requested'])
      .forUpdate()
      .executeTakeFirst();
    if (!app) throw new AppError('application_not_under_review', '서류를 올릴 수 있는 심사 중 신청이 없습니다 (no application under review)', { field: 'file' });
    const n = await tx.selectFrom('api_application_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('application_id', '=', app.id).executeTakeFirstOrThrow();
    if (Number(n.n) >= MAX_DOCUMENTS) throw new AppError('field_invalid', `서류는 ${MAX_DOCUMENTS}개까지 올릴 수 있습니다 (at most ${MAX_DOCUMENTS} documents)`, { field: 'file' });
    await tx
      .insertInto('api_application_documents')
      .values({ application_id: app.id, file_name: name, content_type: file.contentType.toLowerCase(), size_bytes: file.content.length, content: file.content })
      .execute();
    if (app.state === 'documents_requested') await tx.updateTable('api_applications').set({ state: 'pending', updated_at: ctx.clock.now() }).where('id', '=', app.id).execute();
    await audit(tx, who, { action: 'application.document_uploaded', targetKind: 'application', targetId: app.id, details: { fileName: name, sizeBytes: file.content.length } });
  });
  return (await getApplicationStatus(ctx, who.id)).current!;
}
