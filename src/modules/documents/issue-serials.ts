/**
 * Assign the next 24-digit approval number inside the issuing transaction. The (issuer, date) serial row is
 * locked by the UPDATE until commit, so numbers are unique and gap-free: a rolled-back issue gives its
 * serial back.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { toSqlDate } from '../../platform/clock.ts';
import { formatIssueId, MAX_ISSUE_SERIAL } from './issue-id.ts';

export async function assignIssueId(tx: Tx, issuerCode: string, writeDate: string): Promise<string> {
  const row = await sql<{ last_serial: number }>`
    INSERT INTO issue_serials (issuer_code, write_date, last_serial) VALUES (${issuerCode}, ${toSqlDate(writeDate)}, 1)
    ON CONFLICT (issuer_code, write_date) DO UPDATE SET last_serial = issue_serials.last_serial + 1
    RETURNING last_serial`.execute(tx);
  const serial = row.rows[0]!.last_serial;
  if (serial > MAX_ISSUE_SERIAL) {
    throw new AppError('document_state_conflict', '이 작성일자의 승인번호가 모두 사용되었습니다 (approval numbers exhausted for this date)', { field: 'writeDate' });
  }
  return formatIssueId({ writeDate, registrationId: issuerCode, serial });
}
