/**
 * Shared helpers of the messaging tests: a partner of its own with an Access Key usable from 127.0.0.1, its
 * portal session, and Kakao channels inserted directly (kakao_channels of 0007_messaging_senders.sql) when a
 * test is not about the channel registration flow.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { makePartner, operatorClient, request, type Answer, type Client } from './portal-support.ts';

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');
/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
export const proofOf = (content: Buffer = PDF, fileName = '통신서비스이용증명원.pdf') => ({ fileName, data: content.toString('base64') });

export interface MessagingPartner {
  partnerId: number;
  /** the partner's signed-in portal member (cookie session) */
  member: Client;
  /** the Access Key (Bearer) of the partner */
  accessKey: string;
  call: (method: string, path: string, json?: unknown, headers?: Record<string, string>) => Promise<Answer>;
  /** a Kakao channel of this partner in `state` (a senderKey unless pending); its id */
  channel: (state?: 'pending' | 'active' | 'dormant' | 'blocked') => Promise<number>;
}

export async function messagingPartner(sys: TestSystem): Promise<MessagingPartner> {
  const op = await operatorClient(sys);
  const p = await makePartner(sys, op);
  const key = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(key.status, 201, key.text);
  const auth = { authorization: `Bearer ${key.body.accessKey as string}` };
  return {
    partnerId: p.partnerId,
    member: p.client,
    accessKey: key.body.accessKey as string,
    call: (method, path, json, headers = {}) => request(sys.url, method, path, { ...(json !== undefined ? { json } : {}), headers: { ...auth, ...headers } }),
    channel: (state = 'active') => insertKakaoChannel(sys, p.partnerId, state),
  };
}

/** A Kakao channel of `partnerId` in `state` (a senderKey unless pending), inserted directly; its id. */
export async function insertKakaoChannel(sys: TestSystem, partnerId: number, state: 'pending' | 'active' | 'dormant' | 'blocked' = 'active'): Promise<number> {
  const now = sys.ctx.clock.now();
  const r = await sys.database.pool.query<{ id: string }>(
    `INSERT INTO kakao_channels (partner_id, search_id, admin_phone, category_code, sender_key, state, confirmed_at, created_at, updated_at)
     VALUES ($1, $2, '01012345678', '00100010001', $3, $4, $5, $6, $6) RETURNING id`,
    [partnerId, `@t${crypto.randomBytes(5).toString('hex')}`, state === 'pending' ? null : crypto.randomBytes(20).toString('hex'), state, state === 'pending' ? null : now, now],
  );
  return Number(r.rows[0]!.id);
}
