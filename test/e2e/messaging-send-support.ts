/**
 * Helpers of the sending tests: a partner (messaging-support.ts) with an approved sender number, an active Kakao
 * channel and an approved AlimTalk template, inserted directly (their own flows are tested elsewhere), and
 * small JPEGs made from bytes with a known size.
 */
import type { TestSystem } from '../support/test-system.ts';
import { messagingPartner, PDF, type MessagingPartner } from './messaging-support.ts';
import assert from 'node:assert/strict';
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { legacyPost } from '../support/http.ts';
import { legacyInsertMember } from './portal-support.ts';
import { uploadCertificate, type TestMember } from './nts-support.ts';

export interface Sender extends MessagingPartner {
  from: string;
  channelId: number;
  templateCode: string;
}

export const TEMPLATE_BODY = '#{고객명}님, 주문하신 #{상품}이 접수되었습니다.\n주문번호: #{주문번호}';

export async function senderNumber(sys: TestSystem, partnerId: number, number: string, state: 'approved' | 'pending' = 'approved'): Promise<void> {
  await sys.database.pool.query(
    `INSERT INTO sender_numbers (partner_id, number, kind, state, proof_file_name, proof_content_type, proof_content, created_at)
     VALUES ($1, $2, $3, $4, 'proof.pdf', 'application/pdf', $5, $6)`,
    [partnerId, number, number.startsWith('01') ? 'mobile' : 'landline', state, PDF, sys.ctx.clock.now()],
  );
}

export async function approvedTemplate(sys: TestSystem, partnerId: number, channelId: number, code: string, body = TEMPLATE_BODY): Promise<void> {
  const now = sys.ctx.clock.now();
  const content = { name: '주문 접수 안내', messageType: 'BA', emphasisType: 'NONE', body, buttons: [], quickReplies: [] };
  await sys.database.pool.query(
    `INSERT INTO kakao_templates (partner_id, channel_id, code, name, message_type, emphasis_type, body, content, variables, state, approved_at, created_at, updated_at)
     VALUES ($1, $2, $3, '주문 접수 안내', 'BA', 'NONE', $4, $5, $6, 'APR', $7, $7, $7)`,
    [partnerId, channelId, code, body, JSON.stringify(content), JSON.stringify(['고객명', '상품', '주문번호']), now],
  );
}

export async function sender(sys: TestSystem): Promise<Sender> {
  const p = await messagingPartner(sys);
  const from = '0212345678';
  await senderNumber(sys, p.partnerId, from);
  const channelId = await p.channel('active');
  await approvedTemplate(sys, p.partnerId, channelId, 'ORDER_OK');
  return { ...p, from, channelId, templateCode: 'ORDER_OK' };
}

/** A baseline JPEG (SOI, APP0 JFIF, SOF0 with the given size, EOI), `pad` bytes of comment appended before EOI. */
export function jpeg(width: number, height: number, pad = 0): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  const comments: Buffer[] = [];
  for (let left = pad; left > 0; ) {
    const n = Math.min(left, 65000);
    const seg = Buffer.alloc(n + 4, 0x20);
    seg.writeUInt16BE(0xfffe, 0);
    seg.writeUInt16BE(n + 2, 2);
    comments.push(seg);
    left -= n;
  }
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, ...comments, Buffer.from([0xff, 0xd9])]);
}

/** A member of partner `s` (registered with its key) with a subscription, its service key and an uploaded certificate. */
export async function senderMember(sys: TestSystem, s: Sender): Promise<TestMember> {
  const m = await legacyInsertMember(sys.url, { key: s.accessKey });
  assert.equal(m.code, '0000', m.msg);
  const sub = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.loginId, pwd: 'Secret123', pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
  assert.equal(sub.code, '0000', sub.msg);
  const key = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.loginId, pwd: 'Secret123', sinchno: String(sub['sinchno']) });
  assert.equal(key.code, '0000', key.msg);
  const member: TestMember = { bizno: m.bizno, subBizno: '', loginId: m.loginId, password: 'Secret123', memberId: Number(m.member_no), subscriptionId: Number(sub['sinchno']), svcKey: String(key['svc_key']) };
  const cert = await uploadCertificate(sys, member, makeTestNpkiIdentity(m.bizno));
  assert.equal(cert.status, 201, JSON.stringify(cert.body));
  return member;
}
