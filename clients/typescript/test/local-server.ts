/**
 * A local HTTP server for the client's unit tests: each request is recorded (method, URL, headers, body) and
 * answered by the test's handler, so retries, headers and paging are seen exactly as a server sees them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** destroy the socket without answering (a lost answer) */
  drop?: boolean;
  /** answer after this many ms */
  delayMs?: number;
}

export interface LocalServer {
  url: string;
  seen: Seen[];
  close: () => Promise<void>;
}

export async function localServer(handle: (req: Seen, index: number) => Reply | Promise<Reply>): Promise<LocalServer> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    seen.push(s);
    const r = await handle(s, seen.length - 1);
    if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
    if (r.drop) {
      req.socket.destroy();
      return;
    }
    const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    res.writeHead(r.status, { ...(r.body !== undefined && typeof r.body !== 'string' ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...r.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function apiError(status: number, code: string, field?: string) {
  return { error: { code, message: `${field ? `${field}: ` : ''}오류 (error)`, ...(field ? { field } : {}), status, legacyCode: '9999', requestId: `req-${code}` } };
}
