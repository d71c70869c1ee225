// Sending, acceptance (issue 10 item 2) over real HTTP: AlimTalk rendered from variables or matched against the
// template (a mismatch refused naming the recipient and the variable), FriendTalk text and photo (a real JPEG read
// for its format and size), Brand Message, SMS/LMS/MMS limits in EUC-KR bytes, characters outside KS X 1001,
// ads (mark, 080 opt-out, night windows, held to 08:00), sender numbers, clientRef and Idempotency-Key repeats,
// acceptValid, and a bulk of 10,000 recipients in one call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { messageQueuesOf } from '../../src/modules/messaging/sending/message-queues.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { PNG } from './messaging-support.ts';
import { jpeg, sender, senderNumber, TEMPLATE_BODY, type Sender } from './messaging-send-support.ts';

// 10:00 KST
const DAY = new Date('2026-03-02T01:00:00Z');
const clock = new ManualClock(DAY);
let sys: TestSystem;
before(async () => {
  sys = await startTestSystem({}, { clock });
});
after(async () => {
  await sys?.close();
});

const AD = '(광고) 봄 세일 20% 할인\n무료수신거부 080-123-4567';
const phone = (i: number) => `010${String(10_000_000 + i).slice(-8)}`;
const vars = (name: string) => ({ 고객명: name, 상품: '우산', 주문번호: 'A-1' });

async function send(s: Sender, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return s.call('POST', '/v1/messages', body, headers);
}

test('AlimTalk: rendered from variables, a given text matched against the template, a mismatch names the recipient and the variable', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const ok = await send(s, {
    type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode,
    recipients: [
      { to: '01011112222', variables: vars('홍길동'), clientRef: 'a-1' },
      { to: '01011113333', text: '김철수님, 주문하신 책이 접수되었습니다.\n주문번호: B-2' },
    ],
  });
  assert.equal(ok.status, 202, ok.text);
  assert.equal(ok.body.state, 'queued');
  assert.equal(ok.body.total, 2);
  assert.deepEqual(ok.body.recipients.map((r: { index: number; duplicate: boolean }) => [r.index, r.duplicate]), [[0, false], [1, false]]);

  const batch = await s.call('GET', `/v1/messages/${ok.body.id}`);
  assert.equal(batch.status, 200, batch.text);
  assert.equal(batch.body.templateCode, 'ORDER_OK');
  assert.equal(batch.body.templateName, '주문 접수 안내');
  assert.equal(batch.body.total, 2);
  assert.equal(batch.body.total, batch.body.pending + batch.body.success + batch.body.failure + batch.body.cancelled);
  const rec = await s.call('GET', `/v1/messages/${ok.body.id}/recipients?limit=1`);
  assert.equal(rec.status, 200, rec.text);
  assert.equal(rec.body.data.length, 1);
  assert.equal(rec.body.data[0].clientRef, 'a-1');
  assert.equal(rec.body.next, 0);
  const rest = await s.call('GET', `/v1/messages/${ok.body.id}/recipients?after=0`);
  assert.deepEqual([rest.status, rest.body.data.map((r: { index: number }) => r.index), rest.body.next], [200, [1], null], rest.text);
  // a cursor past any index (beyond an int4: was a 500 on PostgreSQL) is the end of the list
  const past = await s.call('GET', `/v1/messages/${ok.body.id}/recipients?after=4294967296`);
  assert.deepEqual([past.status, past.body.data, past.body.next], [200, [], null], past.text);
  const stored = await sys.database.pool.query<{ text: string }>('SELECT text FROM message_recipients WHERE batch_id = $1 ORDER BY seq', [ok.body.id]);
  assert.equal(stored.rows[0]!.text, TEMPLATE_BODY.replace('#{고객명}', '홍길동').replace('#{상품}', '우산').replace('#{주문번호}', 'A-1'));
  // another partner sees nothing
  const other = await sender(sys);
  assert.equal((await other.call('GET', `/v1/messages/${ok.body.id}`)).status, 404);

  const bad = await send(s, {
    type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode,
    recipients: [
      { to: '01011112222', variables: vars('가') },
      { to: '01011113333', variables: { 고객명: '나', 상품: '우산' } },
      { to: '01011114444', text: '다님, 주문하신 우산이 접수됐어요.\n주문번호: C-3' },
    ],
  });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.body.error.code, 'recipients_invalid');
  const errs = bad.body.error.details.errors;
  assert.equal(bad.body.error.details.count, 2);
  assert.deepEqual(errs.map((e: { index: number; field: string; code: string }) => [e.index, e.field, e.code]), [
    [1, 'recipients[1].variables.주문번호', 'field_required'],
    [2, 'recipients[2].text', 'template_text_mismatch'],
  ]);
  assert.match(errs[1].message, /#\{상품\}/);
  // the template must be approved
  const unknown = await send(s, { type: 'alimtalk', channelId: s.channelId, templateCode: 'NOPE', recipients: [{ to: '01011112222', variables: vars('가') }] });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.field, 'templateCode');
});

