/**
 * Billing periods and dates (docs/settlement.md "Monthly billing"), all in KST (UTC+9, no daylight saving):
 *   period   'YYYY-MM', stored as the month's first day ('YYYY-MM-01', billing_runs.period / bills.period)
 *   usage    [00:00 KST of the 1st, 00:00 KST of the next month's 1st)
 *   due_at   the end (24:00 KST) of the billing date + HANBILL_BILLING_DUE_DAYS: billed on the 5th with 7 days,
 *            payable through the 12th, 미납 from 00:00 KST on the 13th
 */
import { invalidError } from '../../../platform/errors.ts';
import { kstParts } from '../../../platform/clock.ts';

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

export interface BillingPeriod {
  /** 'YYYY-MM' */
  period: string;
  /** 'YYYY-MM-01' (the SQL date) */
  periodDate: string;
  from: Date;
  to: Date;
  year: number;
  month: number;
}

export function periodOf(year: number, month: number): BillingPeriod {
  const next = month === 12 ? { y: year + 1, m: 1 } : { y: year, m: month + 1 };
  return {
    period: `${year}-${pad(month)}`,
    periodDate: `${year}-${pad(month)}-01`,
    from: new Date(`${year}-${pad(month)}-01T00:00:00+09:00`),
    to: new Date(`${next.y}-${pad(next.m)}-01T00:00:00+09:00`),
    year,
    month,
  };
}

/** A 'YYYY-MM' from a caller (400 naming `field` otherwise). */
export function readPeriod(value: unknown, field = 'period'): BillingPeriod {
  const m = typeof value === 'string' ? /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value.trim()) : null;
  if (!m || Number(m[1]) < 2000) throw invalidError(field, '청구 기간은 YYYY-MM이어야 합니다 (a month YYYY-MM)');
  return periodOf(Number(m[1]), Number(m[2]));
}

/** The period from its SQL date (a Date from the driver, or 'YYYY-MM-DD'). */
export function periodOfDate(value: Date | string): BillingPeriod {
  const text = value instanceof Date ? `${value.getFullYear()}-${pad(value.getMonth() + 1)}` : String(value).slice(0, 7);
  return readPeriod(text);
}

/** The KST month before `at`. */
export function previousPeriod(at: Date): BillingPeriod {
  const p = kstParts(at);
  return p.month === 1 ? periodOf(p.year - 1, 12) : periodOf(p.year, p.month - 1);
}

/** The 10-digit 주문번호: YYMM of the period + 6 digits of the order sequence. */
export function orderNoOf(period: BillingPeriod, seq: number): string {
  return `${String(period.year % 100).padStart(2, '0')}${pad(period.month)}${String(seq % 1_000_000).padStart(6, '0')}`;
}

/** End (24:00 KST) of the billing date + dueDays. */
export function dueAtOf(billedAt: Date, dueDays: number): Date {
  const p = kstParts(billedAt);
  const startOfDay = new Date(`${p.year}-${pad(p.month)}-${pad(p.day)}T00:00:00+09:00`);
  return new Date(startOfDay.getTime() + (dueDays + 1) * DAY_MS);
}
