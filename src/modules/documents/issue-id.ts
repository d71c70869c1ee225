/**
 * 승인번호 (NTS IssueID, NTS.md §1.4): 24 digits = 작성일자 YYYYMMDD + 8-digit 국세청 등록번호 of the issuing
 * system + 8-digit serial (unique per date and 등록번호; the database assigns it). Displayed as
 * `YYYYMMDD-RRRRRRRR-NNNNNNNN`. Pure functions only.
 */
import { isCompactDate } from './dates.ts';

export const ISSUE_ID_LENGTH = 24;
export const MAX_ISSUE_SERIAL = 99_999_999;

export interface IssueIdParts {
  /** YYYYMMDD, normally the 작성일자. */
  writeDate: string;
  /** 국세청 등록번호 of the ASP / issuing system, 8 digits. */
  registrationId: string;
  /** 0 … 99,999,999. */
  serial: number;
}

/** True for 8 digits (a 국세청 등록번호). */
export function isValidRegistrationId(value: string): boolean {
  return /^\d{8}$/.test(value);
}

/**
 * The 24-digit IssueID. Throws RangeError on a bad date, registration id or serial (programming errors:
 * the caller owns these values).
 */
export function formatIssueId(parts: IssueIdParts): string {
  if (!isCompactDate(parts.writeDate)) throw new RangeError(`issue id: bad write date ${parts.writeDate}`);
  if (!isValidRegistrationId(parts.registrationId)) throw new RangeError(`issue id: bad registration id ${parts.registrationId}`);
  if (!Number.isInteger(parts.serial) || parts.serial < 0 || parts.serial > MAX_ISSUE_SERIAL) {
    throw new RangeError(`issue id: serial out of range ${parts.serial}`);
  }
  return `${parts.writeDate}${parts.registrationId}${String(parts.serial).padStart(8, '0')}`;
}

/** Accepts the 24 digits with or without the display dashes/spaces; undefined when malformed. */
export function parseIssueId(value: string): IssueIdParts | undefined {
  const digits = normalizeIssueId(value);
  if (!/^\d{24}$/.test(digits)) return undefined;
  const writeDate = digits.slice(0, 8);
  if (!isCompactDate(writeDate)) return undefined;
  return { writeDate, registrationId: digits.slice(8, 16), serial: Number(digits.slice(16, 24)) };
}

/** Strip display separators: `20160718-42000238-00000001` → `201607184200023800000001`. */
export function normalizeIssueId(value: string): string {
  return value.replace(/[-\s]/g, '');
}

/** True when `value` is exactly 24 digits (no separators) whose first 8 are a real date. */
export function isValidIssueId(value: string): boolean {
  return /^\d{24}$/.test(value) && parseIssueId(value) !== undefined;
}

/** `YYYYMMDD-RRRRRRRR-NNNNNNNN` for screens and mails. Returns the input unchanged when it is not an IssueID. */
export function displayIssueId(value: string): string {
  const digits = normalizeIssueId(value);
  if (!/^\d{24}$/.test(digits)) return value;
  return `${digits.slice(0, 8)}-${digits.slice(8, 16)}-${digits.slice(16, 24)}`;
}

/**
 * NTS.md §1.4 / OpenETaxBill INV100: the first 8 digits are the 작성일자. Kept as a separate check so the
 * caller can make the rule configurable (the NTS text itself is not public).
 */
export function issueIdMatchesWriteDate(issueId: string, writeDate: string): boolean {
  return normalizeIssueId(issueId).slice(0, 8) === writeDate;
}

/**
 * A batch reserved the top serials of each of its dates (the serial rows locked since, issue-serials.ts) and
 * wrote documents with only the `kept` ids; the `unused` ids went to items that wrote nothing (a subkey lost to a
 * concurrent writer). To stay gap-free: `released` per write date, the count to give back, and `moves`, the kept
 * ids above the date's new top, each to take an unused id below it (lowest to lowest). Throws when the ids of a
 * date are not one top block.
 */
export function closeIssueIdGaps(kept: readonly string[], unused: readonly string[]): { moves: Map<string, string>; released: Map<string, number> } {
  const byDate = new Map<string, { kept: IssueIdParts[]; unused: IssueIdParts[] }>();
  const add = (id: string, side: 'kept' | 'unused') => {
    const parts = parseIssueId(id);
    if (!parts) throw new RangeError(`issue id: malformed ${id}`);
    const key = `${parts.writeDate}${parts.registrationId}`;
    const group = byDate.get(key) ?? { kept: [], unused: [] };
    group[side].push(parts);
    byDate.set(key, group);
  };
  for (const id of kept) add(id, 'kept');
  for (const id of unused) add(id, 'unused');
  const moves = new Map<string, string>();
  const released = new Map<string, number>();
  for (const group of byDate.values()) {
    if (group.unused.length === 0) continue;
    const all = [...group.kept, ...group.unused].map((p) => p.serial);
    const top = Math.max(...all);
    if (new Set(all).size !== all.length || Math.min(...all) !== top - all.length + 1) throw new RangeError('issue id: the ids of a date are not one block');
    const newTop = top - group.unused.length;
    const movers = group.kept.filter((p) => p.serial > newTop).sort((a, b) => a.serial - b.serial);
    const holes = group.unused.filter((p) => p.serial <= newTop).sort((a, b) => a.serial - b.serial);
    movers.forEach((p, i) => moves.set(formatIssueId(p), formatIssueId(holes[i]!)));
    released.set(group.unused[0]!.writeDate, group.unused.length);
  }
  return { moves, released };
}
