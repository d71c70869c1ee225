// Seed A §1–4 over HTTP through the legacy .aspx face: register → apply → GETSVCKEY, and every refusal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { freshBizno, freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost, legacyPostEucKr, parseLegacyXml } from '../support/http.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

function memberFields(bizno = freshBizno(), id = freshLoginId()) {
  return { cmd: 'INSERT', bizno, com_name: '(주)한빌테스트', ceo_name: '홍길동', id, pwd: 'Secret123!', user_name: '김담당', email: 'tax@example.kr', uptae: '서비스', jongmok: '소프트웨어' };
}

describe('seed A onboarding (legacy)', () => {
  test('register → apply package 1 unit 1 free → GETSVCKEY returns sinchno and svc_key', async () => {
    const m = memberFields();
    const reg = await legacyPost(sys.url, '_member.aspx', m);
    assert.equal(reg.code, '0000', reg.msg);
    assert.equal(reg['bizno'], m.bizno);
    assert.match(String(reg['member_no']), /^\d+$/);

    const sub = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.id, pwd: m.pwd, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
    assert.equal(sub.code, '0000', sub.msg);
    const sinchno = Number(sub['sinchno']);
    assert.ok(sinchno > 0);
    assert.equal(sub['db_name'], `tax${String(sinchno).padStart(6, '0')}`);
    assert.equal(sub['state'], 'active');

    const key = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.id, pwd: m.pwd });
    assert.equal(key.code, '0000', key.msg);
    assert.equal(Number(key['sinchno']), sinchno);
    const svcKey = String(key['svc_key']);
    assert.ok(Buffer.from(svcKey, 'base64url').length >= 16, 'svc_key carries at least 128 bits');
    assert.equal(key['com_name'], '(주)한빌테스트');

    const again = await legacyPost(sys.url, '_auth.aspx', { cmd: 'getsvckey', bizno: m.bizno, id: m.id, pwd: m.pwd });
    assert.equal(again['svc_key'], svcKey, 'stable until RESETKEY');

    // the key is stored only as a hash: nothing in the row equals it
    const row = await sys.database.pool.query('SELECT svc_key_hash, svc_key_salt FROM subscriptions WHERE id = $1', [sinchno]);
    assert.ok(!row.rows[0].svc_key_hash.equals(Buffer.from(svcKey)));
    assert.ok(!JSON.stringify(row.rows[0]).includes(svcKey));

    const ledgers = await sys.database.pool.query('SELECT kind, db_name, table_name FROM ledgers WHERE subscription_id = $1 ORDER BY kind', [sinchno]);
    assert.deepEqual(
      ledgers.rows.map((r) => [r.kind, r.table_name]),
      [
        ['purchase', 'buydoclstmst'],
        ['sales', 'doclstmst'],
      ],
    );

    const reset = await legacyPost(sys.url, '_auth.aspx', { cmd: 'RESETKEY', bizno: m.bizno, id: m.id, pwd: m.pwd });
    assert.equal(reset.code, '0000');
    assert.notEqual(reset['svc_key'], svcKey);
  });

  test('wrong password → 2001, and nothing reveals whether the ID exists', async () => {
    const m = memberFields();
    assert.equal((await legacyPost(sys.url, '_member.aspx', m)).code, '0000');
    const wrong = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.id, pwd: 'Wrong123!' });
    assert.equal(wrong.code, '2001');
    const unknown = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: 'nobody-here', pwd: 'Wrong123!' });
    assert.equal(unknown.code, '2001');
    assert.equal(unknown.msg, wrong.msg);
    const apply = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.id, pwd: 'nope12345', pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
    assert.equal(apply.code, '2001');
  });

  test('GETSVCKEY without any subscription → 2004', async () => {
    const m = memberFields();
    assert.equal((await legacyPost(sys.url, '_member.aspx', m)).code, '0000');
    const r = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.id, pwd: m.pwd });
    assert.equal(r.code, '2004');
  });

  test('duplicate business number → 2002; duplicate ID (any case) → 2003; CHECKID agrees', async () => {
    const m = memberFields();
    assert.equal((await legacyPost(sys.url, '_member.aspx', m)).code, '0000');
    const dupBiz = await legacyPost(sys.url, '_member.aspx', { ...m, id: freshLoginId() });
    assert.equal(dupBiz.code, '2002');
    assert.match(dupBiz.msg, /^bizno:/);
    const dupId = await legacyPost(sys.url, '_member.aspx', { ...m, bizno: freshBizno(), id: m.id.toUpperCase() });
    assert.equal(dupId.code, '2003');
    assert.equal((await legacyPost(sys.url, '_member.aspx', { cmd: 'CHECKID', id: m.id })).code, '2003');
    assert.equal((await legacyPost(sys.url, '_member.aspx', { cmd: 'CHECKID', id: freshLoginId() })).code, '0000');
    const count = await sys.database.pool.query('SELECT count(*)::int AS n FROM members WHERE bizno = $1', [m.bizno]);
    assert.equal(count.rows[0].n, 1, 'refused signups changed nothing');
  });

  test('bad checksum → 1002 naming bizno; missing field → 1001 naming it; nothing stored', async () => {
    const bad = await legacyPost(sys.url, '_member.aspx', { ...memberFields(), bizno: '1234567890' });
    assert.equal(bad.code, '1002');
    assert.match(bad.msg, /^bizno: /);
    assert.equal(bad['field'], 'bizno');
    const missing = memberFields();
    delete (missing as Partial<typeof missing>).ceo_name;
    const r = await legacyPost(sys.url, '_member.aspx', missing);
    assert.equal(r.code, '1001');
    assert.match(r.msg, /^ceo_name: /);
    const count = await sys.database.pool.query('SELECT count(*)::int AS n FROM members WHERE login_id = $1', [missing.id]);
    assert.equal(count.rows[0].n, 0);
  });

  test('unknown cmd → 1003; `mode` is an alias of cmd; page names are case-insensitive', async () => {
    assert.equal((await legacyPost(sys.url, '_member.aspx', { cmd: 'DROP' })).code, '1003');
    assert.equal((await legacyPost(sys.url, '_member.aspx', {})).code, '1003');
    assert.equal((await legacyPost(sys.url, '_Member.ASPX', { mode: 'checkid', id: freshLoginId() })).code, '0000');
  });

  test('package / unit refusals: 2008, 2009; amounts must add up (3003)', async () => {
    const m = memberFields();
    await legacyPost(sys.url, '_member.aspx', m);
    const base = { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.id, pwd: m.pwd, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 };
    assert.equal((await legacyPost(sys.url, '_service.aspx', { ...base, pack_code: 999999 })).code, '2008');
    assert.equal((await legacyPost(sys.url, '_service.aspx', { ...base, svcunit_code: '1,999999' })).code, '2009');
    const sum = await legacyPost(sys.url, '_service.aspx', { ...base, amount: 1000, vat: 100, total_amount: 1000 });
    assert.equal(sum.code, '3003');
    assert.match(sum.msg, /^total_amount:/);
    assert.equal((await legacyPost(sys.url, '_service.aspx', { ...base, amount: 'abc' })).code, '1002');
  });

  test('EUC-KR request is decoded and answered in EUC-KR', async () => {
    const m = memberFields();
    const { bytes, contentType } = await legacyPostEucKr(sys.url, '_member.aspx', { ...m, com_name: '똠방상사㈜' });
    assert.match(contentType, /charset=euc-kr/i);
    const text = iconv.decode(bytes, 'cp949');
    assert.match(text, /encoding="EUC-KR"/);
    assert.equal(parseLegacyXml(text).code, '0000');
    const { bytes: keyBytes } = await legacyPostEucKr(sys.url, '_service.aspx', {
      cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.id, pwd: m.pwd, pack_code: '1', svcunit_code: '1', amount: '0', vat: '0', total_amount: '0',
    });
    assert.equal(parseLegacyXml(iconv.decode(keyBytes, 'cp949')).code, '0000');
    const { bytes: auth } = await legacyPostEucKr(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.id, pwd: m.pwd });
    const answer = iconv.decode(auth, 'cp949');
    assert.equal(parseLegacyXml(answer)['com_name'], '똠방상사㈜');
    assert.ok(!auth.includes(Buffer.from('똠방상사㈜', 'utf8')), 'the answer bytes are CP949, not UTF-8');
  });

  test('fmt=json answers the same keys in JSON; GET works too', async () => {
    const id = freshLoginId();
    const res = await fetch(`${sys.url}/_member.aspx?cmd=CHECKID&id=${id}&fmt=json`);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await res.json(), { code: '0000', msg: '사용 가능한 아이디입니다', id });
  });
});