test('FriendTalk text and photo: a real JPEG is read; a PNG named as JPEG, > 1000 px and > 300 KB refused', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const text = await send(s, { type: 'friendtalk', channelId: s.channelId, text: AD, buttons: [{ type: 'WL', name: '보러 가기', linkMo: 'https://shop.example.kr' }], recipients: [{ to: '01022223333' }] });
  assert.equal(text.status, 202, text.text);
  const photo = await send(s, { type: 'friendtalk', channelId: s.channelId, text: AD, images: [jpeg(800, 600).toString('base64')], recipients: [{ to: '01022223333' }] });
  assert.equal(photo.status, 202, photo.text);
  const content = await sys.database.pool.query<{ content: { images: { width: number; height: number }[] } }>('SELECT content FROM message_batches WHERE id = $1', [photo.body.id]);
  assert.deepEqual([content.rows[0]!.content.images[0]!.width, content.rows[0]!.content.images[0]!.height], [800, 600]);

  for (const [img, why] of [
    [PNG, /PNG/],
    [jpeg(1200, 800), /1200×800/],
    [jpeg(100, 100, 310 * 1024), /300KB|300 KB/],
  ] as const) {
    const r = await send(s, { type: 'friendtalk', channelId: s.channelId, text: AD, images: [img.toString('base64')], recipients: [{ to: '01022223333' }] });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.code, 'message_image_invalid');
    assert.equal(r.body.error.field, 'images[0]');
    assert.match(r.body.error.message, why);
  }
  const two = await send(s, { type: 'friendtalk', channelId: s.channelId, text: AD, images: [jpeg(10, 10).toString('base64'), jpeg(10, 10).toString('base64')], recipients: [{ to: '01022223333' }] });
  assert.equal(two.body.error.field, 'images');
  // an inactive channel
  const dormant = await s.channel('dormant');
  const r = await send(s, { type: 'friendtalk', channelId: dormant, text: AD, recipients: [{ to: '01022223333' }] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'message_channel_unusable');
});

test('Brand Message: an ad to friends or consented users; MMS with 1–3 JPEGs', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const brand = await send(s, { type: 'brand', channelId: s.channelId, brandTarget: 'consented', text: AD, recipients: [{ to: '01033334444' }] });
  assert.equal(brand.status, 202, brand.text);
  const notAd = await send(s, { type: 'brand', channelId: s.channelId, ad: false, text: '안내', recipients: [{ to: '01033334444' }] });
  assert.equal(notAd.body.error.field, 'ad');
  const mms = await send(s, { type: 'mms', from: s.from, subject: '사진', text: '사진을 보내드립니다', images: [jpeg(1000, 1000).toString('base64')], recipients: [{ to: '01033334444' }] });
  assert.equal(mms.status, 202, mms.text);
  const noImage = await send(s, { type: 'mms', from: s.from, text: '사진', recipients: [{ to: '01033334444' }] });
  assert.equal(noImage.body.error.field, 'images');
});

test('SMS / LMS / subject limits in EUC-KR bytes; auto picks SMS or LMS; characters outside KS X 1001 refused naming the field', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const h45 = '가'.repeat(45);
  const h46 = '가'.repeat(46);
  const sms = await send(s, { type: 'sms', from: s.from, text: h45, recipients: [{ to: '01044445555' }] });
  assert.equal(sms.status, 202, sms.text);
  const over = await send(s, { type: 'sms', from: s.from, text: h46, recipients: [{ to: '01044445555' }] });
  assert.equal(over.status, 400);
  assert.equal(over.body.error.details.errors[0].code, 'message_text_too_long');
  assert.equal(over.body.error.details.errors[0].field, 'text');
  const auto = await send(s, { type: 'auto', from: s.from, text: h45, recipients: [{ to: '01044445555' }, { to: '01044446666', text: h46 }] });
  assert.equal(auto.status, 202, auto.text);
  const kinds = await sys.database.pool.query<{ kind: string }>('SELECT kind FROM message_recipients WHERE batch_id = $1 ORDER BY seq', [auto.body.id]);
  assert.deepEqual(kinds.rows.map((r) => r.kind), ['sms', 'lms']);
  const withSubject = await send(s, { type: 'auto', from: s.from, subject: '제목', text: 'hi', recipients: [{ to: '01044445555' }] });
  const k2 = await sys.database.pool.query<{ kind: string }>('SELECT kind FROM message_recipients WHERE batch_id = $1', [withSubject.body.id]);
  assert.equal(k2.rows[0]!.kind, 'lms');

  assert.equal((await send(s, { type: 'lms', from: s.from, text: '가'.repeat(1000), recipients: [{ to: '01044445555' }] })).status, 202);
  const lmsOver = await send(s, { type: 'lms', from: s.from, text: '가'.repeat(1000) + 'a', recipients: [{ to: '01044445555' }] });
  assert.equal(lmsOver.body.error.details.errors[0].code, 'message_text_too_long');
  assert.equal((await send(s, { type: 'lms', from: s.from, subject: '가'.repeat(20), text: 'x', recipients: [{ to: '01044445555' }] })).status, 202);
  const subjectOver = await send(s, { type: 'lms', from: s.from, subject: '가'.repeat(20) + 'a', text: 'x', recipients: [{ to: '01044445555' }] });
  assert.equal(subjectOver.body.error.details.errors[0].field, 'subject');

  const chars = await send(s, { type: 'lms', from: s.from, text: '안녕하세요', recipients: [{ to: '01044445555' }, { to: '01044446666', text: '웃어요 😀' }, { to: '01044447777', text: '뷁' }] });
  assert.equal(chars.status, 400);
  assert.deepEqual(chars.body.error.details.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [
    ['recipients[1].text', 'message_charset'],
    ['recipients[2].text', 'message_charset'],
  ]);
});

