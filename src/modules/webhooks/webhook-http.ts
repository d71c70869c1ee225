/**
 * One webhook POST. The host name is resolved here and every address checked (webhook-address.ts) unless private
 * addresses are allowed; the connection then goes to exactly the checked address (a `lookup` that answers it), with
 * the URL's Host header and TLS server name — a second resolution by the HTTP client, which DNS rebinding would
 * aim at, never happens. Redirects are not followed (a 3xx is a failure). One deadline covers connect, request
 * and the answer; the answer's first 500 characters are kept, at most 64 KB of it is read.
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isForbiddenAddress } from './webhook-address.ts';

export const EXCERPT_CHARS = 500;
const MAX_READ_BYTES = 64 * 1024;

export interface PostResult {
  /** the HTTP status, or null when no answer came */
  status: number | null;
  durationMs: number;
  responseExcerpt: string;
  error: string | null;
}

export interface PostRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

export type WebhookPoster = (req: PostRequest) => Promise<PostResult>;

class Refused extends Error {}

async function resolveChecked(host: string, allowPrivate: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const literal = net.isIP(host);
  const all = literal ? [{ address: host, family: literal }] : await dns.lookup(host, { all: true, verbatim: true });
  if (all.length === 0) throw new Error(`${host} does not resolve`);
  if (!allowPrivate) {
    const bad = all.find((a) => isForbiddenAddress(a.address));
    if (bad) throw new Refused(`refused address ${bad.address} (private, loopback, link-local or another internal range)`);
  }
  const first = all[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export const postWebhook: WebhookPoster = async (req) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(req.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const deadline = AbortSignal.timeout(req.timeoutMs);
  let target: { address: string; family: 4 | 6 };
  try {
    target = await Promise.race([
      resolveChecked(host, req.allowPrivate),
      new Promise<never>((_, reject) => deadline.addEventListener('abort', () => reject(new Error(`timed out after ${req.timeoutMs} ms`)), { once: true })),
    ]);
  } catch (err) {
    return { status: null, durationMs: elapsed(), responseExcerpt: '', error: String((err as Error).message ?? err).slice(0, 500) };
  }
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const lib = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(req.body, 'utf8');
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const done = (r: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...r, durationMs: elapsed() });
    };
    const request = lib.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...req.headers, host: url.host, 'content-length': String(body.length) },
        lookup,
        agent: false,
        signal: deadline,
        ...(url.protocol === 'https:' && !net.isIP(host) ? { servername: host } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS);
          const status = res.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          const error = ok ? null : status !== null && status >= 300 && status < 400 ? `redirect not followed (${status})` : `HTTP ${status}`;
          done({ status, responseExcerpt: text, error });
        };
        res.on('data', (c: Buffer) => {
          if (size < MAX_READ_BYTES) chunks.push(c);
          size += c.length;
          if (size >= MAX_READ_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', () => finish());
      },
    );
    request.on('error', (err) => {
      const timedOut = deadline.aborted;
      done({ status: null, responseExcerpt: '', error: timedOut ? `timed out after ${req.timeoutMs} ms` : String(err.message ?? err).slice(0, 500) });
    });
    request.end(body);
  });
};
