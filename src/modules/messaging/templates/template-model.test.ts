import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ErrorCode } from '../../../platform/errors.ts';
import { CHANNEL_ADD_NAME, DEFAULT_AD_TEXT, readTemplateDraft, readTemplateEdit } from './template-model.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const base = (): Loose => ({
  channelId: 7,
  code: 'ORDER_OK-1',
  name: '주문 완료 안내',
  body: '#{고객명}님, 주문하신 #{상품}이 접수되었습니다.\n주문번호: #{주문번호}',
  buttons: [{ type: 'WL', name: '주문 조회', linkMo: 'https://shop.example.kr/o/#{주문번호}' }],
});
const edit = (mutate: (t: Loose) => void, from: () => Loose = base) => () => {
  const t = from();
  mutate(t);
  return t;
};
const itemList = (): Loose => ({
  ...base(),
  emphasisType: 'ITEM_LIST',
  header: '주문 내역',
  highlight: { title: '스마트폰 케이스', description: '1개' },
  items: [
    { title: '상품', description: '#{상품}' },
    { title: '금액', description: '#{금액}원' },
  ],
});
const channelAdd = (): Loose => ({ ...base(), messageType: 'AD', buttons: [{ type: 'AC', name: CHANNEL_ADD_NAME }] });
const vars = (n: number) => Array.from({ length: n }, (_, i) => `#{v${i}}`).join(' ');

interface Case {
  name: string;
  make: () => unknown;
  code: ErrorCode;
  field: string;
}

