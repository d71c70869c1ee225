/**
 * The notice receiver (POST /bank/notices): verify the bank's HMAC signature, parse the notice and apply it in ONE
 * transaction (the notice row, the payments, the credit, the bills' states, the partner's suspension), then answer
 * 200 — so a notice is acknowledged only once applied, and the bank retries anything else. A notice already
 * applied answers 200 again and changes nothing (bank_notices.transaction_id is unique).
 */
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { applyDebitResult } from './apply-debit-result.ts';
import { applyDeposit } from './apply-deposit.ts';
import { applyDepositCancel } from './apply-deposit-cancel.ts';
import { parseBankNotice, type BankNotice } from './bank-notice.ts';
import { verifyNoticeSignature } from './bank-notice-signature.ts';

export type NoticeAnswer = { status: 200; applied: boolean; outcome: string } | { status: 400; field: string; error: string } | { status: 401; error: string };

export async function receiveBankNotice(ctx: Ctx, secret: string, body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<NoticeAnswer> {
  if (!verifyNoticeSignature(secret, body, timestamp, signature)) {
    ctx.log.warn({}, 'bank notice refused: bad or missing signature');
    return { status: 401, error: 'signature does not verify' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: 400, field: 'body', error: 'body is not JSON' };
  }
  const parsed = parseBankNotice(raw);
  if (!parsed.ok) {
    // money the bank says moved and we cannot apply: an operator must see it
    ctx.log.warn({ field: parsed.field, error: parsed.error }, 'bank notice refused: malformed');
    return { status: 400, field: parsed.field, error: `${parsed.field}: ${parsed.error}` };
  }
  const outcome = await applyBankNotice(ctx, parsed.notice);
  return { status: 200, applied: outcome.applied, outcome: outcome.reason };
}

/** Apply one parsed notice in its own transaction (also the tests' and tools' entry, without HTTP). */
export async function applyBankNotice(ctx: Ctx, notice: BankNotice): Promise<{ applied: boolean; reason: string }> {
  return inTransaction(ctx.db, async (tx) => {
    switch (notice.type) {
      case 'deposit': {
        const o = await applyDeposit(ctx, tx, notice);
        return { applied: o.applied, reason: 'reason' in o ? o.reason : 'paid' };
      }
      case 'deposit_cancel': {
        const o = await applyDepositCancel(ctx, tx, notice);
        return { applied: o.applied, reason: o.reason };
      }
      case 'debit_result': {
        const o = await applyDebitResult(ctx, tx, notice);
        return { applied: o.applied, reason: o.reason };
      }
    }
  });
}
