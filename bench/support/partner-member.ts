/**
 * A partner's member over HTTP alone, for benches that call as a reseller's integration does: a portal user turned
 * company and approved as a partner (with the server's operator token as Bearer), one API key allowed from 127.0.0.1,
 * and a member with a subscription registered through that key. Returns what a call needs: the Access Key and the
 * member's subscription id and service key.
 */
import { Client, legacyInsertMember, request, signUpAndLogin } from '../../test/e2e/portal-support.ts';
import { freshBizno, type TestSystem } from '../../test/support/test-system.ts';

export interface PartnerMember {
  accessKey: string;
  partnerId: number;
  bizno: string;
  subscriptionId: number;
  svcKey: string;
}

export async function partnerMember(url: string, operatorToken: string): Promise<PartnerMember> {
  const op = async (path: string) => {
    const r = await request(url, 'POST', path, { headers: { authorization: `Bearer ${operatorToken}` } });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const { client } = await signUpAndLogin({ url } as TestSystem);
  const call = async (c: Client, path: string, json: unknown) => {
    const r = await c.call('POST', path, { json });
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const conversion = await call(client, '/v1/portal/company-conversion', { bizno: freshBizno(), comName: '벤치파트너', ceoName: '최대표' });
  await op(`/v1/operator/company-conversions/${conversion.id}/approve`);
  const application = await call(client, '/v1/portal/api-application', { note: 'ERP 연동' });
  const { partnerId } = await op(`/v1/operator/api-applications/${application.id}/approve`);
  const key = await call(client, '/v1/portal/api-keys', { ips: ['127.0.0.1'] });
  const accessKey = String(key.accessKey);
  const member = await legacyInsertMember(url, { key: accessKey });
  if (member.code !== '0000') throw new Error(`member: ${member.code} ${member.msg}`);
  const form = { fmt: 'json', bizno: member.bizno, id: member.loginId, pwd: 'Secret123' };
  const headers = { authorization: `Bearer ${accessKey}` };
  const sub = await request(url, 'POST', '/_service.aspx', { form: { ...form, cmd: 'SINCHSERVICE', pack_code: '1', svcunit_code: '1', amount: '0', vat: '0', total_amount: '0' }, headers });
  if (sub.body.code !== '0000') throw new Error(`SINCHSERVICE: ${sub.text}`);
  const auth = await request(url, 'POST', '/_auth.aspx', { form: { ...form, cmd: 'GETSVCKEY' }, headers });
  if (auth.body.code !== '0000') throw new Error(`GETSVCKEY: ${auth.text}`);
  return { accessKey, partnerId: Number(partnerId), bizno: member.bizno, subscriptionId: Number(auth.body.sinchno), svcKey: String(auth.body.svc_key) };
}
