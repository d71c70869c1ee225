import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { create } from 'xmlbuilder2';
import { decodeLegacyRequest, encodeCp949, renderLegacyJson, renderLegacyXml, type LegacyAnswer, type LegacyValue } from './legacy-codec.ts';
import { xmlBuilderText } from '../../platform/xml-text.ts';
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

// The answer encoder writes XML directly and encodes CP949 by ASCII runs (issue 13); the answers stay byte for
// byte what xmlbuilder2 + iconv-lite wrote before. The oracle below is the former renderLegacyXml, verbatim.
function oracleXml(answer: LegacyAnswer, charset: 'utf-8' | 'euc-kr'): Buffer {
  const text = (v: LegacyValue): string => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'Y' : 'N') : String(v));
  const doc = create({ version: '1.0', encoding: charset === 'euc-kr' ? 'EUC-KR' : 'UTF-8' });
  const root = doc.ele('result');
  root.ele('code').txt(xmlBuilderText(answer.code));
  root.ele('msg').txt(xmlBuilderText(answer.msg));
  for (const [k, v] of Object.entries(answer.fields ?? {})) root.ele(k).txt(xmlBuilderText(text(v)));
  if (answer.list) {
    if (answer.list.total !== undefined) root.ele('total').txt(String(answer.list.total));
    if (answer.list.page !== undefined) root.ele('page').txt(String(answer.list.page));
    const list = root.ele('list');
    for (const row of answer.list.rows) {
      const r = list.ele('row');
      for (const [k, v] of Object.entries(row)) r.ele(k).txt(xmlBuilderText(text(v)));
    }
  }
  const s = doc.end({ prettyPrint: false });
  return charset === 'euc-kr' ? iconv.encode(s, 'cp949') : Buffer.from(s, 'utf8');
}

const NASTY = [
  '', ' ', 'plain', 'a&b', 'R&D; 연구소', '&lt;', '&amp;', '&#60;', '&#13;', '<x>', ']]>', `"q" 'a'`, 'a\rb\r\nc\nd\te', '\u0001z\u001f',
  '\ufffe\uffff', '\ud800x', 'x\udc00', '𝄞 😀 丽', '똠방각하㈜ ㎡ ① ·', '\u00a0nbsp\u3000ideo', 'é ü ß', '  lead  ', '한글'.repeat(50),
];

test('XML answer is byte for byte the xmlbuilder2 answer, in UTF-8 and CP949 (text that is entity-like, markup, control, unencodable)', () => {
  const answers: LegacyAnswer[] = [
    { code: '0000', msg: '정상' },
    { code: '1002', msg: 'bizno: 잘못 <된> & 값', fields: { field: 'bizno', request_id: 'req-1', n: 3, ok: true, no: false, nul: null, undef: undefined } },
    { code: '0000', msg: 'ok', list: { total: 0, page: 1, rows: [] } },
    { code: '0000', msg: 'ok', list: { rows: [{}] } },
    { code: '0000', msg: 'ok', list: { total: NASTY.length, page: 2, rows: NASTY.map((v, i) => ({ dockey: `k${i}`, name: v, amt: i * 1000, empty: '', flag: i % 2 === 0 })) } },
    ...NASTY.map((v) => ({ code: '0000', msg: v, fields: { value: v } })),
    // ≈ 500 KB: written and encoded in many pieces (ENCODED_PIECE), the same bytes as one string
    { code: '0000', msg: '정상', list: { total: 2000, page: 1, rows: Array.from({ length: 2000 }, (_, i) => ({ dockey: `k${i}`, name: NASTY[i % NASTY.length]!, buyer: `구매자 ${i} ㈜`, amt: i })) } },
  ];
  for (const a of answers) {
    for (const cs of ['utf-8', 'euc-kr'] as const) {
      const got = renderLegacyXml(a, cs);
      const want = oracleXml(a, cs);
      assert.ok(got.equals(want), `${cs} ${JSON.stringify(a).slice(0, 120)}\n got ${got.toString('latin1').slice(0, 300)}\nwant ${want.toString('latin1').slice(0, 300)}`);
    }
  }
});

test('encodeCp949 equals iconv-lite on ASCII, Hangul, unencodable characters and lone surrogates, at every run boundary', () => {
  const alphabet = ['a', ' ', '<', '\u007f', '\u0080', '한', '똠', '㈜', '𝄞', '😀', '\ud800', '\udc00', 'é', '丽', '\u00a0'];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const samples = ['', 'abc', '한', '𝄞', ...NASTY];
  for (let i = 0; i < 500; i++) samples.push(Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''));
  for (const s of samples) assert.ok(encodeCp949(s).equals(iconv.encode(s, 'cp949')), JSON.stringify(s));
});
