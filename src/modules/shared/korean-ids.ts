/**
 * Korean identity numbers: 사업자등록번호 (business number) and 주민등록번호 (resident number).
 * Checksums per NTS.md §3.1 (OdinSdk Validator.VerifyBSN / VerifySSN).
 */

const BIZNO_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/** Strip the usual separators (hyphens, spaces) a person types. */
export function normalizeDigits(value: string): string {
  return value.replace(/[-\s]/g, '');
}

/** True when `bizno` is 10 digits with a valid 사업자등록번호 checksum. */
export function isValidBizno(bizno: string): boolean {
  if (!/^\d{10}$/.test(bizno)) return false;
  const d = [...bizno].map(Number);
  let sum = 0;
  BIZNO_WEIGHTS.forEach((w, i) => {
    sum += d[i]! * w;
  });
  sum += Math.floor((d[8]! * 5) / 10);
  return (10 - (sum % 10)) % 10 === d[9];
}

const RRN_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;

/** Fixed number NTS uses for foreign buyers without a resident number (NTS.md §3.1). */
export const FOREIGNER_PLACEHOLDER_ID = '9999999999999';

/** True when `rrn` is 13 digits with a valid 주민등록번호 checksum. */
export function isValidResidentNo(rrn: string): boolean {
  if (!/^\d{13}$/.test(rrn)) return false;
  const d = [...rrn].map(Number);
  let sum = 0;
  RRN_WEIGHTS.forEach((w, i) => {
    sum += d[i]! * w;
  });
  return (11 - (sum % 11)) % 10 === d[12];
}
