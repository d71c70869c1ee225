/**
 * IP addresses of key allow-lists: validated and normalised, so that one address has one spelling.
 * IPv4 in dotted decimal without leading zeros; IPv6 in RFC 5952 form (lower case, longest zero run
 * compressed); an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is the IPv4 address it maps.
 */
import net from 'node:net';
import { invalidError } from '../../platform/errors.ts';

/** Normalised form of `text`, or undefined when it is no single IPv4/IPv6 address. */
export function normalizeIp(text: string): string | undefined {
  const s = text.trim();
  if (s === '' || s.length > 64) return undefined;
  if (net.isIPv4(s)) return s;
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (bare.includes('%') || !net.isIPv6(bare)) return undefined;
  let host: string;
  try {
    host = new URL(`http://[${bare}]/`).hostname.slice(1, -1); // WHATWG URL serialises IPv6 per RFC 5952
  } catch {
    return undefined;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

/**
 * Whether a normalised address can be a caller's own (unicast) address. A TCP peer is never 0.0.0.0, ::,
 * a multicast group, the broadcast address or class E, so such an entry on an allow-list matches nobody,
 * or (worse) reads as "any address" to a person: refuse it instead of storing it.
 */
export function isUnicast(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const first = Number(ip.split('.')[0]);
    return first !== 0 && first < 224; // 0/8 this network, 224/4 multicast, 240/4 reserved incl. 255.255.255.255
  }
  if (ip === '::') return false; // unspecified
  return !/^ff/i.test(ip); // ff00::/8 multicast (IPv4-mapped forms were already turned into IPv4)
}

/** Read one address of an allow-list, naming the field when it is bad. */
export function readIp(text: unknown, field: string): string {
  const ip = typeof text === 'string' ? normalizeIp(text) : undefined;
  if (ip === undefined) {
    throw invalidError(field, `올바른 IPv4 또는 IPv6 주소가 아닙니다: '${String(text ?? '').slice(0, 64)}' (expected one IPv4 or IPv6 address, e.g. 203.0.113.7 or 2001:db8::1)`);
  }
  if (!isUnicast(ip)) {
    throw invalidError(field, `호출하는 서버의 유니캐스트 주소를 입력하세요. 0.0.0.0, ::, 멀티캐스트, 브로드캐스트 주소는 등록할 수 없습니다: '${ip}' (expected the caller's own unicast address; unspecified, multicast and broadcast addresses are refused)`);
  }
  return ip;
}

/** The caller's address as the server sees it, in the same normal form (unknown spellings kept as they are). */
export function callerIp(remote: string): string {
  return normalizeIp(remote) ?? remote;
}
