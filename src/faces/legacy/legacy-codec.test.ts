import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { decodeLegacyRequest, renderLegacyJson, renderLegacyXml } from './legacy-codec.ts';

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
