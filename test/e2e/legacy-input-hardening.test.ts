// Issue 8 (items 2, 3, 7, 9, 10) over real HTTP: the legacy pages decode raw and percent-encoded bytes in
// UTF-8 and CP949 (bytes invalid in the request's charset: 1002 naming the field, nothing stored), one
// canonical subscription-id parser shared by the API guard and the handlers, numbered fields bounded
// while their names are read, and control characters refused per field on the legacy and REST faces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { freshBizno, freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost, parseLegacyXml, rest, type LegacyResult } from '../support/http.ts';
import { legacyInvoiceFields, onboard } from '../support/onboard.ts';
import { Client, legacyInsertMember, makePartner, operatorClient, request } from './portal-support.ts';
import fs from 'node:fs';
import path from 'node:path';

/** The `curl -d …` examples of README.md: the page each posts to and its `-d` arguments as printed. */
function readmeCurlExamples(): { page: string; args: string[] }[] {
  const readme = fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  return [...readme.matchAll(/^curl (?:-d .*?)(?:\\\n.*?)*http:\/\/localhost:8080\/(\S+\.aspx)$/gms)].map((m) => ({
    page: m[1]!,
    args: [...m[0].replace(/\\\n/g, ' ').matchAll(/-d (\S+)/g)].map((a) => a[1]!),
  }));
}

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

type Charset = 'utf-8' | 'cp949';
type Form = 'raw' | 'percent';
type Fields = Record<string, string | number | Buffer>;

/** A urlencoded body as a legacy client builds it: values as raw bytes (what `curl -d` sends) or %XX-escaped. */
function formBody(fields: Fields, charset: Charset, form: Form): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    const bytes = Buffer.isBuffer(v) ? v : charset === 'utf-8' ? Buffer.from(String(v), 'utf8') : iconv.encode(String(v), 'cp949');
    const value = form === 'raw' ? bytes : Buffer.from([...bytes].map((b) => '%' + b.toString(16).padStart(2, '0')).join(''), 'latin1');
    if (parts.length) parts.push(Buffer.from('&'));
    parts.push(Buffer.from(`${k}=`), value);
  }
  return Buffer.concat(parts);
}

