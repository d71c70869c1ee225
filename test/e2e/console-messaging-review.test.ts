// The operator console's messaging review screens over real HTTP (issue 10 item 1): 발신번호 심사 (proof served
// inline to operators only; approve; reject needs a comment), 알림톡 템플릿 검수 (preview with variables marked;
// reject needs a comment, which the partner reads; approve) and 카카오 채널 (set blocked / dormant / active with a
// comment). Every post needs the operator's session and its CSRF token, and answers 303 (Post/Redirect/Get).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { operatorClient, request, signUpAndLogin, type Client } from './portal-support.ts';
import { messagingPartner, PDF, PNG, proofOf, type MessagingPartner } from './messaging-support.ts';

let sys: TestSystem;
let op: Client;
before(async () => {
  sys = await startTestSystem();
  op = await operatorClient(sys);
});
after(async () => {
  await sys?.close();
});

/** The audit entries of one target (newest first), as the console's audit log reads them. */
async function audited(targetKind: string, targetId: number): Promise<{ action: string; actor_kind: string; actor_label: string; details: Record<string, unknown> }[]> {
  const r = await sys.database.pool.query<{ action: string; actor_kind: string; actor_label: string; details: unknown }>(
    'SELECT action, actor_kind, actor_label, details FROM audit_log WHERE target_kind = $1 AND target_id = $2 ORDER BY id DESC',
    [targetKind, targetId],
  );
  return r.rows.map((x) => ({ ...x, details: (typeof x.details === 'string' ? JSON.parse(x.details) : x.details) as Record<string, unknown> }));
}

