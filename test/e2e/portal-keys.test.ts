// Partner API keys and their enforcement on the REST and legacy faces: limits, shown-once Access Key,
// IP allow-lists (a client socket bound to 127.0.0.2 is a disallowed caller), ON/OFF, reissue, delete,
// partner suspension, last-used time, members registered with a key belong to the partner, audit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { Client, legacyInsertMember, makePartner, operatorClient, request } from './portal-support.ts';

let sys: TestSystem;
let op: Client;
before(async () => {
  sys = await startTestSystem();
  op = await operatorClient(sys);
});
after(async () => {
  await sys.close();
});

const ALLOWED = '127.0.0.1';
const OTHER = '127.0.0.2';
const me = (key: string, localAddress: string) => request(sys.url, 'GET', '/v1/partner/me', { headers: { authorization: `Bearer ${key}` }, localAddress });

describe('API keys', () => {
  test('issue: needs an IP; Access Key shown once (only a prefix is listed, only a hash stored); at most 5 keys', async () => {
    const p = await makePartner(sys, op);
    const none = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [''] } });
    assert.equal(none.status, 400);
    assert.equal(none.body.error.field, 'ips');
    const bad = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['10.0.0.1', '300.1.1.1'] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'ips[1]');
    const six = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'] } });
    assert.equal(six.status, 400);

    const k = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['2001:DB8::0:1', '::ffff:10.1.2.3', ALLOWED] } });
    assert.equal(k.status, 201, k.text);
    assert.match(k.body.accessKey, /^hbk_[A-Za-z0-9]{40}$/);
    assert.deepEqual(k.body.key.ips, ['2001:db8::1', '10.1.2.3', ALLOWED], 'IPs are normalised');
    assert.equal(k.headers['cache-control'], 'no-store');
    const list = await p.client.call('GET', '/v1/portal/api-keys');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(k.body.accessKey), 'the list never shows the Access Key');
    assert.ok(k.body.accessKey.startsWith(list.body.data[0].prefix));
    const stored = await sys.database.pool.query('SELECT encode(key_hash, $2) AS h, prefix FROM api_keys WHERE id = $1', [k.body.key.id, 'hex']);
    assert.ok(!JSON.stringify(stored.rows).includes(k.body.accessKey.slice(12)));
    const audit = await sys.database.pool.query('SELECT details::text AS d FROM audit_log WHERE target_kind = $1 AND target_id = $2', ['api_key', k.body.key.id]);
    assert.ok(audit.rows.length >= 1);
    assert.ok(audit.rows.every((r: { d: string }) => !r.d.includes(k.body.accessKey)), 'the audit log never holds the key');

    for (let i = 2; i <= 5; i++) assert.equal((await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [`10.0.0.${i}`] } })).status, 201);
    const sixth = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['10.0.0.9'] } });
    assert.equal(sixth.status, 409);
    assert.match(sixth.body.error.message, /최대 5개/);
    const del = await p.client.call('DELETE', `/v1/portal/api-keys/${k.body.key.id}`);
    assert.equal(del.status, 200);
    assert.equal((await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['10.0.0.9'] } })).status, 201, 'a deleted key frees its place');
  });

  test('IP list: add, duplicate refused, sixth refused, delete, replace; an empty list refuses every call', async () => {
    const p = await makePartner(sys, op);
    const k = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [ALLOWED] } });
    const id = k.body.key.id;
    assert.equal((await p.client.call('POST', `/v1/portal/api-keys/${id}/ips`, { json: { ip: '127.0.0.1' } })).status, 409);
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::5']) assert.equal((await p.client.call('POST', `/v1/portal/api-keys/${id}/ips`, { json: { ip } })).status, 200);
    const sixth = await p.client.call('POST', `/v1/portal/api-keys/${id}/ips`, { json: { ip: '192.0.2.9' } });
    assert.equal(sixth.status, 400);
    assert.match(sixth.body.error.message, /최대 5개/);
    const rm = await p.client.call('DELETE', `/v1/portal/api-keys/${id}/ips/${encodeURIComponent('2001:db8::5')}`);
    assert.equal(rm.status, 200);
    assert.deepEqual(rm.body.ips, [ALLOWED, '192.0.2.1', '192.0.2.2', '192.0.2.3']);
    assert.equal((await me(k.body.accessKey, ALLOWED)).status, 200);
    const emptied = await p.client.call('PUT', `/v1/portal/api-keys/${id}/ips`, { json: { ips: [] } });
    assert.deepEqual(emptied.body.ips, []);
    const refused = await me(k.body.accessKey, ALLOWED);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'ip_not_allowed');
    assert.match(refused.body.error.message, /등록된 IP가 없습니다/);
    const back = await p.client.call('PUT', `/v1/portal/api-keys/${id}/ips`, { json: { ips: ['::ffff:127.0.0.1'] } });
    assert.deepEqual(back.body.ips, [ALLOWED], 'an IPv4-mapped address is stored as the IPv4 it maps');
    assert.equal((await me(k.body.accessKey, ALLOWED)).status, 200);
  });
});

