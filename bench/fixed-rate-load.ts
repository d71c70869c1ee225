/**
 * A small open-loop load process (the customer-flow bench runs it in a process of its own, so its CPU is not
 * the bench's nor the server's): sends `POST <url>` with a JSON body at a fixed rate for a fixed time and
 * prints one JSON line with the latency percentiles.
 *
 * Open loop: request i is due at start + i / rate whatever the answers do, and its latency is counted from that
 * due time (not from when it could be sent), so a server that falls behind shows it in p99 instead of slowing
 * the load down ("coordinated omission"). At most `maxInFlight` requests are outstanding; a request that could
 * not be sent because of that cap counts as dropped.
 *
 * Run: node --import tsx bench/fixed-rate-load.ts '<json options>'   (see LoadOptions)
 */
import fs from 'node:fs';
import http from 'node:http';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** The JSON body; `$i` in a string value is replaced by the request's number (unique subkeys). */
  body: unknown;
  rate: number;
  durationMs: number;
  warmupRequests?: number;
  maxInFlight?: number;
  /** A file to write one line per request to: its due time (ms from the start), latency (ms) and HTTP status. */
  traceFile?: string;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  achievedRate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function bodyFor(template: unknown, i: number): string {
  return JSON.stringify(template, (_k, v) => (typeof v === 'string' && v.includes('$i') ? v.replaceAll('$i', String(i)) : v));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  const maxInFlight = o.maxInFlight ?? 256;
  // warm-up: a few sequential requests (connections, JIT), not counted
  for (let i = 0; i < (o.warmupRequests ?? 20); i++) await post(url, o.headers, bodyFor(o.body, -1 - i));
  const total = Math.round((o.rate * o.durationMs) / 1000);
  const latencies: number[] = [];
  const trace: string[] = [];
  const statuses: Record<string, number> = {};
  let inFlight = 0;
  let dropped = 0;
  let ok = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= maxInFlight) {
      dropped++;
      continue;
    }
    inFlight++;
    pending.push(
      post(url, o.headers, bodyFor(o.body, i)).then((status) => {
        inFlight--;
        latencies.push(performance.now() - due);
        if (o.traceFile) trace.push(`${(due - start).toFixed(1)} ${(performance.now() - due).toFixed(1)} ${status}`);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) ok++;
        else failed++;
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  agent.destroy();
  if (o.traceFile) fs.writeFileSync(o.traceFile, trace.join('\n') + '\n');
  return {
    sent: total - dropped,
    ok,
    failed,
    dropped,
    achievedRate: (ok * 1000) / elapsed,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    statuses,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  const result = await runLoad(opts);
  process.stdout.write(JSON.stringify(result) + '\n');
}
