/**
 * Shared helpers of the webhook tests: a system that may deliver to a local receiver (http and private addresses
 * allowed unless a test says otherwise, a short time-out and poll), a partner with an Access Key, a receiver that
 * records every request and answers as the test says, and events recorded directly in the log (the tests are about
 * delivering events, not about which change records them).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import type { StartOptions } from '../../src/main.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { recordEvents, type NewEvent } from '../../src/modules/events/record-event.ts';
import type { EventType } from '../../src/modules/events/event-catalogue.ts';
import { messagingPartner, type MessagingPartner } from './messaging-support.ts';

export const WEBHOOK_TEST_ENV = {
  HANBILL_WEBHOOK_ALLOW_HTTP: '1',
  HANBILL_WEBHOOK_ALLOW_PRIVATE: '1',
  HANBILL_WEBHOOK_TIMEOUT_MS: '400',
  HANBILL_WEBHOOK_POLL_MS: '40',
};

export function startWebhookSystem(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestSystem> {
  return startTestSystem({ ...WEBHOOK_TEST_ENV, ...env }, opts);
}

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Answerer = (req: Received, n: number) => { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** how to answer the n-th request (0-based): default 200 "ok" */
  answer: Answerer;
  close(): Promise<void>;
}

export async function startReceiver(answer: Answerer = () => ({ status: 200, body: 'ok' })): Promise<Receiver> {
  const requests: Received[] = [];
  const hung = new Set<http.ServerResponse>();
  const r: Receiver = { url: '', port: 0, requests, answer, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(got);
      const a = r.answer(got, requests.length - 1);
      if (a === 'hang') {
        hung.add(res);
        return;
      }
      res.writeHead(a.status, { 'content-type': 'text/plain', ...(a.headers ?? {}) });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}/hooks`;
  r.close = async () => {
    for (const res of hung) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return r;
}

/** A partner with an Access Key (127.0.0.1 allowed): the messaging tests' partner, of which the webhook tests use the calls. */
export type WebhookPartner = MessagingPartner;
export const webhookPartner = messagingPartner;

/** Register an endpoint; its id and secret. */
export async function registerEndpoint(p: WebhookPartner, url: string, events: EventType[] = ['document.issued', 'document.mailed', 'document.cancelled']): Promise<{ id: string; secret: string }> {
  const r = await p.call('POST', '/v1/webhook-endpoints', { url, events, description: '테스트 수신기' });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.id as string, secret: r.body.secret as string };
}

/** Record events of `partnerId` (one transaction, as a change would), at the system's clock. */
export async function emit(sys: TestSystem, partnerId: number, events: { type: EventType; objectId: string; state?: string; data?: Record<string, unknown> }[]): Promise<void> {
  const at = sys.ctx.clock.now();
  await inTransaction(sys.ctx.db, (tx) =>
    recordEvents(
      tx,
      events.map((e): NewEvent => ({ type: e.type, objectId: e.objectId, state: e.state ?? 'S', at, partnerId, ...(e.data ? { data: e.data } : {}) })),
    ),
  );
}

export async function deliveriesOf(p: WebhookPartner, endpointId: string): Promise<any[]> {
  const r = await p.call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`);
  assert.equal(r.status, 200, r.text);
  return r.body.data as any[];
}