test('ads: (광고) and the 080 opt-out required; Kakao refused from 20:50 and SMS from 21:00 KST, or held to 08:00 KST', async () => {
  const s = await sender(sys);
  clock.set(DAY);
  const noMark = await send(s, { type: 'sms', from: s.from, ad: true, text: '세일 무료수신거부 0801234567', recipients: [{ to: '01055556666' }] });
  assert.equal(noMark.body.error.details.errors[0].code, 'message_ad_rules');
  const noOptOut = await send(s, { type: 'friendtalk', channelId: s.channelId, text: '(광고) 세일', recipients: [{ to: '01055556666' }] });
  assert.equal(noOptOut.body.error.details.errors[0].code, 'message_ad_rules');

  clock.set(new Date('2026-03-02T20:49:59+09:00'));
  assert.equal((await send(s, { type: 'friendtalk', channelId: s.channelId, text: AD, recipients: [{ to: '01055556666' }] })).status, 202);
  clock.set(new Date('2026-03-02T20:50:00+09:00'));
  const kakaoNight = await send(s, { type: 'friendtalk', channelId: s.channelId, text: AD, recipients: [{ to: '01055556666' }] });
  assert.equal(kakaoNight.status, 400);
  assert.equal(kakaoNight.body.error.code, 'message_ad_night');
  // the SMS night starts at 21:00
  assert.equal((await send(s, { type: 'sms', from: s.from, ad: true, text: AD, recipients: [{ to: '01055556666' }] })).status, 202);
  clock.set(new Date('2026-03-02T21:00:00+09:00'));
  const smsNight = await send(s, { type: 'sms', from: s.from, ad: true, text: AD, recipients: [{ to: '01055556666' }] });
  assert.equal(smsNight.body.error.code, 'message_ad_night');
  // held: reserved until 08:00 KST the next morning, with its release job
  const held = await send(s, { type: 'sms', from: s.from, ad: true, adNight: 'hold', text: AD, recipients: [{ to: '01055556666' }] });
  assert.equal(held.status, 202, held.text);
  assert.equal(held.body.state, 'reserved');
  assert.equal(held.body.holdReason, 'ad_night');
  assert.equal(held.body.reserveAt, new Date('2026-03-03T08:00:00+09:00').toISOString());
  const job = await sys.database.pool.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE queue = $1 AND dedupe_key = $2`, [messageQueuesOf(sys.ctx).release, `batch:${held.body.id}`]);
  assert.equal(new Date(job.rows[0]!.run_at).toISOString(), held.body.reserveAt);
  // a reservation inside the night is refused
  clock.set(DAY);
  const nightReserve = await send(s, { type: 'sms', from: s.from, ad: true, text: AD, reserveAt: '2026-03-02T23:00:00+09:00', recipients: [{ to: '01055556666' }] });
  assert.equal(nightReserve.body.error.field, 'reserveAt');
  // not an ad: any time
  clock.set(new Date('2026-03-02T23:00:00+09:00'));
  assert.equal((await send(s, { type: 'sms', from: s.from, text: '배송 안내', recipients: [{ to: '01055556666' }] })).status, 202);
});

test('sender numbers: an unregistered or pending number is refused; fallback needs one', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  await senderNumber(sys, s.partnerId, '0311234567', 'pending');
  for (const from of ['0299998888', '0311234567']) {
    const r = await send(s, { type: 'sms', from, text: '안내', recipients: [{ to: '01066667777' }] });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.code, 'sender_number_not_registered');
    assert.equal(r.body.error.field, 'from');
  }
  const noFrom = await send(s, { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, fallback: { type: 'auto' }, recipients: [{ to: '01066667777', variables: vars('가') }] });
  assert.equal(noFrom.body.error.field, 'from');
  const fb = await send(s, { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, from: s.from, fallback: { type: 'auto' }, recipients: [{ to: '01066667777', variables: vars('가') }, { to: '01066668888', variables: vars('나'), fallback: { type: 'sms', text: '주문 접수' } }] });
  assert.equal(fb.status, 202, fb.text);
  const rows = await sys.database.pool.query<{ fallback: { kind: string; text: string } }>('SELECT fallback FROM message_recipients WHERE batch_id = $1 ORDER BY seq', [fb.body.id]);
  assert.equal(rows.rows[0]!.fallback.kind, 'sms');
  assert.deepEqual(rows.rows[1]!.fallback, { kind: 'sms', text: '주문 접수' });
});

test('clientRef repeats (in the request, against an earlier one, concurrently) are answered and stored once; Idempotency-Key replays', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const first = await send(s, { type: 'sms', from: s.from, text: '안내', recipients: [{ to: '01077778888', clientRef: 'r1' }, { to: '01077778888', clientRef: 'r1' }] });
  assert.equal(first.status, 202, first.text);
  assert.equal(first.body.total, 1);
  assert.equal(first.body.recipients[1].duplicate, true);
  assert.equal(first.body.recipients[1].id, first.body.recipients[0].id);
  const again = await send(s, { type: 'sms', from: s.from, text: '안내', recipients: [{ to: '01077778888', clientRef: 'r1' }, { to: '01077779999', clientRef: 'r2' }] });
  assert.equal(again.body.total, 1);
  assert.deepEqual(again.body.recipients[0], { index: 0, id: first.body.recipients[0].id, batchId: first.body.id, clientRef: 'r1', duplicate: true });
  const all = await send(s, { type: 'sms', from: s.from, text: '안내', recipients: [{ to: '01077778888', clientRef: 'r1' }] });
  assert.equal(all.status, 202);
  assert.equal(all.body.id, null);

  const racers = await Promise.all([0, 1, 2, 3].map(() => send(s, { type: 'sms', from: s.from, text: '안내', recipients: [{ to: '01077778888', clientRef: 'race' }] })));
  for (const r of racers) assert.equal(r.status, 202, r.text);
  assert.equal(racers.filter((r) => r.body.recipients[0].duplicate === false).length, 1);
  assert.equal(new Set(racers.map((r) => r.body.recipients[0].id)).size, 1);
  const count = await sys.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM message_recipients WHERE partner_id = $1 AND client_ref = 'race'`, [s.partnerId]);
  assert.equal(Number(count.rows[0]!.n), 1);

  const body = { type: 'sms', from: s.from, text: '안내', recipients: [{ to: '01077778888' }] };
  const a = await send(s, body, { 'idempotency-key': 'send-1' });
  const b = await send(s, body, { 'idempotency-key': 'send-1' });
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.deepEqual(b.body, a.body);
});

