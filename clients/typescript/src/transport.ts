/**
 * The client's one HTTP path: JSON in and out over `fetch`, authentication headers, an `Idempotency-Key` on every
 * POST (a fresh UUID per call unless the caller gives one; the same key on every retry of that call), a time-out
 * per attempt, retries with backoff (retry.ts says which failures and how long), and every failure as a
 * HanbillError.
 */
import { randomUUID } from 'node:crypto';
import { HanbillError } from './errors.ts';
import { backoffMs, isRetryable, parseRetryAfter, resolveRetry, type Failure, type ResolvedRetry, type RetryOptions } from './retry.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** the server, e.g. https://api.example.kr (a path prefix is kept) */
  baseUrl: string;
  /** a partner Access Key (연동 API Key), sent as `Authorization: Bearer` */
  apiKey?: string | undefined;
  fetch?: FetchLike | undefined;
  retry?: RetryOptions | false | undefined;
  /** time-out of one attempt in ms (default 60,000) */
  timeoutMs?: number | undefined;
  userAgent?: string | undefined;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** the path with its parameters already filled in, starting with / */
  path: string;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** a POST the server deduplicates by Idempotency-Key (so it may be retried after a 5xx or a lost answer) */
  idempotentPost?: boolean | undefined;
  /** the key of this call (POST only); default: a new UUID */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface CallOptions {
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

const VERSION = '0.1.0';

export class Transport {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  private readonly fetchFn: FetchLike;
  readonly retry: ResolvedRetry;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(options: TransportOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new HanbillError('baseUrl는 http(s) URL이어야 합니다 (baseUrl must be an http(s) URL)', { status: 0, code: 'client_usage', field: 'baseUrl' });
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = resolveRetry(options.retry);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.userAgent = options.userAgent ?? `hanbill-client-ts/${VERSION}`;
  }

  /** The URL of a request: base + path + query (undefined values left out, arrays comma-separated). */
  url(path: string, query?: Record<string, unknown>): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      params.set(name, Array.isArray(value) ? value.map(String).join(',') : String(value));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  async request<T>(spec: RequestSpec): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...spec.headers };
    if (this.apiKey) headers['authorization'] = `Bearer ${this.apiKey}`;
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    if (spec.method === 'POST') headers['idempotency-key'] = spec.idempotencyKey ?? randomUUID();
    const idempotent = spec.method !== 'POST' || spec.idempotentPost === true;
    const url = this.url(spec.path, spec.query);

    for (let attempt = 1; ; attempt++) {
      if (spec.signal?.aborted) throw aborted(spec.signal, attempt - 1);
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
      let failure: Failure;
      let error: HanbillError;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.fetchFn(url, { method: spec.method, headers, ...(body !== undefined ? { body } : {}), signal, redirect: 'manual' });
        const answer = await readBody(res);
        if (res.status >= 200 && res.status < 300) return answer as T;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
        error = HanbillError.fromAnswer(res.status, answer, res.headers.get('request-id'), attempt, retryAfterMs);
        failure = { kind: 'status', status: res.status, code: error.code };
      } catch (err) {
        if (err instanceof HanbillError) throw err;
        if (spec.signal?.aborted) throw aborted(spec.signal, attempt);
        const timedOut = timeout.aborted;
        const cause = (err as { cause?: { code?: unknown } }).cause;
        const refused = typeof cause?.code === 'string' && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(cause.code);
        error = new HanbillError(
          timedOut
            ? `응답 시간 초과 (no answer within ${this.timeoutMs} ms): ${spec.method} ${spec.path}`
            : `네트워크 오류 (network error): ${spec.method} ${spec.path}: ${(err as Error).message}${typeof cause?.code === 'string' ? ` (${cause.code})` : ''}`,
          { status: 0, code: timedOut ? 'timeout' : 'network_error', attempts: attempt, cause: err },
        );
        failure = { kind: 'network', sent: !refused };
      }
      if (attempt > this.retry.retries || !isRetryable(failure, idempotent)) throw error;
      if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) throw error;
      await sleep(retryAfterMs ?? backoffMs(attempt, this.retry), spec.signal, attempt);
    }
  }
}

/** A JSON answer parsed; another content type as bytes (PDF, XML, xlsx); no content as undefined. */
async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    const text = await res.text();
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (res.status >= 300 && /^text\//i.test(type)) return res.text();
  return res.arrayBuffer();
}

function aborted(signal: AbortSignal, attempts: number): HanbillError {
  return new HanbillError('호출이 취소되었습니다 (the call was aborted)', { status: 0, code: 'aborted', attempts, cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal | undefined, attempts: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal, attempts));
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal!, attempts));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