/** A random mobile number (010 + 8 digits, the first 1–9). */
const freshNumber = () => `010${1 + Math.floor(Math.random() * 9)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function register(p: MessagingPartner, number: string, content: Buffer = PDF, fileName = '이용증명원.pdf'): Promise<number> {
  const r = await p.call('POST', '/v1/sender-numbers', { number, memo: '고객센터', proof: proofOf(content, fileName) });
  assert.equal(r.status, 201, r.text);
  return r.body.id as number;
}

async function partnerSenderNumber(p: MessagingPartner, id: number): Promise<{ state: string; reviewComment: string }> {
  const r = await p.call('GET', '/v1/sender-numbers');
  assert.equal(r.status, 200, r.text);
  return r.body.data.find((s: { id: number }) => s.id === id);
}

/** The `<tr>` of a row with `attr="id"` in a page's HTML. */
function rowOf(text: string, attr: string, id: number): string {
  const m = new RegExp(`<tr ${attr}="${id}">[\\s\\S]*?</tr>`).exec(text);
  assert.ok(m, `no row ${attr}=${id}`);
  return m[0];
}

test('발신번호 심사: operators only; the proof opens inline; reject needs a comment and the CSRF token; approve; filter by state', async () => {
  const p = await messagingPartner(sys);
  const num1 = freshNumber();
  const num2 = freshNumber();
  const id1 = await register(p, num1);
  const id2 = await register(p, num2, PNG, '재직증명서.png');

  // anonymous, a partner's member session and a partner's API key are not operators: sent to the login
  const member = (await signUpAndLogin(sys)).client;
  for (const path of ['/console/sender-numbers', `/console/sender-numbers/${id1}/proof`]) {
    const anon = await request(sys.url, 'GET', path);
    assert.equal(anon.status, 303, path);
    assert.equal(anon.headers.location, '/console/login');
    assert.equal((await member.call('GET', path)).status, 303);
    assert.equal((await p.member.call('GET', path)).status, 303);
    const byKey = await p.call('GET', path);
    assert.equal(byKey.status, 303);
    assert.ok(!byKey.text.includes('%PDF'), 'no proof bytes to a partner');
  }

  const screen = await op.call('GET', '/console/sender-numbers');
  assert.equal(screen.status, 200);
  assert.match(screen.headers['content-type'] ?? '', /text\/html/);
  const row = rowOf(screen.text, 'data-sender-number-id', id1);
  for (const s of [num1, '고객센터', '휴대전화', '이용증명원.pdf', `/console/sender-numbers/${id1}/proof`, 'name="_csrf"']) assert.ok(row.includes(s), `row shows ${s}`);
  assert.ok(screen.text.includes('<a href="/console/sender-numbers" aria-current="page">발신번호 심사</a>'), 'linked from the console menu');
  assert.ok(rowOf(screen.text, 'data-sender-number-id', id2).includes(`<img src="/console/sender-numbers/${id2}/proof"`), 'an image proof is shown in the row');

  const pdf = await op.call('GET', `/console/sender-numbers/${id1}/proof`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.match(pdf.headers['content-disposition'] ?? '', /^inline; filename="_+\.pdf"; filename\*=UTF-8''/);
  assert.ok((pdf.headers['content-disposition'] ?? '').includes(encodeURIComponent('이용증명원.pdf')));
  assert.equal(pdf.headers['x-content-type-options'], 'nosniff');
  assert.equal(pdf.text, PDF.toString('latin1'));
  const png = await op.call('GET', `/console/sender-numbers/${id2}/proof`);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.match(png.headers['content-disposition'] ?? '', /^inline;/);
  assert.equal((await op.call('GET', '/console/sender-numbers/999999999/proof')).status, 404);

  // refused posts change nothing: no CSRF token (403), not an operator (to the login), no comment (400 naming it)
  const noCsrf = await op.call('POST', `/console/sender-numbers/${id1}/reject`, { form: { comment: '명의 불일치' }, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  assert.match(noCsrf.text, /_csrf/);
  const byMember = await p.member.call('POST', `/console/sender-numbers/${id1}/approve`, { form: {} });
  assert.equal(byMember.status, 303);
  assert.equal(byMember.headers.location, '/console/login');
  const noComment = await op.call('POST', `/console/sender-numbers/${id1}/reject`, { form: { id: String(id1), comment: '  ' } });
  assert.equal(noComment.status, 400);
  assert.match(noComment.text, /role="alert">comment: 거절 사유은\(는\) 필수 항목입니다/);
  assert.equal((await partnerSenderNumber(p, id1)).state, 'pending');
  assert.deepEqual(await audited('sender_number', id1), [], 'refused posts are not audited');

  const rejected = await op.call('POST', `/console/sender-numbers/${id1}/reject`, { form: { comment: '증빙 서류의 명의가 회사와 다릅니다' } });
  assert.equal(rejected.status, 303);
  assert.equal(rejected.headers.location, '/console/sender-numbers?done=rejected');
  assert.deepEqual(await partnerSenderNumber(p, id1).then((s) => [s.state, s.reviewComment]), ['rejected', '증빙 서류의 명의가 회사와 다릅니다']);
  const [entry] = await audited('sender_number', id1);
  assert.equal(entry?.action, 'sender_number.rejected');
  assert.equal(entry?.actor_kind, 'operator');
  assert.deepEqual([entry?.details['partnerId'], entry?.details['number'], entry?.details['comment']], [p.partnerId, num1, '증빙 서류의 명의가 회사와 다릅니다']);
  const twice = await op.call('POST', `/console/sender-numbers/${id1}/approve`, { form: {} });
  assert.equal(twice.status, 409, 'already reviewed');
  assert.match(twice.text, /이미 처리된 등록입니다/);

  const approved = await op.call('POST', `/console/sender-numbers/${id2}/approve`, { form: { comment: '' } });
  assert.equal(approved.status, 303);
  assert.equal((await partnerSenderNumber(p, id2)).state, 'approved');
  const after = await op.call('GET', '/console/sender-numbers?done=approved');
  assert.match(after.text, /발신번호를 승인했습니다/);
  assert.ok(!/<h2 id="pending">[\s\S]*<h2 id="reviewed">/.exec(after.text)![0].includes(`data-sender-number-id="${id2}"`), 'no longer pending');

  const onlyRejected = await op.call('GET', '/console/sender-numbers?state=rejected');
  const reviewedPart = onlyRejected.text.slice(onlyRejected.text.indexOf('<h2 id="reviewed">'));
  assert.ok(rowOf(reviewedPart, 'data-sender-number-id', id1).includes('증빙 서류의 명의가 회사와 다릅니다'));
  assert.ok(!reviewedPart.includes(`data-sender-number-id="${id2}"`), 'approved ones filtered out');
  const onlyApproved = await op.call('GET', '/console/sender-numbers?state=approved');
  const approvedPart = onlyApproved.text.slice(onlyApproved.text.indexOf('<h2 id="reviewed">'));
  assert.ok(approvedPart.includes(`data-sender-number-id="${id2}"`) && !approvedPart.includes(`data-sender-number-id="${id1}"`));
});

const richTemplate = (channelId: number, code: string) => ({
  channelId,
  code,
  name: '배송 출발 안내',
  messageType: 'MI',
  emphasisType: 'TEXT',
  title: '#{도착일} 도착 예정',
  subtitle: '배송 출발',
  body: '#{고객명}님, 주문하신 상품이 출발했습니다.\n운송장: #{운송장}',
  extra: '문의: 1588-0000',
  buttons: [
    { type: 'AC', name: '채널 추가' },
    { type: 'DS', name: '배송 조회' },
    { type: 'WL', name: '주문 상세', linkMo: 'https://shop.example.kr/o/#{주문번호}' },
  ],
  quickReplies: [{ type: 'BK', name: '상담 연결' }],
});

test('알림톡 템플릿 검수: the REQ template drawn as KakaoTalk; reject needs a comment the partner then reads; approve after resubmission', async () => {
  const p = await messagingPartner(sys);
  const channelId = await p.channel();
  const code = `SHIP_${Date.now().toString(36)}`;
  const created = await p.call('POST', '/v1/kakao/templates', richTemplate(channelId, code));
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as number;
  assert.equal((await p.call('POST', `/v1/kakao/templates/${id}/submit`)).status, 200);

  assert.equal((await request(sys.url, 'GET', '/console/kakao-templates')).status, 303);
  assert.equal((await p.member.call('GET', '/console/kakao-templates')).status, 303);
  const screen = await op.call('GET', '/console/kakao-templates');
  assert.equal(screen.status, 200);
  const card = /<article class="key" data-template-id="(\d+)"[\s\S]*?<\/article>/g;
  const mine = [...screen.text.matchAll(card)].find((m) => Number(m[1]) === id)?.[0];
  assert.ok(mine, 'the submitted template is in the REQ list');
  for (const s of [code, '배송 출발 안내', 'MI 복합형', 'TEXT 강조표기형', '알림톡 도착', '<div class="kt-sub">배송 출발</div>', '문의: 1588-0000', '채널 추가하고 이 채널의 광고와 마케팅 메시지 받기', '배송 조회', '상담 연결']) {
    assert.ok(mine.includes(s), `card shows ${s}`);
  }
  for (const v of ['고객명', '운송장', '도착일']) assert.ok(mine.includes(`<mark class="kt-var" data-variable="${v}">#{${v}}</mark>`), `variable ${v} marked`);
  assert.ok(screen.text.includes('<a href="/console/kakao-templates" aria-current="page">'));

  const noCsrf = await op.call('POST', `/console/kakao-templates/${id}/reject`, { form: { comment: '사유' }, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  const byMember = await p.member.call('POST', `/console/kakao-templates/${id}/approve`, { form: {} });
  assert.equal(byMember.status, 303);
  assert.equal(byMember.headers.location, '/console/login');
  const noComment = await op.call('POST', `/console/kakao-templates/${id}/reject`, { form: { id: String(id) } });
  assert.equal(noComment.status, 400);
  assert.match(noComment.text, /role="alert">comment: /);
  assert.equal((await p.call('GET', `/v1/kakao/templates/${id}`)).body.state, 'REQ', 'a refused post changes nothing');

  const reason = '광고성 문구는 채널추가형 안내 외에 쓸 수 없습니다.\n버튼 이름을 확인하세요.';
  const rejected = await op.call('POST', `/console/kakao-templates/${id}/reject`, { form: { comment: reason } });
  assert.equal(rejected.status, 303);
  assert.equal(rejected.headers.location, '/console/kakao-templates?done=rejected');
  const seen = await p.call('GET', `/v1/kakao/templates/${id}`);
  assert.equal(seen.body.state, 'REJ');
  assert.equal(seen.body.reviewComment, reason, 'the partner reads the reviewer\'s comment');
  const rejList = await op.call('GET', '/console/kakao-templates?state=REJ');
  assert.ok(rejList.text.includes(`data-template-id="${id}"`));

  assert.equal((await p.call('POST', `/v1/kakao/templates/${id}/submit`)).status, 200, 'resubmitted');
  const approved = await op.call('POST', `/console/kakao-templates/${id}/approve`, { form: {} });
  assert.equal(approved.status, 303);
  assert.equal((await p.call('GET', `/v1/kakao/templates/${id}`)).body.state, 'APR');
  assert.deepEqual((await audited('kakao_template', id)).map((a) => [a.action, a.actor_kind, a.details['comment'] ?? null]), [
    ['kakao_template.approved', 'operator', null],
    ['kakao_template.rejected', 'operator', reason],
  ]);
  const again = await op.call('POST', `/console/kakao-templates/${id}/approve`, { form: {} });
  assert.equal(again.status, 409);
  assert.equal((await op.call('POST', '/console/kakao-templates/999999999/approve', { form: {} })).status, 404);
});

