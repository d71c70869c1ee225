/**
 * 역발행 요청함: the requests a subscription sent (as the buyer) or received (addressed to its proven business
 * number), newest first, optionally of one state; and one request with its document. Keyset paging by id
 * (`before`), so a long list pages without counting.
 */
import type { Ctx } from '../../platform/context.ts';
import { invalidError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { findReceivedRequest, findSentRequest, provenBiznoOf, reverseViews, type ReverseView } from './reverse-requests.ts';

export type ReverseBox = 'sent' | 'received';
const STATES = ['requested', 'issued', 'refused', 'withdrawn'] as const;

export interface ReverseListQuery {
  state?: string | undefined;
  limit?: number | undefined;
  /** reqkey of the last request of the previous page. */
  after?: string | undefined;
}

export interface ReverseListPage {
  items: ReverseView[];
  next: string | null;
}

export async function listReverseRequests(ctx: Ctx, tenant: Tenant, box: ReverseBox, query: ReverseListQuery = {}): Promise<ReverseListPage> {
  if (query.state !== undefined && !(STATES as readonly string[]).includes(query.state)) throw invalidError('state', 'requested, issued, refused, withdrawn 중 하나입니다 (one of requested, issued, refused, withdrawn)');
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalidError('limit', '1~200 사이의 정수입니다 (an integer from 1 to 200)');
  let q = ctx.db.selectFrom('reverse_requests').selectAll();
  if (box === 'sent') {
    q = q.where('buyer_subscription_id', '=', tenant.subscriptionId);
  } else {
    const bizno = await provenBiznoOf(ctx.db, tenant.subscriptionId);
    if (!bizno) return { items: [], next: null };
    q = q.where('sup_bizno', '=', bizno).where('buyer_subscription_id', '<>', tenant.subscriptionId);
  }
  if (query.state) q = q.where('state', '=', query.state as 'requested');
  if (query.after) {
    // a reqkey is letters and digits: anything else (a NUL byte the database cannot even compare) names the field
    if (!/^[0-9A-Za-z]{1,40}$/.test(query.after)) throw invalidError('after', '목록에 있던 요청키(reqkey)여야 합니다 (a reqkey from the previous page)');
    const cursor = await ctx.db.selectFrom('reverse_requests').select('id').where('reqkey', '=', query.after).executeTakeFirst();
    if (!cursor) throw invalidError('after', '목록에 있던 요청키(reqkey)여야 합니다 (a reqkey from the previous page)');
    q = q.where('id', '<', cursor.id);
  }
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return { items: await reverseViews(ctx.db, page), next: rows.length > limit ? page[page.length - 1]!.reqkey : null };
}

export async function getReverseRequest(ctx: Ctx, tenant: Tenant, box: ReverseBox, reqkey: string): Promise<ReverseView> {
  const row = box === 'sent' ? await findSentRequest(ctx.db, tenant, reqkey) : await findReceivedRequest(ctx.db, tenant, reqkey);
  return (await reverseViews(ctx.db, [row], true))[0]!;
}
