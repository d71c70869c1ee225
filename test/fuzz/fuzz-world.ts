/**
 * The world the fuzz suite attacks: one system (api role only, so no worker writes rows behind the
 * snapshot's back), three tenants with documents — A and B on their own, P a member of partner 1 — a
 * credentials-only member for the password pages (a successful RESETKEY there would otherwise log
 * tenant A out for the rest of the run), partner 1's portal session and API keys (one to call with,
 * one spare that the key routes may switch off or delete), and a spare partner, conversion and
 * application that the operator routes may approve, reject or suspend. For the messaging routes partner 1 has an
 * approved sender number (FUZZ_SENDER), an active Kakao channel with an approved template (FUZZ_TEMPLATE), a
 * sent batch and a reservation, and a sender number and a template waiting for the operator's review.
 */
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { Client, legacyInsertMember, makePartner, operatorClient, signUpAndLogin } from '../e2e/portal-support.ts';
import { kstDate } from '../../src/platform/clock.ts';
import { insertKakaoChannel, proofOf } from '../e2e/messaging-support.ts';
import { approvedTemplate, senderNumber } from '../e2e/messaging-send-support.ts';

export interface Tenant extends Onboarded {
  label: string;
  /** An issued document and a draft of this tenant. */
  issued: string;
  draft: string;
}

export interface World {
  sys: TestSystem;
  tenants: Tenant[];
  /** Member whose password the _auth / _service pages may use (never used to call as a tenant). */
  credentials: Onboarded;
  partnerKey: string;
  portal: Client;
  /** partner 1's active Kakao channel (with the approved template FUZZ_TEMPLATE) */
  channelId: number;
  /** ids for `{id}` path parameters, by the route prefix they belong to. */
  ids: Record<string, number>;
  today: string;
}

export const FUZZ_SENDER = '0212345678';
export const FUZZ_TEMPLATE = 'FUZZ_OK';

export function invoiceBody(today: string, buyerBizno: string) {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: today,
    buyer: { idType: 'business', id: buyerBizno, name: '(주)퍼즈상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'fuzz-buyer@example.kr' }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month: Number(today.slice(4, 6)), day: Number(today.slice(6, 8)), name: '컨설팅', supply: 100000, tax: 10000 }],
  };
}

async function json(r: Response): Promise<Record<string, unknown>> {
  const body = (await r.json()) as Record<string, unknown>;
  if (r.status >= 300) throw new Error(`setup: HTTP ${r.status} ${JSON.stringify(body)}`);
  return body;
}