test('acceptValid: the valid recipients are accepted, the others listed', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const r = await send(s, { type: 'sms', from: s.from, text: '안내', acceptValid: true, recipients: [{ to: '01012341234' }, { to: '0212345678' }, { to: '010-1234-1234' }] });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.rejectedCount, 2);
  assert.deepEqual(r.body.rejected.map((e: { index: number; field: string }) => [e.index, e.field]), [[1, 'recipients[1].to'], [2, 'recipients[2].to']]);
});

test('a bulk of 10,000 recipients is accepted in one call', async () => {
  clock.set(DAY);
  const s = await sender(sys);
  const recipients = Array.from({ length: 10_000 }, (_, i) => ({ to: phone(i), clientRef: `bulk-${i}`, variables: vars(`고객${i}`) }));
  const started = process.hrtime.bigint();
  const r = await send(s, { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, recipients });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`# 10,000 AlimTalk recipients accepted over HTTP in ${ms.toFixed(0)} ms (${sys.database.engine})`);
  assert.equal(r.status, 202, r.text.slice(0, 500));
  assert.equal(r.body.total, 10_000);
  assert.equal(r.body.recipients.length, 10_000);
  const batch = await s.call('GET', `/v1/messages/${r.body.id}`);
  assert.equal(batch.body.total, 10_000);
  const n = await sys.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM message_recipients WHERE batch_id = $1', [r.body.id]);
  assert.equal(Number(n.rows[0]!.n), 10_000);
  const refs = await sys.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM message_client_refs WHERE batch_id = $1', [r.body.id]);
  assert.equal(Number(refs.rows[0]!.n), 10_000);
  const over = await send(s, { type: 'sms', from: s.from, text: 'x', recipients: Array.from({ length: 10_001 }, (_, i) => ({ to: phone(i) })) });
  assert.equal(over.status, 400);
  assert.equal(over.body.error.field, 'recipients');
});