async function postBytes(page: string, body: Buffer, contentType: string): Promise<LegacyResult> {
  const res = await fetch(`${sys.url}/${page}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  const charset = /charset=euc-kr/i.test(res.headers.get('content-type') ?? '') ? 'cp949' : 'utf8';
  return parseLegacyXml(iconv.decode(bytes, charset));
}

function post(page: string, fields: Fields, charset: Charset, form: Form): Promise<LegacyResult> {
  const ct = charset === 'cp949' ? 'application/x-www-form-urlencoded; charset=euc-kr' : 'application/x-www-form-urlencoded';
  return postBytes(page, formBody(fields, charset, form), ct);
}

const VARIANTS: { charset: Charset; form: Form }[] = [
  { charset: 'utf-8', form: 'raw' },
  { charset: 'utf-8', form: 'percent' },
  { charset: 'cp949', form: 'raw' },
  { charset: 'cp949', form: 'percent' },
];

/** Bytes that are not text in the named charset (a lone lead byte, a lone trail byte, 0xFF). */
const INVALID: Record<Charset, Buffer> = {
  'utf-8': Buffer.from([0x41, 0xed, 0x95, 0x42]), // truncated 3-byte sequence
  cp949: Buffer.from([0x41, 0xff, 0xfe, 0x42]), // 0xFF is no CP949 lead byte
};

const memberFields = (o: { bizno?: string; id?: string; pwd?: string; com?: string } = {}) => ({
  cmd: 'INSERT',
  bizno: o.bizno ?? freshBizno(),
  com_name: o.com ?? '한빌 상사㈜',
  ceo_name: '홍길동',
  id: o.id ?? freshLoginId(),
  pwd: o.pwd ?? 'Secret123',
  user_name: '김담당',
  email: 'tax@example.kr',
});

const memberRow = async (bizno: string) =>
  (await sys.database.pool.query('SELECT com_name, ceo_name, user_name FROM members WHERE bizno = $1', [bizno])).rows as { com_name: string; ceo_name: string; user_name: string }[];

describe('legacy charsets: raw and percent-encoded bytes, UTF-8 and CP949, on every page', () => {
  for (const { charset, form } of VARIANTS) {
    test(`_member.aspx INSERT stores correct Hangul (${charset}, ${form})`, async () => {
      const f = memberFields();
      const r = await post('_member.aspx', f, charset, form);
      assert.equal(r.code, '0000', r.msg);
      assert.deepEqual(await memberRow(f.bizno), [{ com_name: '한빌 상사㈜', ceo_name: '홍길동', user_name: '김담당' }]);
    });

    test(`_member.aspx INSERT with bytes invalid in ${charset} (${form}): 1002 naming the field, nothing stored`, async () => {
      const f = memberFields();
      const r = await post('_member.aspx', { ...f, com_name: INVALID[charset] }, charset, form);
      assert.equal(r.code, '1002', r.msg);
      assert.equal(r['field'], 'com_name');
      assert.match(r.msg, /^com_name: /);
      assert.deepEqual(await memberRow(f.bizno), []);
    });

    test(`_service.aspx and _auth.aspx read a Hangul password (${charset}, ${form}); invalid bytes are 1002`, async () => {
      const f = memberFields({ pwd: 'Pass비밀번호123' });
      assert.equal((await legacyPost(sys.url, '_member.aspx', f)).code, '0000');
      const cred = { bizno: f.bizno, id: f.id, pwd: f.pwd };
      const sub = await post('_service.aspx', { cmd: 'SINCHSERVICE', ...cred, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 }, charset, form);
      assert.equal(sub.code, '0000', sub.msg);
      const key = await post('_auth.aspx', { cmd: 'GETSVCKEY', ...cred }, charset, form);
      assert.equal(key.code, '0000', key.msg);
      assert.equal(String(key['sinchno']), String(sub['sinchno']));
      assert.equal(key['com_name'], '한빌 상사㈜', 'the answer is encoded in the request’s charset');
      for (const page of ['_service.aspx', '_auth.aspx']) {
        const bad = await post(page, { cmd: page === '_auth.aspx' ? 'GETSVCKEY' : 'SINCHSERVICE', ...cred, pwd: INVALID[charset] }, charset, form);
        assert.equal(bad.code, '1002', `${page}: ${bad.msg}`);
        assert.equal(bad['field'], 'pwd');
      }
      const subs = await sys.database.pool.query('SELECT count(*)::int AS n FROM subscriptions s JOIN members m ON m.id = s.member_id WHERE m.bizno = $1', [f.bizno]);
      assert.equal(subs.rows[0].n, 1, 'the refused SINCHSERVICE stored nothing');
    });

    test(`document.aspx INSERT stores correct Hangul; invalid bytes are 1002 and store nothing (${charset}, ${form})`, async () => {
      const sup = await onboard(sys.url);
      const fields = { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno()), doc__buy_name: '(주)똠방각하', item1__name: '컨설팅 용역' };
      const r = await post('document.aspx', fields, charset, form);
      assert.equal(r.code, '0000', r.msg);
      const got = await post('document.aspx', { cmd: 'GET', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockey: String(r['dockey']) }, charset, form);
      assert.equal(got['buy_name'], '(주)똠방각하');
      assert.equal(got['item_summary'], '컨설팅 용역 외 1건');
      const before = await sys.database.pool.query('SELECT count(*)::int AS n FROM documents WHERE subscription_id = $1', [sup.sinchno]);
      const bad = await post('document.aspx', { ...fields, item2__name: INVALID[charset] }, charset, form);
      assert.equal(bad.code, '1002', bad.msg);
      assert.equal(bad['field'], 'item2__name');
      const afterBad = await sys.database.pool.query('SELECT count(*)::int AS n FROM documents WHERE subscription_id = $1', [sup.sinchno]);
      assert.equal(afterBad.rows[0].n, before.rows[0].n);
    });

    test(`taxinvoice.aspx REQNTS: invalid bytes in dockeys are 1002 naming it (${charset}, ${form})`, async () => {
      const sup = await onboard(sys.url);
      const bad = await post('taxinvoice.aspx', { cmd: 'REQNTS', sinch_no: sup.sinchno, svc_key: sup.svcKey, dockeys: INVALID[charset] }, charset, form);
      assert.equal(bad.code, '1002', bad.msg);
      assert.equal(bad['field'], 'dockeys');
    });
  }

  test('CP949 bytes sent without a declared charset are not UTF-8: 1002 naming the field, nothing stored', async () => {
    const f = memberFields();
    const r = await postBytes('_member.aspx', formBody({ ...f, com_name: iconv.encode('한빌', 'cp949') }, 'utf-8', 'raw'), 'application/x-www-form-urlencoded');
    assert.equal(r.code, '1002', r.msg);
    assert.equal(r['field'], 'com_name');
    assert.deepEqual(await memberRow(f.bizno), []);
  });

  test('a charset field (GET query string, percent-encoded CP949) picks CP949', async () => {
    const f = memberFields();
    const q = formBody({ ...f, charset: 'euc-kr' }, 'cp949', 'percent').toString('latin1');
    const res = await fetch(`${sys.url}/_member.aspx?${q}`);
    const r = parseLegacyXml(iconv.decode(Buffer.from(await res.arrayBuffer()), 'cp949'));
    assert.equal(r.code, '0000', r.msg);
    assert.equal((await memberRow(f.bizno))[0]?.com_name, '한빌 상사㈜');
  });

  test('multipart fields: UTF-8 by default, CP949 when declared; invalid bytes are 1002', async () => {
    const multipart = (fields: Fields, charset: Charset) => {
      const boundary = '----hanbill' + Math.random().toString(16).slice(2);
      const parts: Buffer[] = [];
      for (const [k, v] of Object.entries(fields)) {
        const bytes = Buffer.isBuffer(v) ? v : charset === 'utf-8' ? Buffer.from(String(v)) : iconv.encode(String(v), 'cp949');
        parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n`), bytes, Buffer.from('\r\n'));
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}${charset === 'cp949' ? '; charset=euc-kr' : ''}` };
    };
    for (const charset of ['utf-8', 'cp949'] as const) {
      const f = memberFields();
      const ok = multipart(f, charset);
      const r = await postBytes('_member.aspx', ok.body, ok.contentType);
      assert.equal(r.code, '0000', `${charset}: ${r.msg}`);
      assert.equal((await memberRow(f.bizno))[0]?.com_name, '한빌 상사㈜', charset);
      const g = memberFields();
      const bad = multipart({ ...g, ceo_name: INVALID[charset] }, charset);
      const b = await postBytes('_member.aspx', bad.body, bad.contentType);
      assert.equal(b.code, '1002', `${charset}: ${b.msg}`);
      assert.equal(b['field'], 'ceo_name');
      assert.deepEqual(await memberRow(g.bizno), []);
      // a field named like an Object.prototype property is refused by the multipart reader: 1002 naming the body, not 9999
      const h = memberFields();
      const proto = multipart({ ...h, toString: 'x' }, charset);
      const p = await postBytes('_member.aspx', proto.body, proto.contentType);
      assert.equal(p.code, '1002', `${charset}: ${p.msg}`);
      assert.equal(p['field'], 'body');
      assert.deepEqual(await memberRow(h.bizno), []);
    }
  });

  test('the README’s curl examples, read from README.md and sent byte for byte as curl sends them, store correct Hangul', async () => {
    // curl -d a=1 -d b=2 joins the arguments with '&' and sends their bytes unchanged (UTF-8 terminal).
    // The examples are read from README.md, so the test follows them; only ids that must be fresh in a shared
    // database (bizno, login id) and the placeholders (sinch_no, svc_key: …) are replaced.
    const examples = readmeCurlExamples();
    const curl = (page: string, args: string[]) => postBytes(page, Buffer.from(args.join('&'), 'utf8'), 'application/x-www-form-urlencoded');
    const set = (args: string[], values: Record<string, string>) => args.map((a) => { const k = a.slice(0, a.indexOf('=')); return k in values ? `${k}=${values[k]}` : a; });
    const bizno = freshBizno();
    const id = freshLoginId('hanbill');
    const member = examples.find((e) => e.page === '_member.aspx');
    assert.ok(member, 'README has the _member.aspx example');
    const r = await curl('_member.aspx', set(member.args, { bizno, id }));
    assert.equal(r.code, '0000', r.msg);
    assert.deepEqual(await memberRow(bizno), [{ com_name: '한빌', ceo_name: '홍길동', user_name: '김담당' }]);

    const sup = await onboard(sys.url);
    const example = examples.find((e) => e.page === 'document.aspx');
    assert.ok(example, 'README has the document.aspx example');
    const doc = set(example.args, { sinch_no: String(sup.sinchno), svc_key: sup.svcKey });
    assert.ok(doc.includes('doc__buy_name=구매자') && doc.includes('item1__name=컨설팅'), doc.join('&'));
    const d = await postBytes('document.aspx', Buffer.from(doc.join('&'), 'utf8'), 'application/x-www-form-urlencoded');
    assert.equal(d.code, '0000', d.msg);
    const row = await sys.database.pool.query('SELECT buy_name, item_summary FROM documents WHERE dockey = $1', [String(d['dockey'])]);
    assert.deepEqual(row.rows, [{ buy_name: '구매자', item_summary: '컨설팅' }]);
  });
});

describe('subscription ids: one canonical parser for the guard and the handlers', () => {
  const NON_CANONICAL = ['0000000000000001', '01', '+1', '-1', '0', '1.0', '1e3', ' 1', '1 ', '１', '0x1', '9223372036854775808', '9007199254740992', '99999999999999999999999'];

  test('anything but a canonical positive integer is 1002 naming the field, on every page that takes one', async () => {
    const sup = await onboard(sys.url);
    for (const raw of NON_CANONICAL) {
      for (const field of ['sinch_no', 'sinchno']) {
        const calls: [string, Record<string, string | number>][] = [
          ['document.aspx', { cmd: 'MULTILIST', svc_key: sup.svcKey, dockeys: 'X', [field]: raw }],
          ['taxinvoice.aspx', { cmd: 'REQNTS', svc_key: sup.svcKey, dockeys: 'X', [field]: raw }],
          ['_auth.aspx', { cmd: 'GETSVCKEY', bizno: sup.bizno, id: sup.id, pwd: sup.pwd, [field]: raw }],
        ];
        for (const [page, fields] of calls) {
          const r = await legacyPost(sys.url, page, fields);
          assert.equal(r.code, '1002', `${page} ${field}=${JSON.stringify(raw)}: ${r.code} ${r.msg}`);
          assert.equal(r['field'], field, `${page} ${field}=${JSON.stringify(raw)}`);
        }
      }
    }
  });

  test('sinch_no and sinchno given together must agree', async () => {
    const sup = await onboard(sys.url);
    const other = await onboard(sys.url);
    const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: sup.sinchno, sinchno: other.sinchno, svc_key: sup.svcKey, dockeys: 'X' });
    assert.equal(r.code, '1002', r.msg);
    assert.match(String(r['field']), /^sinch_?no$/);
    const same = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: sup.sinchno, sinchno: sup.sinchno, svc_key: sup.svcKey, dockeys: 'X' });
    assert.equal(same.code, '0000', same.msg);
  });

  test('a zero-padded sinch_no does not bypass the partner’s IP allow-list or suspension', async () => {
    const op: Client = await operatorClient(sys);
    const p = await makePartner(sys, op);
    const k = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
    assert.equal(k.status, 201, k.text);
    const m = await legacyInsertMember(sys.url, { key: k.body.accessKey });
    assert.equal(m.code, '0000');
    const cred = { bizno: m.bizno, id: m.loginId, pwd: 'Secret123' };
    const sub = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', ...cred, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
    assert.equal(sub.code, '0000', sub.msg);
    const key = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', ...cred });
    const sinchno = String(key['sinchno']);
    const list = (sinch: string, localAddress: string) =>
      request(sys.url, 'POST', '/document.aspx', { form: { cmd: 'MULTILIST', fmt: 'json', sinch_no: sinch, svc_key: String(key['svc_key']), dockeys: 'X' }, localAddress });
    const padded = sinchno.padStart(16, '0');
    assert.equal((await list(sinchno, '127.0.0.1')).body.code, '0000');
    assert.equal((await list(sinchno, '127.0.0.2')).body.code, '2006', 'another IP is refused');
    const bypass = (await list(padded, '127.0.0.2')).body;
    assert.equal(bypass.code, '1002', `padded from another IP: ${bypass.code} ${bypass.msg}`);
    assert.equal(bypass.field, 'sinch_no');
    assert.equal((await op.call('POST', `/v1/operator/partners/${p.partnerId}/suspend`, { json: { reason: '미납' } })).status, 200);
    assert.equal((await list(sinchno, '127.0.0.1')).body.code, '2006', 'suspended');
    const suspended = (await list(padded, '127.0.0.1')).body;
    assert.equal(suspended.code, '1002', `padded while suspended: ${suspended.code} ${suspended.msg}`);
  });

  test('REST: a subscription id of 2^63 or more is a 4xx naming subscriptionId, never a 500', async () => {
    const sup = await onboard(sys.url);
    for (const id of ['9223372036854775807', '9223372036854775808', '18446744073709551616', '100000000000000000000']) {
      const r = await rest(sys.url, 'GET', `/v1/subscriptions/${id}/documents?from=2026-11-01&to=2026-11-30`, undefined, { 'x-svc-key': sup.svcKey });
      assert.ok(r.status >= 400 && r.status < 500, `${id}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.field, 'subscriptionId', id);
    }
    const k = await rest(sys.url, 'POST', '/v1/auth/service-key', { bizno: sup.bizno, loginId: sup.id, password: sup.pwd, subscriptionId: 2 ** 63 });
    assert.ok(k.status >= 400 && k.status < 500, `${k.status} ${JSON.stringify(k.body)}`);
  });
});

