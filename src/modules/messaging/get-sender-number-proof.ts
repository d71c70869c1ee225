/** The proof document of a registration, for the operator's review (the bytes as uploaded, with their sniffed type). */
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';

export interface SenderNumberProof {
  fileName: string;
  contentType: string;
  content: Buffer;
}

export async function getSenderNumberProof(ctx: Ctx, id: number): Promise<SenderNumberProof> {
  const row = await ctx.db
    .selectFrom('sender_numbers')
    .select(['proof_file_name', 'proof_content_type', 'proof_content'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('sender_number_not_found', '발신번호 등록이 없습니다 (no such sender number registration)', { field: 'id' });
  return { fileName: row.proof_file_name, contentType: row.proof_content_type, content: row.proof_content };
}
