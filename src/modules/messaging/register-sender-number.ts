/**
 * 발신번호 등록 (전기통신사업법 §84-2): a partner registers a number with a proof document; it waits in `pending`
 * for the operator's review and cannot send until approved. One live (pending or approved) registration per
 * partner and number.
 */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { optionalString, type Input } from '../../platform/input.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { readSenderNumber } from './sender-number-rules.ts';
import { readProofDocument } from './proof-document.ts';
import { senderNumberOf, senderNumberRows, type SenderNumber } from './sender-number-view.ts';

/** `number` (digits only), `proof` `{ fileName, data }` (base64 PDF/JPEG/PNG ≤ 5 MB), optional `memo` (≤ 100). */
export type RegisterSenderNumberOptions = Input;

export async function registerSenderNumber(ctx: Ctx, partnerId: number, input: RegisterSenderNumberOptions): Promise<SenderNumber> {
  const { number, kind } = readSenderNumber(input['number'], 'number');
  const memo = optionalString(input, 'memo', { max: 100 }) ?? '';
  const proof = readProofDocument(input['proof'], 'proof');
  let id: number;
  try {
    const row = await ctx.db
      .insertInto('sender_numbers')
      .values({
        partner_id: partnerId,
        number,
        kind,
        memo,
        proof_file_name: proof.fileName,
        proof_content_type: proof.contentType,
        proof_content: proof.content,
        created_at: ctx.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  } catch (err) {
    if (isUniqueViolation(err, 'sender_numbers_live_uq')) {
      throw new AppError('sender_number_exists', '이미 심사 중이거나 승인된 번호입니다 (already registered: pending or approved)', { field: 'number' });
    }
    throw err;
  }
  return senderNumberOf(await senderNumberRows(ctx.db).where('id', '=', id).executeTakeFirstOrThrow());
}
