/**
 * Dormancy (휴면, FACTS §0.4, §2.6): an approved template with no send for one year — since its last use, or
 * since its approval when never used — is marked dormant (`dormant_at`, a flag beside the review state, as
 * NHN's `dormant`). A dormant template keeps its state APR but approvedTemplateFor refuses it. Run
 * periodically; the clock is the context's.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';

/** The moment one calendar year before `now` (UTC; 29 February goes to 1 March). */
export function oneYearBefore(now: Date): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d;
}

export async function markDormantTemplates(ctx: Ctx): Promise<{ marked: number[] }> {
  const now = ctx.clock.now();
  const cutoff = oneYearBefore(now);
  const rows = await ctx.db
    .updateTable('kakao_templates')
    .set({ dormant_at: now, updated_at: now })
    .where('state', '=', 'APR')
    .where('dormant_at', 'is', null)
    .where(sql<boolean>`coalesce(last_used_at, approved_at) <= ${cutoff}`)
    .returning('id')
    .execute();
  return { marked: rows.map((r) => Number(r.id)).sort((a, b) => a - b) };
}
