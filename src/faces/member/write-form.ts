/**
 * The write form's fields are named by the REST document paths (`buyer.id`, `lines[2].supply`), so an error of
 * `validate-document.ts` lands beside its input with no mapping table. This turns the posted flat form into the
 * nested input the API takes: blanks dropped, money fields as numbers when they are integers (else kept as text
 * so validation names them), the date input's YYYY-MM-DD as YYYYMMDD, blank line rows dropped (errors mapped back to their row: `screenField`), and the header amounts
 * as the sums of the lines (the page shows them live; the server decides).
 */
import type { Form } from './member-kit.ts';

const MONEY = /(^|\.)(supply|tax|total|cash|check|note|credit)$/;

function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let cur: Record<string, unknown> | unknown[] = root;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const key: string | number = /^\d+$/.test(p) ? Number(p) : p;
    const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
    const c = cur as Record<string | number, unknown>;
    if (last) c[key] = value;
    else {
      if (c[key] === undefined) c[key] = nextIsIndex ? [] : {};
      cur = c[key] as Record<string, unknown>;
    }
  });
}

function moneyOf(text: string): number | string {
  const t = text.replace(/[,\s]/g, '');
  return /^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : text;
}

export const WRITE_FIELD = /^(kind|taxType|purpose|writeDate|remarks\[0\]|supplier\.[\w.]+|buyer\.[\w.[\]]+|payments\.\w+|amendment\.\w+|lines\[\d{1,2}\]\.\w+)$/;

export function documentInputOfForm(form: Form): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(form)) {
    if (!WRITE_FIELD.test(name) || typeof raw !== 'string') continue;
    const text = raw.trim();
    if (text === '') continue;
    let value: unknown = text;
    if (MONEY.test(name)) value = moneyOf(text);
    else if (name === 'writeDate') value = text.replace(/-/g, '');
    else if (/^lines\[\d+\]\.day$/.test(name)) value = /^\d{1,2}$/.test(text) ? Number(text) : text;
    setPath(out, name, value);
  }
  // blank rows are not lines; `lineRows` keeps each line's row on the screen, so an error of lines[i] goes beside it
  const rows = Array.isArray(out['lines']) ? (out['lines'] as unknown[]) : [];
  const lineRows: number[] = [];
  const lines: Record<string, unknown>[] = [];
  rows.forEach((l, i) => {
    if (l !== undefined && l !== null) {
      lines.push(l as Record<string, unknown>);
      lineRows.push(i);
    }
  });
  const writeDate = typeof out['writeDate'] === 'string' ? out['writeDate'] : '';
  for (const l of lines) if (l['day'] !== undefined && /^\d{8}$/.test(writeDate)) l['month'] = Number(writeDate.slice(4, 6));
  const sum = (k: string) => lines.reduce((a, l) => a + (typeof l[k] === 'number' ? (l[k] as number) : 0), 0);
  if (lines.length) out['lines'] = lines;
  const supply = sum('supply');
  const tax = sum('tax');
  out['amounts'] = { supply, tax, total: supply + tax };
  Object.defineProperty(out, LINE_ROWS, { value: lineRows, enumerable: false });
  return out;
}

const LINE_ROWS = Symbol('lineRows');

/** The field of an error as named on the screen: `lines[i]` of the input → the i-th filled row's own index. */
export function screenField(input: Record<string, unknown>, field: string | undefined): string | undefined {
  const rows = (input as { [LINE_ROWS]?: number[] })[LINE_ROWS];
  const m = field ? /^lines\[(\d+)\](.*)$/.exec(field) : null;
  if (!m || !rows) return field;
  const row = rows[Number(m[1])];
  return row === undefined ? field : `lines[${row}]${m[2]}`;
}
