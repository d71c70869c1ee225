/**
 * The route table of the HTTP server as Fastify registered it (an onRoute hook, added before any route):
 * method, URL pattern and the names of its path parameters. The cross-tenant test matrix
 * (test/e2e/cross-tenant-matrix.test.ts) reads it, so a new route is in the matrix the moment it exists.
 */
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
  /** Path parameters (`:dockey` → dockey), in order. */
  params: string[];
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

export function collectRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const params = [...route.url.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
    for (const method of methods) {
      // Fastify adds a HEAD route for every GET: the same handler, not a route of its own
      if (method === 'HEAD' && methods.length === 1 && table.some((r) => r.method === 'GET' && r.url === route.url)) continue;
      table.push({ method, url: route.url, params });
    }
  });
}

/** The routes registered on `app` (a copy), in registration order. */
export function routeTableOf(app: FastifyInstance): RouteEntry[] {
  return [...(tables.get(app) ?? [])];
}