describe('ids of 2^63 and more are 1002 naming the field, never 9999', () => {
  test('SINCHSERVICE pack_code and svcunit_code', async () => {
    const f = memberFields();
    assert.equal((await legacyPost(sys.url, '_member.aspx', f)).code, '0000');
    const apply = (extra: Record<string, string>) =>
      legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: f.bizno, id: f.id, pwd: f.pwd, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0, ...extra });
    for (const [field, value] of [['pack_code', '9223372036854775808'], ['svcunit_code', '9223372036854775808'], ['svcunit_code', '1,99999999999999999999'], ['svcunit_code', '1,01']] as const) {
      const r = await apply({ [field]: value });
      assert.equal(r.code, '1002', `${field}=${value}: ${r.code} ${r.msg}`);
      assert.equal(r['field'], field);
    }
  });
});

describe('numbered fields are bounded while their names are read', () => {
  const HUGE = ['item1000000__name', 'item4294967296__name', 'item100__name', 'item0__name', 'item01__name', 'detail100__name', 'detail4294967296__date', 'item99999999999999999999999__name'];

  test('row numbers outside 1…99 (or not canonical) are 1002 naming the field, fast, nothing stored', async () => {
    const sup = await onboard(sys.url);
    for (const name of HUGE) {
      const started = Date.now();
      const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno()), [name]: 'x' });
      const ms = Date.now() - started;
      assert.equal(r.code, '1002', `${name}: ${r.code} ${r.msg}`);
      assert.equal(r['field'], name);
      assert.ok(ms < 2000, `${name} answered in ${ms} ms`);
    }
    const n = await sys.database.pool.query('SELECT count(*)::int AS n FROM documents WHERE subscription_id = $1', [sup.sinchno]);
    assert.equal(n.rows[0].n, 0);
    const ok = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno()), item99__name: 'x' });
    assert.equal(ok.code, '1001', 'row 99 is in range (rows 3…98 are then missing)');
    assert.equal(ok['field'], 'item3__supply_amt');
  });
});

