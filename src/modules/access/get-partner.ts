/** One partner (operator), or `partner_not_found` naming `id`. */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { listPartners, type Partner } from './list-partners.ts';

export const partnerNotFound = (id: number) => new AppError('partner_not_found', `파트너 ${id}이(가) 없습니다 (no such partner)`, { field: 'id' });

export async function getPartner(ctx: Ctx, id: number): Promise<Partner> {
  const p = (await listPartners(ctx, { id }))[0];
  if (!p) throw partnerNotFound(id);
  return p;
}
