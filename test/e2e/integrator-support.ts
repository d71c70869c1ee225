/**
 * An integrator as the client, the CLI and the example program see one (issue 14): a partner with an Access Key
 * usable from 127.0.0.1 and an approved sender number, and a member of that partner (registered with the key) with
 * a subscription, its service key and an uploaded signing certificate, so documents can be issued and filed with the
 * (simulated) NTS and the partner's events and webhooks include them.
 */
import { makeTestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { freshBizno, freshLoginId, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { kstDate } from '../../src/platform/clock.ts';
import { messagingPartner } from './messaging-support.ts';
import { senderNumber } from './messaging-send-support.ts';

export interface Integrator {
  partnerId: number;
  apiKey: string;
  subscriptionId: number;
  serviceKey: string;
  bizno: string;
  /** an approved sender number (발신번호) of the partner */
  from: string;
}

export async function integrator(sys: TestSystem): Promise<Integrator> {
  const p = await messagingPartner(sys);
  const from = '0212345678';
  await senderNumber(sys, p.partnerId, from);
  const bearer = { authorization: `Bearer ${p.accessKey}` };
  const m = { bizno: freshBizno(), companyName: '(주)연동공급', ceoName: '김대표', loginId: freshLoginId('i'), password: 'Passw0rd!', userName: '이담당', email: 'supplier@example.kr' };
  const reg = await rest(sys.url, 'POST', '/v1/partner/members', m, bearer);
  if (reg.status !== 201) throw new Error(`member: ${reg.status} ${JSON.stringify(reg.body)}`);
  const creds = { bizno: m.bizno, loginId: m.loginId, password: m.password };
  const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { ...creds, packageId: 1, unitIds: [1], amount: 0, vat: 0, totalAmount: 0 }, bearer);
  if (sub.status !== 201) throw new Error(`subscription: ${sub.status} ${JSON.stringify(sub.body)}`);
  const key = await rest(sys.url, 'POST', '/v1/auth/service-key', creds, bearer);
  if (key.status !== 200) throw new Error(`service key: ${key.status} ${JSON.stringify(key.body)}`);
  const subscriptionId = Number(key.body.subscriptionId);
  const serviceKey = String(key.body.serviceKey);
  const id = makeTestNpkiIdentity(m.bizno);
  const cert = await rest(
    sys.url,
    'POST',
    `/v1/subscriptions/${subscriptionId}/certificate`,
    { signCert: id.signCert.toString('base64'), signPri: id.signPri.toString('base64'), password: id.password },
    { ...bearer, 'x-svc-key': serviceKey },
  );
  if (cert.status !== 201) throw new Error(`certificate: ${cert.status} ${JSON.stringify(cert.body)}`);
  return { partnerId: p.partnerId, apiKey: p.accessKey, subscriptionId, serviceKey, bizno: m.bizno, from };
}

/** A tax invoice of today (KST) to a fresh buyer, in the REST document shape. */
export function todaysInvoice(now: Date = new Date(), supply = 100_000) {
  const writeDate = kstDate(now);
  return {
    kind: 'tax_invoice' as const,
    purpose: 'receipt' as const,
    writeDate,
    buyer: { idType: 'business' as const, id: freshBizno(), name: '(주)구매상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'buyer@example.kr' }] },
    amounts: { supply, tax: supply / 10, total: supply + supply / 10 },
    lines: [{ month: Number(writeDate.slice(4, 6)), day: Number(writeDate.slice(6, 8)), name: '컨설팅', supply, tax: supply / 10 }],
  };
}

/** The environment of a system the client, CLI and example talk to: fast NTS timings, webhooks to a local receiver. */
export function integratorEnv(): Record<string, string> {
  return {
    HANBILL_NTS_CHANNEL: `t${Math.random().toString(16).slice(2, 14)}`,
    HANBILL_NTS_TIMEOUT_MS: '2000',
    HANBILL_NTS_RETRY_MS: '40',
    HANBILL_NTS_POLL_MS: '300',
    HANBILL_NTS_AUTO_FILE: 'off',
    NTS_SIM_RESULT_DELAY_MS: '20',
    HANBILL_WEBHOOK_ALLOW_HTTP: '1',
    HANBILL_WEBHOOK_ALLOW_PRIVATE: '1',
  };
}
