/** Small HTTP helpers for end-to-end tests (real requests over a socket). */
import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === 'row' });

export interface LegacyResult {
  code: string;
  msg: string;
  [k: string]: unknown;
}

/** POST a legacy form (UTF-8) and parse the XML answer. */
export async function legacyPost(base: string, page: string, fields: Record<string, string | number>): Promise<LegacyResult> {
  return parseLegacyXml(await legacyPostText(base, page, fields));
}

/** POST a legacy form; the answer's text, not parsed (a bench times the server's answer, not this process's parse). */
export async function legacyPostText(base: string, page: string, fields: Record<string, string | number>): Promise<string> {
  const body = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${base}/${page}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

/** POST a legacy form encoded in EUC-KR; returns the raw answer bytes and content type. */
export async function legacyPostEucKr(base: string, page: string, fields: Record<string, string>): Promise<{ bytes: Buffer; contentType: string }> {
  const enc = (s: string) => [...iconv.encode(s, 'cp949')].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
  const body = Object.entries(fields)
    .map(([k, v]) => `${k}=${enc(v)}`)
    .join('&');
  const res = await fetch(`${base}/${page}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=euc-kr' } });
  return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

export function parseLegacyXml(text: string): LegacyResult {
  return (parser.parse(text) as { result: LegacyResult }).result;
}

export async function rest(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(base + url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * An answer body without the request id of its error (`error.requestId`, unique per request by design),
 * so that two answers can be compared for "the same answer" (no enumeration, same refusal).
 */
export function withoutRequestId(body: any): unknown {
  if (!body || typeof body !== 'object' || !body.error || typeof body.error !== 'object') return body;
  const { requestId: _id, ...error } = body.error;
  return { ...body, error };
}
