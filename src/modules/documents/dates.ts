/**
 * Compact date formats of the NTS standard: YYYYMMDD (작성일자) and YYYYMMDDhhmmss (발행일시, KST).
 */

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** Days in a month of the Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when `value` is YYYYMMDD and a real calendar date (years 1900–2999). */
export function isCompactDate(value: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1900 || year > 2999 || month < 1 || month > 12) return false;
  return day >= 1 && day <= daysInMonth(year, month);
}

/** Year, month and day of a valid YYYYMMDD string. */
export function splitCompactDate(value: string): { year: number; month: number; day: number } {
  return { year: Number(value.slice(0, 4)), month: Number(value.slice(4, 6)), day: Number(value.slice(6, 8)) };
}

/** YYYYMMDD from parts (no validation). */
export function joinCompactDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** The instant as Korean wall-clock time YYYYMMDDhhmmss (KST = UTC+9, no DST). */
export function formatKstDateTime(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid date');
  const kst = new Date(instant.getTime() + KST_OFFSET_MS);
  return kst.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The KST calendar date of the instant, YYYYMMDD. */
export function formatKstDate(instant: Date): string {
  return formatKstDateTime(instant).slice(0, 8);
}
