// Specific error codes of the portal accounts and API access (issue 9 item 3): each refusal that used to be a
// generic `conflict` / `not_found` has a code of its own, with the same HTTP status and legacy code as before, so a
// client can tell "key limit reached" from "application already open" without reading Korean text. And the legacy
// face is never unguarded: a server built without the composition root's guard still checks partner keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { buildHttpServer } from '../../src/faces/http-server.ts';
import { Client, makeCompany, makePartner, operatorClient, signUpAndLogin, type Answer } from './portal-support.ts';

let sys: TestSystem;
let op: Client;
before(async () => {
  sys = await startTestSystem();
  op = await operatorClient(sys);
});
after(async () => {
  await sys.close();
});

/** The error of an answer: its code, status, legacy code and field (the message is not asserted here). */
function refused(r: Answer, code: string, status: number, legacyCode: string, field: string) {
  assert.equal(r.status, status, r.text);
  assert.deepEqual(
    { code: r.body.error.code, status: r.body.error.status, legacyCode: r.body.error.legacyCode, field: r.body.error.field },
    { code, status, legacyCode, field },
    r.text,
  );
}

describe('API access refusals have specific codes (same status and legacy code as the generic ones)', () => {
  test('API keys: limit reached, unknown key, IP already listed, IP not listed', async () => {
    const p = await makePartner(sys, op);
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const k = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [`10.9.0.${i}`] } });
      assert.equal(k.status, 201, k.text);
      ids.push(k.body.key.id);
    }
    refused(await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['10.9.0.9'] } }), 'api_key_limit_reached', 409, '3002', 'keys');
    refused(await p.client.call('GET', '/v1/portal/api-keys/999999999'), 'api_key_not_found', 404, '3001', 'keyId');
    refused(await p.client.call('POST', `/v1/portal/api-keys/${ids[0]}/ips`, { json: { ip: '10.9.0.1' } }), 'api_key_ip_exists', 409, '3002', 'ip');
    refused(await p.client.call('DELETE', `/v1/portal/api-keys/${ids[0]}/ips/10.9.9.9`), 'api_key_ip_not_found', 404, '3001', 'ip');
  });

  test('applications: already open, nothing to cancel, unknown application, not under review', async () => {
    const c = await makeCompany(sys, op);
    refused(await c.client.call('POST', '/v1/portal/api-application/cancel'), 'application_not_cancellable', 409, '3002', 'application');
    const a = await c.client.call('POST', '/v1/portal/api-application', { json: {} });
    assert.equal(a.status, 201, a.text);
    refused(await c.client.call('POST', '/v1/portal/api-application', { json: {} }), 'application_already_open', 409, '3002', 'application');
    refused(await op.call('GET', '/v1/operator/api-applications/999999999'), 'application_not_found', 404, '3001', 'id');
    assert.equal((await op.call('POST', `/v1/operator/api-applications/${a.body.id}/approve`)).status, 200);
    refused(await op.call('POST', `/v1/operator/api-applications/${a.body.id}/approve`), 'application_not_under_review', 409, '3002', 'id');
  });

  test('partners and company conversions', async () => {
    refused(await op.call('POST', '/v1/operator/partners/999999999/restore'), 'partner_not_found', 404, '3001', 'id');
    refused(await op.call('POST', '/v1/operator/company-conversions/999999999/approve'), 'conversion_not_found', 404, '3001', 'id');
    const u = await signUpAndLogin(sys);
    refused(await u.client.call('POST', '/v1/portal/company-conversion/cancel'), 'conversion_not_cancellable', 409, '3002', 'conversion');
  });

  test('보안로그인: not started, off', async () => {
    const u = await signUpAndLogin(sys);
    refused(await u.client.call('POST', '/v1/portal/me/totp/confirm', { json: { code: '123456' } }), 'second_factor_not_started', 409, '3002', 'code');
    refused(await u.client.call('POST', '/v1/portal/me/totp/disable', { json: { password: 'x', code: '123456' } }), 'second_factor_off', 409, '3002', 'code');
  });
});

describe('the legacy face is never unguarded', () => {
  test('a server built without a guard still refuses an unknown partner key (2005)', async () => {
    const app = await buildHttpServer({ ctx: sys.ctx, operatorToken: sys.operatorToken });
    try {
      const r = await app.inject({
        method: 'POST',
        url: '/_member.aspx',
        headers: { authorization: 'Bearer hbk_not-a-key', 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'cmd=CHECKID&fmt=json&id=someone123',
      });
      const body = JSON.parse(r.body) as { result?: { code: string }; code?: string };
      assert.equal((body.result ?? body).code, '2005', r.body);
    } finally {
      await app.close();
    }
  });
});
