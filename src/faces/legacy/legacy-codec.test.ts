import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { decodeLegacyRequest, renderLegacyJson, renderLegacyXml } from './legacy-codec.ts';
import { composeMessage } from '../../platform/errors.ts';

const eucUrl = (s: string) => [...iconv.encode(s, 'cp949')].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');

test('UTF-8 form fields decode, names are case-folded, body wins over query', () => {
  const r = decodeLegacyRequest('cmd=X&com_name=a', Buffer.from(`CMD=INSERT&com_name=${encodeURIComponent('한빌 상사')}`), 'application/x-www-form-urlencoded');
  assert.equal(r.charset, 'utf-8');
  assert.equal(r.fields['cmd'], 'INSERT');
  assert.equal(r.fields['com_name'], '한빌 상사');
});

test('EUC-KR declared in the content type decodes CP949 bytes', () => {
  const r = decodeLegacyRequest('', Buffer.from(`cmd=INSERT&com_name=${eucUrl('똠방각하㈜')}`), 'application/x-www-form-urlencoded; charset=euc-kr');
  assert.equal(r.charset, 'euc-kr');
  assert.equal(r.fields['com_name'], '똠방각하㈜');
});

test('EUC-KR declared by a charset field (GET)', () => {
  const r = decodeLegacyRequest(`charset=euc-kr&name=${eucUrl('홍길동')}`, undefined, undefined);
  assert.equal(r.charset, 'euc-kr');
  assert.equal(r.fields['name'], '홍길동');
});

test('plus is a space, bad percent escapes are kept literally', () => {
  const r = decodeLegacyRequest('a=1+2&b=%zz', undefined, undefined);
  assert.equal(r.fields['a'], '1 2');
  assert.equal(r.fields['b'], '%zz');
});

test('XML answer: result code, message, fields and list; EUC-KR encoding declared and used', () => {
  const answer = { code: '0000', msg: '정상', fields: { sinchno: 12, ok: true }, list: { total: 1, page: 1, rows: [{ dockey: 'k<1>', name: '한빌' }] } };
  const utf = renderLegacyXml(answer, 'utf-8').toString('utf8');
  assert.match(utf, /^<\?xml version="1.0" encoding="UTF-8"\?><result><code>0000<\/code><msg>정상<\/msg><sinchno>12<\/sinchno><ok>Y<\/ok><total>1<\/total><page>1<\/page><list><row><dockey>k&lt;1&gt;<\/dockey><name>한빌<\/name><\/row><\/list><\/result>$/);
  const euc = renderLegacyXml(answer, 'euc-kr');
  assert.match(euc.toString('latin1'), /encoding="EUC-KR"/);
  assert.equal(iconv.decode(euc, 'cp949'), utf.replace('UTF-8', 'EUC-KR'));
});

test('JSON answer has the same keys', () => {
  const j = JSON.parse(renderLegacyJson({ code: '1002', msg: 'bizno: bad', fields: { a: 1 } }, 'utf-8').toString());
  assert.deepEqual(j, { code: '1002', msg: 'bizno: bad', a: '1' });
});

test('raw UTF-8 bytes (as `curl -d com_name=한빌` sends them) decode as UTF-8, in the body and in names', () => {
  const r = decodeLegacyRequest('', Buffer.from('cmd=INSERT&com_name=한빌 상사&memo=a+b%2Bc', 'utf8'), 'application/x-www-form-urlencoded');
  assert.equal(r.problem, undefined);
  assert.equal(r.fields['com_name'], '한빌 상사');
  assert.equal(r.fields['memo'], 'a b+c');
});

test('raw and percent-encoded CP949 bytes decode when the content type or a charset field says so', () => {
  const raw = Buffer.concat([Buffer.from('com_name='), iconv.encode('똠방각하㈜', 'cp949')]);
  assert.equal(decodeLegacyRequest('', raw, 'application/x-www-form-urlencoded; charset=ks_c_5601-1987').fields['com_name'], '똠방각하㈜');
  const byField = decodeLegacyRequest('', Buffer.concat([Buffer.from('charset=cp949&'), raw]), 'application/x-www-form-urlencoded');
  assert.equal(byField.charset, 'euc-kr');
  assert.equal(byField.fields['com_name'], '똠방각하㈜');
});