describe('enforcement (REST and legacy)', () => {
  test('allowed IP works, other IP refused; OFF refused; reissue: old refused, new works; delete refused — each logged', async () => {
    const p = await makePartner(sys, op);
    const k = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [ALLOWED] } });
    const key1: string = k.body.accessKey;
    const id = k.body.key.id;

    // REST
    const ok = await me(key1, ALLOWED);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, { partnerId: p.partnerId, apiKeyId: id, callerIp: ALLOWED });
    const far = await me(key1, OTHER);
    assert.equal(far.status, 403);
    assert.equal(far.body.error.code, 'ip_not_allowed');
    assert.match(far.body.error.message, /127\.0\.0\.2/);
    // legacy
    const m1 = await legacyInsertMember(sys.url, { key: key1, localAddress: ALLOWED });
    assert.equal(m1.code, '0000', m1.msg);
    const owner = await sys.database.pool.query('SELECT partner_id FROM members WHERE id = $1', [Number(m1.member_no)]);
    assert.equal(Number(owner.rows[0].partner_id), p.partnerId, 'a member registered with a partner key belongs to the partner');
    const m2 = await legacyInsertMember(sys.url, { key: key1, localAddress: OTHER });
    assert.equal(m2.code, '2006');
    assert.match(m2.msg, /127\.0\.0\.2/);
    const noKey = await legacyInsertMember(sys.url, { localAddress: OTHER });
    assert.equal(noKey.code, '0000', 'without a key the public signup stays open');
    const members = await request(sys.url, 'GET', '/v1/partner/members', { headers: { authorization: `Bearer ${key1}` } });
    assert.deepEqual(members.body.data.map((m: { loginId: string }) => m.loginId), [m1.loginId]);

    const listed = await p.client.call('GET', `/v1/portal/api-keys/${id}`);
    assert.ok(listed.body.lastUsedAt, 'last used time is recorded');

    // OFF
    assert.equal((await p.client.call('PATCH', `/v1/portal/api-keys/${id}`, { json: { enabled: false } })).body.enabled, false);
    const off = await me(key1, ALLOWED);
    assert.equal(off.status, 403);
    assert.equal(off.body.error.code, 'api_key_disabled');
    assert.equal((await legacyInsertMember(sys.url, { key: key1 })).code, '2006');
    await p.client.call('PATCH', `/v1/portal/api-keys/${id}`, { json: { enabled: true } });
    assert.equal((await me(key1, ALLOWED)).status, 200);

    // reissue
    const re = await p.client.call('POST', `/v1/portal/api-keys/${id}/reissue`);
    assert.equal(re.status, 200);
    const key2: string = re.body.accessKey;
    assert.notEqual(key2, key1);
    assert.deepEqual(re.body.key.ips, [ALLOWED], 'the IP list stays');
    const old = await me(key1, ALLOWED);
    assert.equal(old.status, 401);
    assert.equal(old.body.error.code, 'api_key_invalid');
    assert.match(old.body.error.message, /재발급/);
    const oldLegacy = await legacyInsertMember(sys.url, { key: key1 });
    assert.equal(oldLegacy.code, '2005');
    assert.equal((await me(key2, ALLOWED)).status, 200);
    assert.equal((await legacyInsertMember(sys.url, { key: key2 })).code, '0000');

    // delete
    assert.equal((await p.client.call('DELETE', `/v1/portal/api-keys/${id}`)).status, 200);
    const gone = await me(key2, ALLOWED);
    assert.equal(gone.status, 401);
    assert.match(gone.body.error.message, /삭제/);
    assert.equal((await legacyInsertMember(sys.url, { key: key2 })).code, '2005');
    assert.equal((await p.client.call('GET', `/v1/portal/api-keys/${id}`)).status, 404);

    const refusals = await op.call('GET', '/v1/operator/audit-log?action=api.refused&limit=500');
    const mine = refusals.body.data.filter((e: { targetId: number }) => e.targetId === id);
    const reasons = new Set(mine.map((e: { details: { reason: string } }) => e.details.reason));
    for (const r of ['ip_not_allowed', 'api_key_disabled', 'api_key_invalid']) assert.ok(reasons.has(r), `refusal ${r} is logged`);
    assert.ok(mine.some((e: { ip: string }) => e.ip === OTHER));
  });

  test('a suspended partner is refused until restored; its members’ calls without a key too', async () => {
    const p = await makePartner(sys, op);
    const k = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: [ALLOWED] } });
    const m = await legacyInsertMember(sys.url, { key: k.body.accessKey });
    assert.equal(m.code, '0000');
    const auth = (localAddress: string) =>
      request(sys.url, 'POST', '/_auth.aspx', { form: { cmd: 'GETSVCKEY', fmt: 'json', bizno: m.bizno, id: m.loginId, pwd: 'Secret123' }, localAddress });
    await request(sys.url, 'POST', '/_service.aspx', {
      form: { cmd: 'SINCHSERVICE', fmt: 'json', bizno: m.bizno, id: m.loginId, pwd: 'Secret123', pack_code: '1', svcunit_code: '1', amount: '0', vat: '0', total_amount: '0' },
      headers: { authorization: `Bearer ${k.body.accessKey}` },
    });
    assert.equal((await auth(ALLOWED)).body.code, '0000', 'the member’s own call from the partner’s IP works');
    const elsewhere = await auth(OTHER);
    assert.equal(elsewhere.body.code, '2006', 'the partner’s IP rules apply to its members’ calls');

    const s = await op.call('POST', `/v1/operator/partners/${p.partnerId}/suspend`, { json: { reason: '미납' } });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.state, 'suspended');
    const r = await me(k.body.accessKey, ALLOWED);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'partner_suspended');
    assert.match(r.body.error.message, /미납/);
    assert.equal((await auth(ALLOWED)).body.code, '2006');
    const portal = await p.client.call('GET', '/portal/api/keys');
    assert.match(portal.text, /정지/);
    assert.equal((await op.call('POST', `/v1/operator/partners/${p.partnerId}/restore`)).body.state, 'active');
    assert.equal((await me(k.body.accessKey, ALLOWED)).status, 200);
    const partners = await op.call('GET', '/v1/operator/partners');
    const row = partners.body.data.find((x: { id: number }) => x.id === p.partnerId);
    assert.equal(row.members, 1);
    assert.equal(row.activeKeys, 1);
  });
});
