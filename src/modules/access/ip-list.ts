/** The IP allow-list of an API key as a form or JSON gives it: read, normalised, de-duplicated, at most 5. */
import { AppError, invalidError } from '../../platform/errors.ts';
import { optionalList, type Input } from '../../platform/input.ts';
import { readIp } from './ip-address.ts';

export const MAX_IPS_PER_KEY = 5;

/** Read an IP list (array or comma/space/newline-separated text): normalised, de-duplicated, at most 5. */
export function readIpList(input: Input, field = 'ips', opts: { min?: number } = {}): string[] {
  const raw = input[field];
  const items = Array.isArray(raw) ? raw.map((x) => String(x ?? '')) : typeof raw === 'string' ? raw.split(/[\s,]+/) : (optionalList(input, field) ?? []);
  const out: string[] = [];
  items.forEach((item, i) => {
    if (item.trim() === '') return;
    const ip = readIp(item, Array.isArray(raw) ? `${field}[${i}]` : field);
    if (!out.includes(ip)) out.push(ip);
  });
  if (out.length > MAX_IPS_PER_KEY) throw invalidError(field, `IP는 최대 ${MAX_IPS_PER_KEY}개까지 등록할 수 있습니다 (at most ${MAX_IPS_PER_KEY} addresses per key)`);
  if (out.length < (opts.min ?? 0)) {
    throw new AppError('field_required', `API를 연동할 서버의 IP를 1개 이상 입력하세요 (enter at least one server IP address)`, { field });
  }
  return out;
}
