/**
 * Display formats shared by the PDF, the "문서보기" page and the mail: won amounts, dates, business and
 * resident numbers, decimal quantities, amounts in Korean words. Pure functions only.
 */
import { kstDateTime } from '../../../platform/clock.ts';
import { displayIssueId } from '../issue-id.ts';
import type { BuyerIdType, DocumentLine } from '../model.ts';

export type RenderLang = 'ko' | 'en';

/** Groups the digits of an integer string by thousands: '1234567' → '1,234,567'. */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An integer amount with thousands separators: 1234567 → '1,234,567', -220000 → '-220,000'. */
export function formatAmount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(value));
  return `${sign}${groupDigits(abs.toFixed(0))}`;
}

/** Won with unit: '1,234,567원' (ko) or 'KRW 1,234,567' (en). */
export function formatWon(value: number, lang: RenderLang = 'ko'): string {
  return lang === 'en' ? `KRW ${formatAmount(value)}` : `${formatAmount(value)}원`;
}

/**
 * A decimal string (수량 / 단가, ≤ 2 decimals) with grouped integer digits: '220000' → '220,000',
 * '-1' → '-1', '1234.5' → '1,234.5'. Anything not a plain decimal is returned unchanged; undefined → ''.
 */
export function formatDecimal(value: string | undefined): string {
  if (value === undefined) return '';
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return value;
  const sign = m[1] === '-' ? '-' : '';
  const intPart = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  return `${sign}${groupDigits(intPart)}${m[3] !== undefined ? `.${m[3]}` : ''}`;
}

/** YYYYMMDD → 'YYYY-MM-DD'; anything else is returned unchanged. */
export function formatCompactDate(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
}

/** YYYYMMDD in words: '2026년 11월 23일' (ko) or '23 Nov 2026' (en); anything else unchanged. */
export function formatCompactDateLong(value: string, lang: RenderLang = 'ko'): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) return value;
  const year = m[1] ?? '';
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (lang === 'en') {
    const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    return `${day} ${names[month - 1] ?? String(month)} ${year}`;
  }
  return `${year}년 ${month}월 ${day}일`;
}

/** An instant as KST wall-clock time 'YYYY-MM-DD HH:MM:SS'. */
export function formatKst(at: Date): string {
  return kstDateTime(at);
}

/** 사업자등록번호 '2048631263' → '204-86-31263'; anything but 10 digits is returned unchanged. */
export function formatBizno(value: string): string {
  const m = /^(\d{3})(\d{2})(\d{5})$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
}

/**
 * 주민등록번호 for print: '8001011234567' → '800101-1******' (the back six digits masked, as Hometax
 * prints them). Anything but 13 digits is returned unchanged.
 */
export function formatResidentId(value: string): string {
  const m = /^(\d{6})(\d)\d{6}$/.exec(value);
  return m ? `${m[1]}-${m[2]}******` : value;
}

/** The buyer's id as printed: business → 204-86-31263, resident → masked, foreigner → as given. */
export function formatBuyerId(idType: BuyerIdType, id: string): string {
  if (idType === 'business') return formatBizno(id);
  if (idType === 'resident') return formatResidentId(id);
  return id;
}

/** 승인번호 '201607184200023800000001' → '20160718-42000238-00000001'. */
export function formatIssueId(value: string): string {
  return displayIssueId(value);
}

const DIGIT_WORDS = ['', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];
const SMALL_UNITS = ['', '십', '백', '천'];
const BIG_UNITS = ['', '만', '억', '조', '경'];

/**
 * An integer in Korean words as written on 거래명세서 / 영수증: 242000 → '이십사만이천',
 * 1000000 → '일백만', 0 → '영', -5000 → '마이너스 오천'. The leading 일 of 십/백/천 is kept
 * (일백, 일천), as customary for money, so that nothing can be prepended.
 */
export function koreanAmountWords(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  if (value === 0) return '영';
  if (value < 0) return `마이너스 ${koreanAmountWords(-value)}`;
  const groups: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 10000)) groups.push(rest % 10000);
  let out = '';
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g] ?? 0;
    if (group === 0) continue;
    let words = '';
    const digits = String(group).padStart(4, '0');
    for (let i = 0; i < 4; i++) {
      const d = Number(digits[i]);
      if (d === 0) continue;
      words += `${DIGIT_WORDS[d]}${SMALL_UNITS[3 - i]}`;
    }
    out += `${words}${BIG_UNITS[g] ?? ''}`;
  }
  return out;
}

/** '일금 이십사만이천원정 (₩242,000)' — the statement's total as written on the paper form. */
export function formatAmountInWords(value: number, lang: RenderLang = 'ko'): string {
  if (lang === 'en') return `KRW ${formatAmount(value)}`;
  return `일금 ${koreanAmountWords(value)}원정 (₩${formatAmount(value)})`;
}

/**
 * The item summary of a document: the first named line plus the count of the others,
 * e.g. '노트북 외 2건' / 'Laptop and 2 more'. Unnamed lines count but never lead.
 */
export function itemSummary(lines: readonly Pick<DocumentLine, 'name'>[], lang: RenderLang = 'ko'): string {
  const first = lines.find((l) => (l.name ?? '').trim() !== '')?.name?.trim();
  const others = lines.length - 1;
  if (first === undefined) {
    if (lines.length === 0) return '';
    return lang === 'en' ? `${lines.length} item${lines.length === 1 ? '' : 's'}` : `품목 ${lines.length}건`;
  }
  if (others <= 0) return first;
  return lang === 'en' ? `${first} and ${others} more` : `${first} 외 ${others}건`;
}