test('bytes that are not text in the charset: a 1002 problem naming the field, never U+FFFD or mojibake', () => {
  const cases: [string, Buffer, string | undefined][] = [
    ['utf-8 truncated sequence', Buffer.from([0x61, 0x3d, 0xed, 0x95]), undefined],
    ['utf-8 lone continuation', Buffer.from([0x61, 0x3d, 0x80]), undefined],
    ['utf-8 encoded surrogate', Buffer.from('a=%ED%A0%80'), undefined],
    ['utf-8 overlong slash', Buffer.from('a=%C0%AF'), undefined],
    ['CP949 sent undeclared', Buffer.concat([Buffer.from('a='), iconv.encode('한빌', 'cp949')]), undefined],
    ['cp949 0xFF', Buffer.from([0x61, 0x3d, 0xff, 0x41]), 'euc-kr'],
    ['cp949 lead byte alone', Buffer.from('a=%B0'), 'euc-kr'],
    ['cp949 user-defined area', Buffer.from('a=%C9%A1'), 'euc-kr'],
  ];
  for (const [name, body, charset] of cases) {
    const r = decodeLegacyRequest('', body, charset ? `application/x-www-form-urlencoded; charset=${charset}` : undefined);
    assert.equal(r.problem?.code, 'field_invalid', name);
    assert.equal(r.problem?.field, 'a', name);
    assert.equal(r.problem?.legacyCode, '1002', name);
    assert.match(r.problem ? composeMessage(r.problem) : '', /^a: /, name);
    assert.equal(r.fields['a'], undefined, `${name}: the bad value is not kept`);
  }
});

test('control characters and U+FFFD are a problem naming the field; tab, CR and LF pass to the field readers', () => {
  for (const bad of ['%00', '%01', '%1B', '%7F', '%C2%85', '%EF%BF%BD']) {
    const r = decodeLegacyRequest(`fmt=json&name=a${bad}b`, undefined, undefined);
    assert.equal(r.problem?.field, 'name', bad);
    assert.equal(r.fields['fmt'], 'json', 'the other fields are still read');
  }
  const ok = decodeLegacyRequest('memo=a%09b%0D%0Ac', undefined, undefined);
  assert.equal(ok.problem, undefined);
  assert.equal(ok.fields['memo'], 'a\tb\r\nc');
});

test('a field *name* with control characters (or too long) is named in printable form, and the answer stays well-formed XML', async () => {
  const { XMLParser, XMLValidator } = await import('fast-xml-parser');
  for (const [name, shown] of [
    ['%09', '\\u0009'],
    ['a%01b', 'a\\u0001b'],
    [`x${'y'.repeat(200)}%00`, `x${'y'.repeat(63)}…`],
  ] as const) {
    const r = decodeLegacyRequest(`${name}=1`, undefined, undefined);
    assert.equal(r.problem?.code, 'field_invalid', name);
    assert.equal(r.problem?.field, shown);
    const xml = renderLegacyXml({ code: '1002', msg: composeMessage(r.problem!), fields: { field: r.problem!.field } }, 'utf-8').toString('utf8');
    assert.equal(XMLValidator.validate(xml), true, xml);
    const back = new XMLParser({ parseTagValue: false }).parse(xml) as { result: { field: string } };
    assert.equal(back.result.field, shown);
  }
});

test('text XML 1.0 cannot carry (C0 controls, lone surrogates) never reaches an answer: it is shown as U+FFFD', async () => {
  const { XMLValidator } = await import('fast-xml-parser');
  const xml = renderLegacyXml({ code: '1002', msg: 'a\u0001b\ud800c', fields: { field: '\u0000' } }, 'utf-8').toString('utf8');
  assert.equal(XMLValidator.validate(xml), true, xml);
  assert.match(xml, /<msg>a\uFFFDb\uFFFDc<\/msg>/);
});
