/** API 연동 서비스 심사 목록 (operator): newest first, optionally by state, at most 200. */
import type { Ctx } from '../../platform/context.ts';
import type { ApplicationState } from './access-tables.ts';
import { applicationQuery, applicationView, documentsOf, type ApiApplication } from './application-view.ts';

export interface ListApplicationsOptions {
  state?: ApplicationState;
}

export async function listApplications(ctx: Ctx, opts: ListApplicationsOptions = {}): Promise<ApiApplication[]> {
  let q = applicationQuery(ctx).orderBy('a.id', 'desc').limit(200);
  if (opts.state) q = q.where('a.state', '=', opts.state);
  const rows = await q.execute();
  const docs = await documentsOf(ctx, rows.map((r) => r.id));
  return rows.map((r) => applicationView(r, docs.get(r.id) ?? []));
}