describe('control characters are refused per field (legacy and REST)', () => {
  test('legacy: C0 controls, DEL and NUL in text fields are 1002 naming the field; tab and newline only in multi-line fields', async () => {
    for (const [field, value] of [['com_name', '한빌\u0000'], ['ceo_name', '홍\u0007길동'], ['com_name', '한\u007f빌'], ['user_name', '김\t담당'], ['addr1', '서울\n중구'], ['com_name', '한빌\u0085']] as const) {
      const f = memberFields();
      const r = await post('_member.aspx', { ...f, [field]: value }, 'utf-8', 'percent');
      assert.equal(r.code, '1002', `${field}=${JSON.stringify(value)}: ${r.msg}`);
      assert.equal(r['field'], field);
      assert.deepEqual(await memberRow(f.bizno), []);
    }
    const sup = await onboard(sys.url);
    for (const [field, value] of [['doc__buy_name', '구매\u0001자'], ['item1__name', '노트\n북'], ['doc__buy_addr', '부산\t해운대'], ['doc__remark', 'x\u0000y'], ['detail__memo', 'a\u001bb']] as const) {
      const r = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno()), [field]: value });
      assert.equal(r.code, '1002', `${field}=${JSON.stringify(value)}: ${r.msg}`);
      assert.equal(r['field'], field);
    }
    assert.equal((await sys.database.pool.query('SELECT count(*)::int AS n FROM documents WHERE subscription_id = $1', [sup.sinchno])).rows[0].n, 0);
    const multi = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', ...legacyInvoiceFields(sup, freshBizno()), doc__remark: '11월분\r\n2차 납품', detail__title: '명세서', detail__memo: '감사합니다\n\t- 한빌' });
    assert.equal(multi.code, '0000', multi.msg);
    const row = await sys.database.pool.query('SELECT body FROM documents WHERE dockey = $1', [String(multi['dockey'])]);
    assert.deepEqual(row.rows[0].body.remarks, ['11월분\r\n2차 납품']);
    assert.equal(row.rows[0].body.statement.memo, '감사합니다\n\t- 한빌');
  });

  test('REST: control characters in member, portal and document text are 400 naming the field', async () => {
    const bizno = freshBizno();
    const m = await rest(sys.url, 'POST', '/v1/members', {
      bizno, companyName: '한빌\u0000', ceoName: '홍길동', loginId: freshLoginId(), password: 'Secret123', userName: '김담당', email: 'tax@example.kr',
    });
    assert.equal(m.status, 400, JSON.stringify(m.body));
    assert.equal(m.body.error.field, 'companyName');
    assert.deepEqual(await memberRow(bizno), []);
    const s = await request(sys.url, 'POST', '/v1/portal/signup', { json: { loginId: freshLoginId('p'), password: 'Passw0rd!portal', name: '김\u0008포털', email: 'p@example.kr' } });
    assert.equal(s.status, 400, s.text);
    assert.equal(s.body.error.field, 'name');
  });
});
