/**
 * Assign the next 24-digit approval number inside the issuing transaction. The (issuer, date) serial row is
 * locked by the UPDATE until commit, so numbers are unique and gap-free: a rolled-back issue gives its serial
 * back, and so does an insert that wrote nothing (releaseIssueIds). `assignIssueIds` reserves a batch's numbers in
 * one statement (its dates' rows locked in date order, so concurrent batches cannot deadlock on them).
 */
import { sql, type RawBuilder } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { toSqlDate } from '../../platform/clock.ts';
import { formatIssueId, MAX_ISSUE_SERIAL } from './issue-id.ts';

/** A write date whose 99,999,999 approval numbers are all taken. */
export function issueIdsExhausted(): AppError {
  return new AppError('document_state_conflict', '이 작성일자의 승인번호가 모두 사용되었습니다 (approval numbers exhausted for this date)', { field: 'writeDate' });
}

/**
 * The next approval number of (issuer, date), as the INSERT … RETURNING of the statement that writes the document
 * (issue-document.ts: the document's INSERT or UPDATE takes it in the same statement, so the serial row that every
 * concurrent issue queues on is locked for one round trip less). Its one row's `issue_id` is the 24-digit approval
 * number, NULL when the date's numbers are exhausted (the caller throws issueIdsExhausted and rolls back).
 */
export function nextIssueIdInsert(issuerCode: string, writeDate: string): RawBuilder<{ issue_id: string | null }> {
  const prefix = formatIssueId({ writeDate, registrationId: issuerCode, serial: 0 }).slice(0, 16); // validates both
  return sql<{ issue_id: string | null }>`
    INSERT INTO issue_serials (issuer_code, write_date, last_serial) VALUES (${issuerCode}, ${toSqlDate(writeDate)}, 1)
    ON CONFLICT (issuer_code, write_date) DO UPDATE SET last_serial = issue_serials.last_serial + 1
    RETURNING CASE WHEN last_serial <= ${sql.lit(MAX_ISSUE_SERIAL)} THEN ${prefix} || lpad(last_serial::text, 8, '0') END AS issue_id`;
}

/**
 * Give back the last numbers nextIssueIdInsert / assignIssueIds reserved in this transaction when no document was
 * written with them (an insert that lost its subkey to a concurrent writer; a batch moves its kept numbers into the
 * holes first, issue-id.ts closeIssueIdGaps): `released` per write date (YYYYMMDD), how many. The serial rows are
 * locked by this transaction since the reservation, so their last serials are still this transaction's.
 */
export async function releaseIssueIds(tx: Tx, issuerCode: string, released: ReadonlyMap<string, number>): Promise<void> {
  if (released.size === 0) return;
  const input = JSON.stringify([...released].sort(([a], [b]) => a.localeCompare(b)).map(([d, n]) => ({ d: toSqlDate(d), n })));
  const done = await sql`
    UPDATE issue_serials s SET last_serial = s.last_serial - r.n
      FROM jsonb_to_recordset(${input}::jsonb) AS r(d date, n integer)
     WHERE s.issuer_code = ${issuerCode} AND s.write_date = r.d`.execute(tx);
  if (Number(done.numAffectedRows ?? 0) !== released.size) throw new Error(`issue serials: ${released.size} rows to release, ${done.numAffectedRows} found`);
}

/**
 * The approval numbers of a batch, in the order of `writeDates` (YYYYMMDD), reserved in one statement: each
 * date's serial row moves on by the batch's count of that date. Call it only for documents already written in
 * this transaction (no number is consumed by one that is not). Exhausted: issueIdsExhausted, for
 * the whole batch (the transaction rolls back and gives every number back).
 */
export async function assignIssueIds(tx: Tx, issuerCode: string, writeDates: readonly string[]): Promise<string[]> {
  if (writeDates.length === 0) return [];
  const counts = new Map<string, number>();
  for (const d of writeDates) counts.set(d, (counts.get(d) ?? 0) + 1);
  const input = JSON.stringify([...counts.keys()].sort().map((d) => ({ d: toSqlDate(d), n: counts.get(d)! })));
  const rows = await sql<{ d: string; last_serial: number }>`
    INSERT INTO issue_serials (issuer_code, write_date, last_serial)
    SELECT ${issuerCode}, r.d, r.n FROM jsonb_to_recordset(${input}::jsonb) AS r(d date, n integer) ORDER BY r.d
    ON CONFLICT (issuer_code, write_date) DO UPDATE SET last_serial = issue_serials.last_serial + EXCLUDED.last_serial
    RETURNING to_char(write_date, 'YYYYMMDD') AS d, last_serial`.execute(tx);
  const next = new Map<string, number>();
  for (const r of rows.rows) {
    const last = Number(r.last_serial);
    if (last > MAX_ISSUE_SERIAL) throw issueIdsExhausted();
    next.set(r.d, last - counts.get(r.d)! + 1);
  }
  return writeDates.map((writeDate) => {
    const serial = next.get(writeDate);
    if (serial === undefined) throw new Error(`issue serials: no row returned for ${writeDate}`);
    next.set(writeDate, serial + 1);
    return formatIssueId({ writeDate, registrationId: issuerCode, serial });
  });
}
