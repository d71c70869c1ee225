/**
 * Where a webhook may go (docs/webhooks.md "Addresses"). The URL must be https (http only with
 * HANBILL_WEBHOOK_ALLOW_HTTP=1), carry no user name or password, and — unless HANBILL_WEBHOOK_ALLOW_PRIVATE=1 —
 * not name an address of the operator's own networks: private (10/8, 172.16/12, 192.168/16), loopback (127/8, ::1),
 * link-local (169.254/16 with the cloud metadata service, fe80::/10), unique-local (fc00::/7), CGNAT (100.64/10),
 * multicast, unspecified, broadcast and the other special-purpose ranges, also inside IPv4-mapped (::ffff:0:0/96),
 * IPv4-compatible and NAT64 (64:ff9b::/96) IPv6 addresses. A literal IP is refused when the endpoint is
 * registered; every address a host name resolves to is checked again at each delivery (webhook-http.ts connects to
 * exactly the checked address), so a name that later resolves to 127.0.0.1 (DNS rebinding) is refused too.
 */
import net from 'node:net';
import { AppError } from '../../platform/errors.ts';

/** IPv4 ranges never delivered to (address, prefix length). */
const V4_BLOCKED: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT (shared address space)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/** IPv6 ranges never delivered to (IPv4-mapped and friends are unwrapped first). */
const V6_BLOCKED: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo (tunnels to any IPv4)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (tunnels to any IPv4)
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const blocked = new net.BlockList();
for (const [a, p] of V4_BLOCKED) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of V6_BLOCKED) blocked.addSubnet(a, p, 'ipv6');

/** The 16 bytes of an IPv6 address (valid per net.isIPv6), with a trailing dotted IPv4 part. */
function ipv6Bytes(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d). */
function embeddedIpv4(bytes: number[]): string | undefined {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = bytes.slice(12).join('.');
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4; // ::ffff:0:0/96
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) return v4; // ::a.b.c.d (not ::, ::1)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return v4; // 64:ff9b::/96
  return undefined;
}

/** True when `address` (an IP literal, IPv6 without brackets) is one webhooks never go to. */
export function isForbiddenAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '');
  if (net.isIPv4(plain)) return blocked.check(plain, 'ipv4');
  if (!net.isIPv6(plain.replace(/%.*$/, ''))) return true; // not an address: never connect
  const bytes = ipv6Bytes(plain);
  const v4 = embeddedIpv4(bytes);
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  const canonical = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
  return blocked.check(canonical, 'ipv6');
}

export interface AddressRules {
  allowHttp: boolean;
  allowPrivate: boolean;
}

export const MAX_URL_LENGTH = 2048;

/** The endpoint URL, normalized, or a 400 naming `url` (registration and edit). */
export function checkEndpointUrl(text: unknown, rules: AddressRules): string {
  if (typeof text !== 'string' || text.trim() === '') throw new AppError('field_required', 'URL은 필수 항목입니다 (required)', { field: 'url' });
  if (text.length > MAX_URL_LENGTH) throw new AppError('field_invalid', `URL은 ${MAX_URL_LENGTH}자 이하입니다 (at most ${MAX_URL_LENGTH} characters)`, { field: 'url' });
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new AppError('field_invalid', '올바른 URL이 아닙니다 (not a valid absolute URL)', { field: 'url' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowHttp)) {
    throw new AppError('webhook_url_refused', 'https URL만 등록할 수 있습니다 (only https URLs are accepted)', { field: 'url' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppError('field_invalid', 'URL에 사용자 이름이나 비밀번호를 넣을 수 없습니다 (no user name or password in the URL)', { field: 'url' });
  }
  if (url.hash !== '') throw new AppError('field_invalid', 'URL에 #fragment를 넣을 수 없습니다 (no #fragment)', { field: 'url' });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!rules.allowPrivate && net.isIP(host) !== 0 && isForbiddenAddress(host)) {
    throw new AppError('webhook_url_refused', '사설, 루프백, 링크로컬 등 내부 주소로는 보낼 수 없습니다 (private, loopback, link-local and other internal addresses are refused)', { field: 'url' });
  }
  return url.toString();
}