async function documentsOf(sys: TestSystem, s: Onboarded, today: string, bearer?: string): Promise<{ issued: string; draft: string }> {
  const headers = { 'content-type': 'application/json', 'x-svc-key': s.svcKey, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
  const url = `${sys.url}/v1/subscriptions/${s.sinchno}/documents`;
  const issued = await json(await fetch(url, { method: 'POST', headers, body: JSON.stringify({ issue: true, document: invoiceBody(today, freshBizno()) }) }));
  const draft = await json(await fetch(url, { method: 'POST', headers, body: JSON.stringify({ document: invoiceBody(today, freshBizno()) }) }));
  return { issued: String(issued['dockey']), draft: String(draft['dockey']) };
}

export async function buildWorld(): Promise<World> {
  const sys = await startTestSystem({ HANBILL_ROLES: 'api', HANBILL_NTS_AUTO_FILE: 'off' });
  const today = kstDate(sys.ctx.clock.now());
  const op = await operatorClient(sys);
  const partner = await makePartner(sys, op);
  const spare = await makePartner(sys, op);
  const mainKey = await partner.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  const spareKey = await partner.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  if (mainKey.status !== 201 || spareKey.status !== 201) throw new Error(`setup: api keys ${mainKey.status} ${spareKey.status}`);
  const partnerKey = String(mainKey.body.accessKey);

  // P: a member registered through the partner's key (so the guard treats its calls as the partner's)
  const pm = await legacyInsertMember(sys.url, { key: partnerKey });
  if (pm.code !== '0000') throw new Error(`setup: partner member ${pm.code} ${pm.msg}`);
  const sub = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: pm.bizno, id: pm.loginId, pwd: 'Secret123', pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
  if (sub.code !== '0000') throw new Error(`setup: partner member service ${sub.code} ${sub.msg}`);
  const key = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: pm.bizno, id: pm.loginId, pwd: 'Secret123' });
  const p: Onboarded = { bizno: pm.bizno, id: pm.loginId, pwd: 'Secret123', comName: '고객상사', email: 'tax@example.kr', sinchno: Number(key['sinchno']), svcKey: String(key['svc_key']) };

  const a = await onboard(sys.url);
  const b = await onboard(sys.url);
  const tenants: Tenant[] = [
    { ...a, label: 'A', ...(await documentsOf(sys, a, today)) },
    { ...b, label: 'B', ...(await documentsOf(sys, b, today)) },
    { ...p, label: 'P', ...(await documentsOf(sys, p, today, partnerKey)) },
  ];
  const credentials = await onboard(sys.url);

  // a conversion left pending, for the operator's approve / reject routes
  const pending = await signUpAndLogin(sys);
  const conv = await pending.client.call('POST', '/v1/portal/company-conversion', { json: { bizno: freshBizno(), comName: '대기상사', ceoName: '대기자' } });
  if (conv.status !== 201) throw new Error(`setup: conversion ${conv.status} ${conv.text}`);
  // messaging: registered senders inserted directly (their review flows are the routes under test), sends through the API
  await senderNumber(sys, partner.partnerId, FUZZ_SENDER);
  const channelId = await insertKakaoChannel(sys, partner.partnerId, 'active');
  await approvedTemplate(sys, partner.partnerId, channelId, FUZZ_TEMPLATE);
  const partnerCall = async (method: string, path: string, body: unknown) =>
    json(await fetch(`${sys.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${partnerKey}` }, body: JSON.stringify(body) }));
  const sms = { type: 'sms', from: FUZZ_SENDER, text: '퍼즈 안내 문자입니다' };
  const batch = await partnerCall('POST', '/v1/messages', { ...sms, recipients: [{ to: '01012345678', clientRef: 'fuzz-1' }, { to: '01087654321' }] });
  const reserved = await partnerCall('POST', '/v1/messages', { ...sms, reserveAt: new Date(sys.ctx.clock.now().getTime() + 7 * 86_400_000).toISOString(), recipients: [{ to: '01012345678' }] });
  const pendingNumber = await partnerCall('POST', '/v1/sender-numbers', { number: '0311234567', proof: proofOf() });
  const reviewed = await partnerCall('POST', '/v1/kakao/templates', { channelId, code: 'FUZZ_REQ', name: '퍼즈 안내', body: '#{고객명}님, 안내드립니다.' });
  await partnerCall('POST', `/v1/kakao/templates/${Number(reviewed['id'])}/submit`, {});

  const unit = await sys.database.pool.query('SELECT min(id) AS id FROM service_units');
  const pack = await sys.database.pool.query('SELECT min(id) AS id FROM service_packages');
  const spareApp = await sys.database.pool.query('SELECT application_id FROM partners WHERE id = $1', [spare.partnerId]);
  return {
    sys,
    tenants,
    credentials,
    partnerKey,
    portal: partner.client,
    today,
    channelId,
    ids: {
      '/v1/messages/': Number(batch['id']),
      '/v1/reservations/': Number(reserved['id']),
      '/v1/sender-numbers/': Number(pendingNumber['id']),
      '/v1/kakao/templates/': Number(reviewed['id']),
      '/v1/kakao/channels/': channelId,
      '/v1/operator/sender-numbers/': Number(pendingNumber['id']),
      '/v1/operator/kakao/templates/': Number(reviewed['id']),
      '/v1/operator/kakao/channels/': channelId,
      '/v1/catalog/units/': Number(unit.rows[0].id),
      '/v1/catalog/packages/': Number(pack.rows[0].id),
      '/v1/portal/api-keys/': Number(spareKey.body.key.id),
      '/v1/operator/company-conversions/': Number(conv.body.id),
      '/v1/operator/api-applications/': Number(spareApp.rows[0].application_id),
      '/v1/operator/api-application-documents/': 1,
      '/v1/operator/partners/': spare.partnerId,
    },
  };
}

/** Replace the secrets of the world by names, so a printed reproduction reads (and leaks nothing). */
export function secretNames(w: World): [string, string][] {
  return [
    ...w.tenants.map((t): [string, string] => [t.svcKey, `<svc_key of ${t.label}>`]),
    [w.credentials.svcKey, '<svc_key of C>'],
    [w.partnerKey, '<partner key>'],
    [w.partnerKey.slice(0, -1), '<partner key minus its last character>'],
    [w.sys.operatorToken, '<operator token>'],
  ];
}
