/**
 * One HTTP request with exact bytes: the body, the path and the headers go out as given (fetch and
 * URLSearchParams would re-encode them, and the fuzz suite must send raw CP949, invalid UTF-8 and
 * unescaped bytes). The answer comes back as bytes too: decoding it is the caller's check.
 */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

export interface RawRequest {
  method: string;
  /** Path and query, already encoded (only bytes a request line may carry). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/**
 * A kept-alive socket may be closed by the server just as it is reused (after an answer the server
 * closed, e.g. 431): Node's documented remedy is to retry once on a fresh socket. Any other error stands.
 */
export async function sendRaw(base: string, r: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  try {
    return await sendOnce(base, r, timeoutMs);
  } catch (err) {
    if ((err as { reusedSocket?: boolean }).reusedSocket) return sendOnce(base, r, timeoutMs);
    throw err;
  }
}

function sendOnce(base: string, r: RawRequest, timeoutMs: number): Promise<RawAnswer> {
  const url = new URL(base);
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.body) headers['content-length'] = String(r.body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: Error & { code?: string; reusedSocket?: boolean }) => {
      if (req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) err.reusedSocket = true;
      reject(err);
    });
    if (r.body) req.write(r.body);
    req.end();
  });
}

/** Close the kept-alive sockets (a test file must not hold its event loop open). */
export function closeRawAgent(): void {
  agent.destroy();
}
