/** The clock is injected so scenario tests can drive time; production uses the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements AdjustableClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A clock that can be moved forward (POST /dev/clock): ManualClock in tests, OffsetClock on the embedded default. */
export interface AdjustableClock extends Clock {
  advance(ms: number): void;
}

export function isAdjustable(clock: Clock): clock is AdjustableClock {
  return typeof (clock as Partial<AdjustableClock>).advance === 'function';
}

/**
 * The embedded default's clock: system time + an offset that only grows (POST /dev/clock moves it forward, like
 * a payment provider's test clock), so an integrator can watch a billing cycle, a due date, the 48-hour rule.
 */
export class OffsetClock implements AdjustableClock {
  constructor(private offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  get offset(): number {
    return this.offsetMs;
  }
}

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** Calendar parts of `at` in Korea Standard Time (UTC+9, no daylight saving). */
export function kstParts(at: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const k = new Date(at.getTime() + KST_OFFSET_MS);
  return {
    year: k.getUTCFullYear(),
    month: k.getUTCMonth() + 1,
    day: k.getUTCDate(),
    hour: k.getUTCHours(),
    minute: k.getUTCMinutes(),
    second: k.getUTCSeconds(),
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** YYYYMMDD of `at` in KST. */
export function kstDate(at: Date): string {
  const p = kstParts(at);
  return `${p.year}${pad(p.month)}${pad(p.day)}`;
}

/** 'YYYY-MM-DD HH:MM:SS' of `at` in KST (legacy answers). */
export function kstDateTime(at: Date): string {
  const p = kstParts(at);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** ISO 8601 of `at` in KST with its offset, 'YYYY-MM-DDTHH:MM:SS.mmm+09:00' (events, webhooks). */
export function kstIso(at: Date): string {
  const p = kstParts(at);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${pad(at.getUTCMilliseconds(), 3)}+09:00`;
}

/** True when `text` is YYYYMMDD and names a real calendar day. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(4, 6));
  const d = Number(text.slice(6, 8));
  const dt = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** 'YYYYMMDD' → 'YYYY-MM-DD' (SQL date). */
export function toSqlDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** 'YYYY-MM-DD' → 'YYYYMMDD'. */
export function fromSqlDate(sqlDate: string): string {
  return sqlDate.replace(/-/g, '');
}
