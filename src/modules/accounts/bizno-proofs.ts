/**
 * Proof that a member holds the business number it registered with. Signup only *claims* a number: anyone can
 * type another company's 사업자등록번호. What a claim unlocks that a stranger must not get — the purchase
 * ledger, i.e. every invoice other companies issue to that number (docs/documents.md "Purchase ledger") —
 * waits for a proof, recorded here by one of two routes:
 *   certificate  the member's signing certificate's VID matched the number at upload (certificates module)
 *   operator     an operator checked the company's papers (`POST /v1/operator/members/{memberNo}/bizno-verification`)
 * A proof is kept per (member, business number), so it never carries over to a different number.
 */
import type { ColumnType } from 'kysely';
import { AppError, invalidError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Db } from '../../platform/db/transaction.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { readBizno } from './member-input.ts';

export type BiznoProofMethod = 'certificate' | 'operator';

export interface BiznoProofsTable {
  member_id: number;
  bizno: string;
  method: BiznoProofMethod;
  certificate_id: number | null;
  note: ColumnType<string, string | undefined, string>;
  proven_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    bizno_proofs: BiznoProofsTable;
  }
}

export interface BiznoProofView {
  memberNo: number;
  bizno: string;
  subBizno: string;
  method: BiznoProofMethod;
  provenAt: string;
  note: string;
}

/** Record a proof (idempotent: the first proof of a number stays). Runs in the caller's transaction when given one. */
export async function recordBiznoProof(
  db: Db,
  p: { memberId: number; bizno: string; method: BiznoProofMethod; certificateId?: number; note?: string; at: Date },
): Promise<void> {
  await db
    .insertInto('bizno_proofs')
    .values({ member_id: p.memberId, bizno: p.bizno, method: p.method, certificate_id: p.certificateId ?? null, note: p.note ?? '', proven_at: p.at })
    .onConflict((oc) => oc.columns(['member_id', 'bizno']).doNothing())
    .execute();
}

/**
 * An operator confirms that member `memberNo` holds business number `bizno`. The operator names the number they
 * checked: it must be the member's current number, so a confirmation can never attach to a number nobody checked.
 */
export async function confirmBiznoByOperator(ctx: Ctx, memberNo: number, input: Input): Promise<BiznoProofView> {
  const bizno = readBizno(input, 'bizno');
  const note = optionalString(input, 'note', { max: 200 }) ?? '';
  const member = await ctx.db.selectFrom('members').select(['id', 'bizno', 'sub_bizno']).where('id', '=', memberNo).executeTakeFirst();
  if (!member) throw new AppError('member_not_found', `회원 ${memberNo}이(가) 없습니다 (no such member)`, { field: 'memberNo' });
  if (member.bizno !== bizno) {
    throw invalidError('bizno', `회원의 사업자등록번호(${member.bizno})와 다릅니다 (not the member's business number)`);
  }
  await recordBiznoProof(ctx.db, { memberId: member.id, bizno, method: 'operator', note, at: ctx.clock.now() });
  const proof = await ctx.db
    .selectFrom('bizno_proofs')
    .selectAll()
    .where('member_id', '=', member.id)
    .where('bizno', '=', bizno)
    .executeTakeFirstOrThrow();
  ctx.log.info({ memberNo: member.id, method: proof.method }, 'business number confirmed by operator');
  return { memberNo: member.id, bizno, subBizno: member.sub_bizno, method: proof.method, provenAt: proof.proven_at.toISOString(), note: proof.note };
}