const invalidCases: Case[] = [
  // identity
  { name: 'channelId missing', make: edit((t) => delete t.channelId), code: 'field_required', field: 'channelId' },
  { name: 'channelId zero', make: edit((t) => (t.channelId = 0)), code: 'field_invalid', field: 'channelId' },
  { name: 'code missing', make: edit((t) => delete t.code), code: 'field_required', field: 'code' },
  { name: 'code 31 chars', make: edit((t) => (t.code = 'A'.repeat(31))), code: 'field_invalid', field: 'code' },
  { name: 'code with a space', make: edit((t) => (t.code = 'ORDER OK')), code: 'field_invalid', field: 'code' },
  { name: 'code in Hangul', make: edit((t) => (t.code = '주문')), code: 'field_invalid', field: 'code' },
  { name: 'name missing', make: edit((t) => delete t.name), code: 'field_required', field: 'name' },
  { name: 'name 151 chars', make: edit((t) => (t.name = '가'.repeat(151))), code: 'field_invalid', field: 'name' },
  { name: 'name with a line break', make: edit((t) => (t.name = '주문\n안내')), code: 'field_invalid', field: 'name' },
  { name: 'unknown field', make: edit((t) => (t.color = 'red')), code: 'field_invalid', field: 'color' },
  // types
  { name: 'message type XX', make: edit((t) => (t.messageType = 'XX')), code: 'field_invalid', field: 'messageType' },
  { name: 'emphasis type BOLD', make: edit((t) => (t.emphasisType = 'BOLD')), code: 'field_invalid', field: 'emphasisType' },
  // body and variables
  { name: 'body missing', make: edit((t) => delete t.body), code: 'field_required', field: 'body' },
  { name: 'body with a control character', make: edit((t) => (t.body = 'a\u0007b')), code: 'field_invalid', field: 'body' },
  { name: 'body 1,001 chars', make: edit((t) => (t.body = '가'.repeat(1001))), code: 'field_invalid', field: 'body' },
  { name: 'item list body 701 chars', make: edit((t) => (t.body = 'a'.repeat(701)), itemList), code: 'field_invalid', field: 'body' },
  { name: 'AD body 961 chars (40 for the notice)', make: edit((t) => (t.body = 'a'.repeat(961)), channelAdd), code: 'field_invalid', field: 'body' },
  { name: 'EX body + extra over 1,000', make: edit((t) => Object.assign(t, { messageType: 'EX', body: 'a'.repeat(600), extra: 'b'.repeat(401) })), code: 'field_invalid', field: 'extra' },
  { name: 'empty variable', make: edit((t) => (t.body = '안녕하세요 #{}님')), code: 'field_invalid', field: 'body' },
  { name: 'nested variable', make: edit((t) => (t.body = '#{a#{b}}')), code: 'field_invalid', field: 'body' },
  { name: 'unclosed variable', make: edit((t) => (t.body = '안녕하세요 #{이름')), code: 'field_invalid', field: 'body' },
  { name: 'variable with a dot', make: edit((t) => (t.body = '#{user.name}님')), code: 'field_invalid', field: 'body' },
  { name: 'variable with a space', make: edit((t) => (t.body = '#{고객 이름}님')), code: 'field_invalid', field: 'body' },
  { name: '41 variables', make: edit((t) => Object.assign(t, { body: vars(41), buttons: [] })), code: 'field_invalid', field: 'body' },
  { name: '41st variable in a button link', make: edit((t) => Object.assign(t, { body: vars(40), buttons: [{ type: 'WL', name: '보기', linkMo: 'https://x.kr/#{extra}' }] })), code: 'field_invalid', field: 'buttons[0].linkMo' },
  // message types
  { name: 'EX without extra', make: edit((t) => (t.messageType = 'EX')), code: 'field_required', field: 'extra' },
  { name: 'extra 501 chars', make: edit((t) => Object.assign(t, { messageType: 'EX', extra: 'b'.repeat(501) })), code: 'field_invalid', field: 'extra' },
  { name: 'extra on BA', make: edit((t) => (t.extra = '부가')), code: 'field_invalid', field: 'extra' },
  { name: 'ad on BA', make: edit((t) => (t.ad = '광고')), code: 'field_invalid', field: 'ad' },
  { name: 'ad 41 chars', make: edit((t) => (t.ad = 'a'.repeat(41)), channelAdd), code: 'field_invalid', field: 'ad' },
  { name: 'AD without buttons', make: edit((t) => (t.buttons = []), channelAdd), code: 'field_invalid', field: 'buttons' },
  { name: 'AD whose first button is not AC', make: edit((t) => (t.buttons = [{ type: 'BK', name: '문의' }]), channelAdd), code: 'field_invalid', field: 'buttons[0].type' },
  { name: 'MI without extra', make: edit((t) => (t.messageType = 'MI'), channelAdd), code: 'field_required', field: 'extra' },
  // emphasis
  { name: 'TEXT without title', make: edit((t) => Object.assign(t, { emphasisType: 'TEXT', subtitle: '부제' })), code: 'field_required', field: 'title' },
  { name: 'TEXT without subtitle', make: edit((t) => Object.assign(t, { emphasisType: 'TEXT', title: '제목' })), code: 'field_required', field: 'subtitle' },
  { name: 'TEXT title 51 chars', make: edit((t) => Object.assign(t, { emphasisType: 'TEXT', title: 'a'.repeat(51), subtitle: '부' })), code: 'field_invalid', field: 'title' },
  { name: 'TEXT subtitle 51 chars', make: edit((t) => Object.assign(t, { emphasisType: 'TEXT', title: '제목', subtitle: 'a'.repeat(51) })), code: 'field_invalid', field: 'subtitle' },
  { name: 'title with NONE', make: edit((t) => (t.title = '제목')), code: 'field_invalid', field: 'title' },
  { name: 'IMAGE without an image', make: edit((t) => (t.emphasisType = 'IMAGE')), code: 'field_required', field: 'imageUrl' },
  { name: 'IMAGE with an ftp URL', make: edit((t) => Object.assign(t, { emphasisType: 'IMAGE', imageUrl: 'ftp://x.kr/a.jpg' })), code: 'field_invalid', field: 'imageUrl' },
  { name: 'items with IMAGE', make: edit((t) => Object.assign(t, { emphasisType: 'IMAGE', imageUrl: 'https://x.kr/a.jpg', items: [] })), code: 'field_invalid', field: 'items' },
  { name: 'ITEM_LIST with nothing', make: edit((t) => (t.emphasisType = 'ITEM_LIST')), code: 'field_required', field: 'items' },
  { name: 'header 17 chars', make: edit((t) => (t.header = 'a'.repeat(17)), itemList), code: 'field_invalid', field: 'header' },
  { name: 'highlight title 31 chars', make: edit((t) => (t.highlight.title = 'a'.repeat(31)), itemList), code: 'field_invalid', field: 'highlight.title' },
  { name: 'highlight description 20 chars', make: edit((t) => (t.highlight.description = 'a'.repeat(20)), itemList), code: 'field_invalid', field: 'highlight.description' },
  { name: 'one item', make: edit((t) => t.items.pop(), itemList), code: 'field_invalid', field: 'items' },
  { name: '11 items', make: edit((t) => (t.items = Array.from({ length: 11 }, () => ({ title: '상품', description: '1개' }))), itemList), code: 'field_invalid', field: 'items' },
  { name: 'item title 7 chars', make: edit((t) => (t.items[1].title = '가'.repeat(7)), itemList), code: 'field_invalid', field: 'items[1].title' },
  { name: 'item description 24 chars', make: edit((t) => (t.items[0].description = '가'.repeat(24)), itemList), code: 'field_invalid', field: 'items[0].description' },
  { name: 'item without a description', make: edit((t) => delete t.items[1].description, itemList), code: 'field_required', field: 'items[1].description' },
  { name: 'item with an unknown field', make: edit((t) => (t.items[0].price = 1), itemList), code: 'field_invalid', field: 'items[0].price' },
  { name: 'item not an object', make: edit((t) => (t.items[1] = 'x'), itemList), code: 'field_invalid', field: 'items[1]' },
  // buttons
  { name: 'buttons not an array', make: edit((t) => (t.buttons = 'WL')), code: 'field_invalid', field: 'buttons' },
  { name: 'six buttons', make: edit((t) => (t.buttons = Array.from({ length: 6 }, () => ({ type: 'BK', name: '문의' })))), code: 'field_invalid', field: 'buttons' },
  { name: 'six quick replies', make: edit((t) => (t.quickReplies = Array.from({ length: 6 }, () => ({ type: 'BK', name: '문의' })))), code: 'field_invalid', field: 'quickReplies' },
  { name: 'button type XX', make: edit((t) => (t.buttons[0].type = 'XX')), code: 'field_invalid', field: 'buttons[0].type' },
  { name: 'button name missing', make: edit((t) => delete t.buttons[0].name), code: 'field_required', field: 'buttons[0].name' },
  { name: 'button name 15 chars', make: edit((t) => (t.buttons[0].name = '가'.repeat(15))), code: 'field_invalid', field: 'buttons[0].name' },
  { name: 'variable in the third button name', make: edit((t) => t.buttons.push({ type: 'BK', name: '문의' }, { type: 'BK', name: '#{이름} 문의' })), code: 'field_invalid', field: 'buttons[2].name' },
  { name: 'variable in a quick reply name', make: edit((t) => (t.quickReplies = [{ type: 'BK', name: '#{x}' }])), code: 'field_invalid', field: 'quickReplies[0].name' },
  { name: 'WL without linkMo', make: edit((t) => delete t.buttons[0].linkMo), code: 'field_required', field: 'buttons[0].linkMo' },
  { name: 'WL linkMo without a scheme', make: edit((t) => (t.buttons[0].linkMo = 'shop.example.kr')), code: 'field_invalid', field: 'buttons[0].linkMo' },
  { name: 'WL linkPc javascript:', make: edit((t) => (t.buttons[0].linkPc = 'javascript:alert(1)')), code: 'field_invalid', field: 'buttons[0].linkPc' },
  { name: 'WL link 501 chars', make: edit((t) => (t.buttons[0].linkMo = 'https://x.kr/' + 'a'.repeat(488))), code: 'field_invalid', field: 'buttons[0].linkMo' },
  { name: 'AL with one link', make: edit((t) => (t.buttons = [{ type: 'AL', name: '앱 열기', schemeIos: 'shop://o' }])), code: 'field_invalid', field: 'buttons[0].schemeAndroid' },
  { name: 'BK with a link', make: edit((t) => (t.buttons = [{ type: 'BK', name: '문의', linkMo: 'https://x.kr' }])), code: 'field_invalid', field: 'buttons[0].linkMo' },
  { name: 'AC on BA', make: edit((t) => (t.buttons = [{ type: 'AC', name: CHANNEL_ADD_NAME }])), code: 'field_invalid', field: 'buttons[0].type' },
  { name: 'AC second on AD', make: edit((t) => t.buttons.unshift({ type: 'BK', name: '문의' }), channelAdd), code: 'field_invalid', field: 'buttons[1].type' },
  { name: 'AC with another name', make: edit((t) => (t.buttons[0].name = '채널 추가하기'), channelAdd), code: 'field_invalid', field: 'buttons[0].name' },
  { name: 'DS as a quick reply', make: edit((t) => (t.quickReplies = [{ type: 'DS', name: '배송 조회' }])), code: 'field_invalid', field: 'quickReplies[0].type' },
  { name: 'button not an object', make: edit((t) => (t.buttons[0] = null)), code: 'field_invalid', field: 'buttons[0]' },
];

