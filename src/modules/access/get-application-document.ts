/** A document of an application, to download: for an operator, or for the applicant itself when `userId` is given. */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import './access-tables.ts';

export interface GetApplicationDocumentOptions {
  documentId: number;
  /** Only a document of this applicant's own application (undefined: an operator, any application). */
  userId?: number;
}

export async function getApplicationDocument(ctx: Ctx, opts: GetApplicationDocumentOptions) {
  let q = ctx.db
    .selectFrom('api_application_documents as d')
    .innerJoin('api_applications as a', 'a.id', 'd.application_id')
    .select(['d.id', 'd.file_name', 'd.content_type', 'd.content'])
    .where('d.id', '=', opts.documentId);
  if (opts.userId !== undefined) q = q.where('a.user_id', '=', opts.userId);
  const d = await q.executeTakeFirst();
  if (!d) throw new AppError('application_document_not_found', `서류 ${opts.documentId}이(가) 없습니다 (no such document)`, { field: 'id' });
  return { fileName: d.file_name, contentType: d.content_type, content: d.content };
}
