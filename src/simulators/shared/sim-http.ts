/**
 * The HTTP plumbing every simulator server shares (bank, carrier, NTS): listening on a port and host and saying
 * the URL, closing with every keep-alive connection, JSON answers, and reading a request body.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listen on `port` (0: any free port) and `host`; the base URL (an IPv6 host in brackets). */
export async function listenOn(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
}

/** Stop listening and drop every open connection (keep-alive ones too), resolved once closed. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The whole request body; more than `limit` bytes throws (the server's catch answers 500). */
export async function readBody(req: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A body that must be a JSON object (empty: {}), or undefined when it is not one (answer 400). */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> | undefined {
  const text = body.toString();
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
