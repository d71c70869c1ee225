/** The view of a sender-number registration, as every face shows it (the proof document's bytes are not in it). */
import type { Db } from '../../platform/db/transaction.ts';
import type { SenderNumberKind, SenderNumberState } from './tables.ts';

export interface SenderNumber {
  id: number;
  partnerId: number;
  number: string;
  kind: SenderNumberKind;
  memo: string;
  state: SenderNumberState;
  proof: { fileName: string; contentType: string; sizeBytes: number };
  reviewComment: string;
  reviewedAt: Date | null;
  createdAt: Date;
}

/** Rows of sender_numbers with every column a view needs (not the proof's bytes, only their length). */
export function senderNumberRows(db: Db) {
  return db
    .selectFrom('sender_numbers')
    .select((eb) => [
      'id',
      'partner_id',
      'number',
      'kind',
      'memo',
      'state',
      'proof_file_name',
      'proof_content_type',
      eb.fn<number>('octet_length', ['proof_content']).as('proof_size'),
      'review_comment',
      'reviewed_at',
      'created_at',
    ])
    .where('deleted_at', 'is', null);
}

type Row = Awaited<ReturnType<ReturnType<typeof senderNumberRows>['executeTakeFirstOrThrow']>>;

export function senderNumberOf(r: Row): SenderNumber {
  return {
    id: r.id,
    partnerId: r.partner_id,
    number: r.number,
    kind: r.kind,
    memo: r.memo,
    state: r.state,
    proof: { fileName: r.proof_file_name, contentType: r.proof_content_type, sizeBytes: Number(r.proof_size) },
    reviewComment: r.review_comment,
    reviewedAt: r.reviewed_at,
    createdAt: r.created_at,
  };
}
