/** API 연동 서비스 신청 상세 (operator). */
import type { Ctx } from '../../platform/context.ts';
import { applicationNotFound, applicationQuery, applicationView, documentsOf, type ApiApplication } from './application-view.ts';

export async function getApplication(ctx: Ctx, id: number): Promise<ApiApplication> {
  const r = await applicationQuery(ctx).where('a.id', '=', id).executeTakeFirst();
  if (!r) throw applicationNotFound(id);
  return applicationView(r, (await documentsOf(ctx, [id])).get(id) ?? []);
}