for (const c of invalidCases) {
  test(`template refused: ${c.name} → ${c.code} at ${c.field}`, () => {
    assert.throws(
      () => readTemplateDraft(c.make() as Record<string, unknown>),
      (e: unknown) => {
        assert.ok(e instanceof AppError, String(e));
        assert.equal(e.code, c.code, `${e.code} ${e.field}: ${e.message}`);
        assert.equal(e.field, c.field, `${e.code} ${e.field}: ${e.message}`);
        return true;
      },
    );
  });
}

const validCases: { name: string; make: () => Loose; check?: (d: ReturnType<typeof readTemplateDraft>) => void }[] = [
  {
    name: 'basic with a web link; variables found in body and link',
    make: base,
    check: (d) => {
      assert.equal(d.messageType, 'BA');
      assert.equal(d.emphasisType, 'NONE');
      assert.deepEqual(d.variables, ['고객명', '상품', '주문번호']);
    },
  },
  { name: 'body of exactly 1,000 characters', make: edit((t) => Object.assign(t, { body: '가'.repeat(1000), buttons: [] })) },
  { name: 'item list body of exactly 700', make: edit((t) => (t.body = 'a'.repeat(700)), itemList) },
  { name: 'EX with body + extra = 1,000', make: edit((t) => Object.assign(t, { messageType: 'EX', body: 'a'.repeat(500), extra: 'b'.repeat(500) })) },
  { name: '40 variables', make: edit((t) => Object.assign(t, { body: vars(40), buttons: [] })), check: (d) => assert.equal(d.variables.length, 40) },
  { name: 'a repeated variable counts once', make: edit((t) => (t.body = '#{a} #{a} #{b}')), check: (d) => assert.deepEqual(d.variables, ['a', 'b', '주문번호']) },
  { name: 'a lone # and braces are text', make: edit((t) => (t.body = '#1 {x} }{ #{이름}')) },
  { name: 'AD gets the fixed notice', make: channelAdd, check: (d) => assert.equal(d.ad, DEFAULT_AD_TEXT) },
  {
    name: 'MI with extra, AC first, then a WL',
    make: edit((t) => Object.assign(t, { messageType: 'MI', extra: '문의: 1588-0000', buttons: [{ type: 'AC', name: CHANNEL_ADD_NAME }, { type: 'WL', name: '보기', linkMo: 'http://x.kr', linkPc: 'https://x.kr' }] })),
  },
  { name: 'TEXT emphasis', make: edit((t) => Object.assign(t, { emphasisType: 'TEXT', title: '#{금액}원', subtitle: '결제 완료' })), check: (d) => assert.ok(d.variables.includes('금액')) },
  { name: 'IMAGE emphasis', make: edit((t) => Object.assign(t, { emphasisType: 'IMAGE', imageUrl: 'https://img.example.kr/a.jpg' })) },
  { name: 'item list', make: itemList, check: (d) => assert.equal(d.items!.length, 2) },
  {
    name: 'five buttons of every kind and five quick replies',
    make: edit((t) =>
      Object.assign(t, {
        buttons: [
          { type: 'AL', name: '앱 열기', schemeIos: 'shop://o', schemeAndroid: 'shop://o' },
          { type: 'DS', name: '배송 조회' },
          { type: 'MD', name: '전달하기' },
          { type: 'BC', name: '상담하기', chatExtra: 'order' },
          { type: 'BT', name: '봇 전환', chatEvent: 'ev' },
        ],
        quickReplies: [{ type: 'WL', name: '웹', linkMo: 'https://x.kr' }, { type: 'AL', name: '앱', linkMo: 'https://x.kr', schemeIos: 'a://b' }, { type: 'BK', name: '키워드' }, { type: 'BC', name: '상담' }, { type: 'BT', name: '봇' }],
      }),
    ),
  },
];

for (const c of validCases) {
  test(`template accepted: ${c.name}`, () => {
    const d = readTemplateDraft(c.make());
    c.check?.(d);
  });
}

test('an edit refuses channelId and code (they never change)', () => {
  const { channelId: _c, code: _k, ...content } = base();
  assert.equal(readTemplateEdit(content).name, '주문 완료 안내');
  for (const field of ['channelId', 'code'] as const) {
    assert.throws(() => readTemplateEdit({ ...content, [field]: base()[field] }), (e: unknown) => e instanceof AppError && e.code === 'field_invalid' && e.field === field);
  }
});
