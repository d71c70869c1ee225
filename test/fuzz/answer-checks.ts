/**
 * What every answer must satisfy, whatever was sent (issue 8, "A fuzz suite that keeps it fixed"):
 * - never a 5xx, never the legacy system error 9999 (not even in one row of a list answer);
 * - an answer the client can read: well-formed XML / JSON in the charset it declares, the one REST error
 *   shape `{ error: { code, message, status } }`;
 * - an input error names the field at fault (REST `error.field`, legacy `<field>`).
 *
 * Input errors are the ones about what was sent: REST 400 / 413 / 415 / 422, legacy 1001 (required),
 * 1002 (invalid), 1003 (unknown cmd / page), 3003 (amounts do not add up). The others need no field,
 * because no single field is at fault: 401 / 403 and legacy 2001 / 2005 / 2006 (who is calling — they
 * may name `Authorization`, `X-Svc-Key` or `svc_key`), 404 and 3001 (no such route / document / id),
 * 409 and 2002 / 2003 / 3002 / 3005 / 3006 (state conflicts: taken, already issued, not fileable, no
 * certificate), 429 and 2004 / 2007 / 2008 / 2009 (no such subscription / package, usage or rate limit).
 * 414 and 431 come from Node's HTTP parser (request line or headers too long) and have no body at all.
 */
import iconv from 'iconv-lite';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RawAnswer } from '../support/raw-http.ts';

export const REST_INPUT_STATUSES: ReadonlySet<number> = new Set([400, 413, 415, 422]);
export const LEGACY_INPUT_CODES: ReadonlySet<string> = new Set(['1001', '1002', '1003', '3003']);

export interface Verdict {
  /** The request was refused (4xx, or a legacy code other than 0000): it must have changed nothing. */
  refused: boolean;
  /** What is wrong with the answer itself (empty: nothing). */
  problems: string[];
  /** A short form of the answer for reports. */
  summary: string;
}

const xml = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === 'row' });

function charsetOf(a: RawAnswer): string {
  return /charset=([^;\s]+)/i.exec(String(a.headers['content-type'] ?? ''))?.[1]?.toLowerCase() ?? 'utf-8';
}

function decode(a: RawAnswer): string {
  const cs = charsetOf(a);
  return cs === 'euc-kr' || cs === 'cp949' ? iconv.decode(a.bytes, 'cp949') : a.bytes.toString('utf8');
}

export function checkRestAnswer(a: RawAnswer): Verdict {
  const problems: string[] = [];
  const text = decode(a);
  const summary = `HTTP ${a.status} ${text.slice(0, 300)}`;
  if (a.status >= 500) problems.push(`HTTP ${a.status}`);
  if (a.status < 400) return { refused: false, problems, summary };
  // 414 / 431: Node's HTTP parser refuses an over-long request line or header block before any route
  // runs; it answers with no body, and no field can be named. Not a failure.
  if (a.status === 414 || a.status === 431) return { refused: true, problems, summary };
  let body: { error?: { code?: unknown; message?: unknown; field?: unknown; status?: unknown } } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    problems.push('error answer is not JSON');
  }
  const e = body?.error;
  if (body && (!e || typeof e.code !== 'string' || typeof e.message !== 'string')) problems.push('error answer is not the one error shape');
  else if (e && REST_INPUT_STATUSES.has(a.status) && (typeof e.field !== 'string' || e.field === '')) problems.push(`input error ${String(e.code)} names no field`);
  if (e && e.status !== undefined && e.status !== a.status) problems.push(`error.status ${String(e.status)} differs from HTTP ${a.status}`);
  return { refused: true, problems, summary };
}

export function checkLegacyAnswer(a: RawAnswer, json: boolean): Verdict {
  const problems: string[] = [];
  const text = decode(a);
  const summary = `HTTP ${a.status} ${text.slice(0, 300)}`;
  if (a.status >= 500) return { refused: true, problems: [`HTTP ${a.status}`], summary };
  if (a.status !== 200) {
    // not a legacy answer (e.g. a page name outside the .aspx route): the REST error rules apply
    return { ...checkRestAnswer(a), summary };
  }
  let result: Record<string, unknown> | undefined;
  if (json && String(a.headers['content-type']).includes('json')) {
    try {
      result = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push('fmt=json answer is not JSON');
    }
  } else {
    const valid = XMLValidator.validate(text);
    if (valid !== true) problems.push(`answer is not well-formed XML (${valid.err.code})`);
    else result = (xml.parse(text) as { result?: Record<string, unknown> }).result;
  }
  if (!result) return { refused: true, problems: problems.length ? problems : ['answer has no <result>'], summary };
  const code = String(result['code'] ?? '');
  const rows = ((result['list'] as { row?: { code?: unknown }[] } | { code?: unknown }[] | undefined) ?? []) as { row?: { code?: unknown }[] } | { code?: unknown }[];
  const rowCodes = (Array.isArray(rows) ? rows : (rows.row ?? [])).map((r) => String(r.code ?? ''));
  if (code === '9999' || rowCodes.includes('9999')) problems.push('legacy 9999');
  if (!/^\d{4}$/.test(code)) problems.push(`answer code '${code.slice(0, 20)}' is not a result code`);
  if (LEGACY_INPUT_CODES.has(code) && !String(result['field'] ?? '').trim()) problems.push(`input error ${code} names no <field>`);
  return { refused: code !== '0000', problems, summary };
}
