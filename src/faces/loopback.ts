/**
 * Whether a request's peer is a process on this machine: 127.0.0.0/8, ::1 and their IPv4-mapped form. Judged on
 * the socket's address only — never a forwarding header (trustProxy is off). The dev-only faces (caught mail,
 * the Kakao simulator's tokens) answer such callers only.
 */
import net from 'node:net';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (net.isIPv4(a)) return a.startsWith('127.');
  return a === '::1' || a === '0:0:0:0:0:0:0:1';
}