test('카카오 채널: states listed and filtered; set blocked / dormant / active with a comment; a pending channel or a bad state is refused naming the field', async () => {
  const p = await messagingPartner(sys);
  const active = await p.channel('active');
  const pending = await p.channel('pending');

  assert.equal((await request(sys.url, 'GET', '/console/kakao-channels')).status, 303);
  assert.equal((await p.member.call('GET', '/console/kakao-channels')).status, 303);
  const screen = await op.call('GET', '/console/kakao-channels');
  assert.equal(screen.status, 200);
  assert.ok(rowOf(screen.text, 'data-channel-id', active).includes('data-state="active"'));
  const pendingRow = rowOf(screen.text, 'data-channel-id', pending);
  assert.ok(pendingRow.includes('data-state="pending"') && !pendingRow.includes('<form'), 'a pending channel has no state form');
  assert.ok(screen.text.includes('<a href="/console/kakao-channels" aria-current="page">'));

  const noCsrf = await op.call('POST', `/console/kakao-channels/${active}/state`, { form: { state: 'blocked' }, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  const byMember = await p.member.call('POST', `/console/kakao-channels/${active}/state`, { form: { state: 'blocked' } });
  assert.equal(byMember.status, 303);
  assert.equal(byMember.headers.location, '/console/login');
  const bad = await op.call('POST', `/console/kakao-channels/${active}/state`, { form: { id: String(active), state: 'deleted' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /role="alert">state: /);
  const notYet = await op.call('POST', `/console/kakao-channels/${pending}/state`, { form: { state: 'blocked', comment: '스팸' } });
  assert.equal(notYet.status, 409);
  assert.match(notYet.text, /role="alert">state: 토큰 인증 전인 채널입니다/);

  const channelOf = async (id: number) => (await p.call('GET', '/v1/kakao/channels')).body.data.find((c: { id: number }) => c.id === id);
  assert.equal((await channelOf(active)).state, 'active', 'refused posts changed nothing');

  const blocked = await op.call('POST', `/console/kakao-channels/${active}/state`, { form: { state: 'blocked', comment: '스팸 신고 누적' } });
  assert.equal(blocked.status, 303);
  assert.equal(blocked.headers.location, '/console/kakao-channels?done=state');
  const seen = await channelOf(active);
  assert.equal(seen.state, 'blocked');
  assert.equal(seen.stateComment, '스팸 신고 누적');
  const onlyBlocked = await op.call('GET', '/console/kakao-channels?state=blocked');
  assert.ok(rowOf(onlyBlocked.text, 'data-channel-id', active).includes('스팸 신고 누적'));
  assert.ok(!onlyBlocked.text.includes(`data-channel-id="${pending}"`));

  assert.equal((await op.call('POST', `/console/kakao-channels/${active}/state`, { form: { state: 'dormant', comment: '1년 미사용' } })).status, 303);
  assert.equal((await channelOf(active)).state, 'dormant');
  assert.equal((await op.call('POST', `/console/kakao-channels/${active}/state`, { form: { state: 'active', comment: '소명 확인' } })).status, 303);
  assert.deepEqual(await channelOf(active).then((c) => [c.state, c.stateComment]), ['active', '소명 확인']);
  assert.deepEqual((await audited('kakao_channel', active)).map((a) => [a.details['from'], a.details['to'], a.details['comment']]), [
    ['dormant', 'active', '소명 확인'],
    ['blocked', 'dormant', '1년 미사용'],
    ['active', 'blocked', '스팸 신고 누적'],
  ]);
});
