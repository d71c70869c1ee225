// The send history over real HTTP (GET /v1/message-history, .xlsx, DELETE): filters, the period presets at their
// KST boundaries (ManualClock), the period's count and sums, paging, deletion (선택삭제 all-or-nothing, 전체삭제 only
// confirmed, reserved refused, usage kept), tenant isolation, and the streamed workbook read back row by row.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { jpeg, sender, type Sender } from './messaging-send-support.ts';
import { makeCompany, operatorClient, request } from './portal-support.ts';

// Data goes through POST /v1/messages at chosen clock times and through the carrier simulator (patterns by number:
// 0108888NNNN fails with NNNN, 0107777XXXX is never reported, 0109999XXXX answers Kakao XXXX). The clock is set in
// next year (00:30 KST on 20 May) so reservations (release jobs run at reserveAt in real time) stay reserved.
const YEAR = new Date().getUTCFullYear() + 1;
const kstTime = (monthDay: string, time: string) => new Date(`${YEAR}-${monthDay}T${time}+09:00`);
const NOW = kstTime('05-20', '00:30:00');
const clock = new ManualClock(NOW);
let sys: TestSystem;
// the message job queues are not per channel: on a shared PostgreSQL another file's worker could take our batches
let privateDb: PrivateDatabase;
before(async () => {
  privateDb = await usePrivateDatabase('msghist');
  sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '10' }, { clock });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

const ids = (body: { data: { id: number }[] }) => body.data.map((r) => r.id);
const AD = '(광고) 봄 세일 20% 할인\n무료수신거부 080-123-4567';
const vars = { 고객명: '홍길동', 상품: '우산', 주문번호: 'A-1' };

/** Send at clock time `at` (then back to NOW) and, unless `wait` is false, wait until no recipient is queued. */
async function sendAt(s: Sender, at: Date, body: Record<string, unknown>, o: { settle?: (b: any) => boolean } = {}): Promise<number> {
  clock.set(at);
  const r = await s.call('POST', '/v1/messages', body);
  assert.equal(r.status, 202, r.text);
  const id = r.body.id as number;
  const settle = o.settle ?? ((b: any) => b.state === 'done');
  await waitFor(async () => (await s.call('GET', `/v1/messages/${id}`)).body, settle, { what: `batch ${id} settled`, timeoutMs: 30_000 });
  clock.set(NOW);
  return id;
}

/** A partner with a spread of batches around the KST boundaries of NOW, all sent through the API. */
async function spread(s: Sender) {
  const sms = (text: string, to: string[]) => ({ type: 'sms', from: s.from, text, recipients: to.map((t) => ({ to: t })) });
  const sendingOne = (b: any) => b.success === 1 && b.pending === 1 && b.state === 'sending';
  return {
    tenMinutes: await sendAt(s, kstTime('05-20', '00:20:00'), sms('오늘 배송이 시작됩니다', ['01012340001', '01012340002', '01088883003'])),
    lastNight: await sendAt(s, kstTime('05-19', '23:50:00'), { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, recipients: [{ to: '01099991000', variables: vars }, { to: '01077770000', variables: vars }] }, { settle: sendingOne }),
    photo: await sendAt(s, kstTime('05-16', '10:00:00'), { type: 'friendtalk', channelId: s.channelId, text: AD, images: [jpeg(800, 600).toString('base64')], recipients: [{ to: '01099991000' }] }),
    sevenDays: await sendAt(s, kstTime('05-13', '00:00:00'), sms('7일 전 자정 문자', ['01012340003'])),
    eightDays: await sendAt(s, kstTime('05-12', '23:59:59'), { type: 'lms', from: s.from, subject: '공지', text: '시스템 점검 안내', recipients: [{ to: '01088883003' }] }),
    oneMonth: await sendAt(s, kstTime('04-20', '00:00:00'), sms('한 달 전 문자', ['01012340004'])),
    older: await sendAt(s, kstTime('04-19', '23:59:00'), sms('한 달 넘은 문자', ['01012340005'])),
  };
}

test('periods at KST boundaries, filters, search, the period total and paging', async () => {
  clock.set(NOW);
  const p = await sender(sys);
  const b = await spread(p);
  const list = async (qs: string) => {
    const r = await p.call('GET', `/v1/message-history?${qs}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  assert.deepEqual(ids(await list('period=1h')), [b.tenMinutes, b.lastNight], 'the last hour crosses midnight');
  assert.deepEqual(ids(await list('period=today')), [b.tenMinutes], 'today starts at 00:00 KST');
  assert.deepEqual(ids(await list('period=7d')), [b.tenMinutes, b.lastNight, b.photo, b.sevenDays], '7d starts at 00:00 KST 7 days ago');
  const month = await list('period=1m');
  assert.deepEqual(ids(month), [b.tenMinutes, b.lastNight, b.photo, b.sevenDays, b.eightDays, b.oneMonth], '1m starts at 00:00 KST the same day last month');
  assert.deepEqual(ids(await list('')), ids(month), '1m is the default');
  assert.equal(month.period.from, kstTime('04-20', '00:00:00').toISOString());
  assert.equal(month.total, 6);
  assert.deepEqual(month.summary, { recipients: 9, success: 6, failure: 2, pending: 1, cancelled: 0 });
  const custom = await list(`from=${YEAR}-04-19&to=${YEAR}0419`);
  assert.equal(custom.period.name, 'custom');
  assert.deepEqual(ids(custom), [b.older], 'a custom day is 00:00–24:00 KST');

  // a row as the screen shows it
  const row = month.data.find((r: { id: number }) => r.id === b.tenMinutes);
  assert.deepEqual(
    { type: row.type, typeName: row.typeName, title: row.title, sender: row.sender, total: row.total, success: row.success, failure: row.failure, pending: row.pending, state: row.state },
    { type: 'sms', typeName: 'SMS', title: '오늘 배송이 시작됩니다', sender: p.from, total: 3, success: 2, failure: 1, pending: 0, state: 'done' },
  );
  const alim = month.data.find((r: { id: number }) => r.id === b.lastNight);
  assert.equal(alim.title, '주문 접수 안내');
  assert.equal(alim.templateCode, p.templateCode);
  assert.match(alim.sender, /^@t/);
  assert.equal(alim.state, 'sending');
  assert.equal(month.data.find((r: { id: number }) => r.id === b.photo).typeName, '친구톡 포토');
  assert.equal(month.data.find((r: { id: number }) => r.id === b.eightDays).title, '공지', 'the subject when there is no template');

  // filters and search
  assert.deepEqual(ids(await list('period=1m&type=sms')), [b.tenMinutes, b.sevenDays, b.oneMonth]);
  assert.deepEqual(ids(await list('period=1m&state=sending')), [b.lastNight]);
  assert.deepEqual(ids(await list(`period=1m&q=${encodeURIComponent('주문 접수')}`)), [b.lastNight], 'search by template title');
  assert.deepEqual(ids(await list(`period=1m&q=${encodeURIComponent('점검')}`)), [b.eightDays], 'search by content');
  assert.deepEqual(ids(await list('period=1m&q=%25')), [b.photo], 'a % is searched literally (only the "20%" text)');
  assert.deepEqual(ids(await list('period=1m&q=_')), [], 'and so is _');
  const sms = await list('period=1m&type=sms');
  assert.deepEqual(sms.summary, { recipients: 5, success: 4, failure: 1, pending: 0, cancelled: 0 }, 'sums follow the filters');

  // paging
  const p1 = await list('period=1m&pageSize=4');
  assert.deepEqual([ids(p1), p1.total, p1.nextPage], [[b.tenMinutes, b.lastNight, b.photo, b.sevenDays], 6, 2]);
  const p2 = await list('period=1m&pageSize=4&page=2');
  assert.deepEqual([ids(p2), p2.nextPage], [[b.eightDays, b.oneMonth], null]);
  assert.deepEqual(ids(await list('period=1m&pageSize=4&page=9')), []);

  // the clock moves: 'today' follows the KST day
  clock.set(kstTime('05-21', '00:00:00'));
  assert.deepEqual(ids(await list('period=today')), []);
  assert.deepEqual(ids(await list('period=7d')), [b.tenMinutes, b.lastNight, b.photo], 'from 05-14 00:00 KST');
  clock.set(NOW);
});

test('bad queries answer 400 naming the field and change nothing', async () => {
  const p = await sender(sys);
  for (const [qs, field] of [
    ['period=2h', 'period'],
    ['type=fax', 'type'],
    ['state=lost', 'state'],
    ['period=custom&to=2026-05-01', 'from'],
    ['from=2026-02-30&to=2026-03-01', 'from'],
    ['from=2026-05-02&to=2026-05-01', 'to'],
    ['from=2025-01-01&to=2026-05-01', 'to'],
    ['pageSize=101', 'pageSize'],
    ['page=0', 'page'],
    [`q=${'가'.repeat(101)}`, 'q'],
    ['q=a%00b', 'q'],
  ] as const) {
    const r = await p.call('GET', `/v1/message-history?${qs}`);
    assert.equal(r.status, 400, `${qs}: ${r.text}`);
    assert.match(`${r.body.error.field}`, new RegExp(`^(querystring\\.)?${field}$`), `${qs} names ${field}: ${r.text}`);
    const x = await p.call('GET', `/v1/message-history.xlsx?${qs}`);
    assert.equal(x.status, 400, `xlsx ${qs}`);
  }
  const none = await p.call('GET', '/v1/message-history', undefined, { authorization: 'Bearer nope' });
  assert.equal(none.status, 401);
});

test('선택삭제 and 전체삭제: all or nothing, confirmed, reserved refused, usage kept, no other tenant touched', async () => {
  clock.set(NOW);
  const a = await sender(sys);
  const other = await sender(sys);
  const done1 = await sendAt(a, kstTime('05-19', '10:00:00'), { type: 'sms', from: a.from, text: 'a', recipients: [{ to: '01012340001' }, { to: '01088883003' }] });
  const done2 = await sendAt(a, kstTime('05-18', '10:00:00'), { type: 'sms', from: a.from, text: 'b', recipients: [{ to: '01012340002' }] });
  const reserved = await sendAt(a, kstTime('05-19', '11:00:00'), { type: 'sms', from: a.from, text: 'c', reserveAt: kstTime('05-25', '09:00:00').toISOString(), recipients: [{ to: '01012340003' }] }, { settle: (x) => x.state === 'reserved' });
  const sending = await sendAt(a, kstTime('05-19', '12:00:00'), { type: 'sms', from: a.from, text: 'd', recipients: [{ to: '01077770000' }] }, { settle: (x) => x.state === 'sending' });
  const old = await sendAt(a, kstTime('03-02', '10:00:00'), { type: 'sms', from: a.from, text: 'e', recipients: [{ to: '01012340004' }] });
  const theirs = await sendAt(other, kstTime('05-19', '10:00:00'), { type: 'sms', from: other.from, text: 'x', recipients: [{ to: '01012340005' }] });

  // the other partner sees nothing of a and cannot delete it
  assert.deepEqual(ids((await other.call('GET', '/v1/message-history')).body), [theirs]);
  const steal = await other.call('DELETE', '/v1/message-history', { ids: [theirs, done1] });
  assert.equal(steal.status, 404, steal.text);
  assert.equal(steal.body.error.field, 'ids[1]');
  assert.deepEqual(ids((await other.call('GET', '/v1/message-history')).body), [theirs], 'all or nothing: its own batch is still there');
  const stealAll = await other.call('DELETE', '/v1/message-history', { all: true, confirm: true, period: '7d' });
  assert.deepEqual(stealAll.body, { deleted: 1, recipients: 1, skipped: 0 }, 'its 전체삭제 takes only its own');

  // 선택삭제 of a reserved batch: refused, nothing deleted
  const r1 = await a.call('DELETE', '/v1/message-history', { ids: [done1, reserved] });
  assert.equal(r1.status, 409, r1.text);
  assert.deepEqual([r1.body.error.code, r1.body.error.field], ['message_history_not_final', 'ids[1]']);
  const r2 = await a.call('DELETE', '/v1/message-history', { ids: [sending] });
  assert.equal(r2.status, 409);
  assert.equal(await countRows(done1), 2, 'nothing deleted');

  const usageBefore = await usageOf(a.partnerId);
  assert.equal(usageBefore, 3, 'one usage record per delivered message (done1, done2, old)');
  const d1 = await a.call('DELETE', '/v1/message-history', { ids: [done1] }, { 'idempotency-key': 'del-1' });
  assert.equal(d1.status, 200, d1.text);
  assert.deepEqual(d1.body, { deleted: 1, recipients: 2, skipped: 0 });
  const again = await a.call('DELETE', '/v1/message-history', { ids: [done1] }, { 'idempotency-key': 'del-1' });
  assert.deepEqual([again.status, again.body], [200, d1.body], 'a retry with the same Idempotency-Key gets the first answer');
  assert.equal(await countRows(done1), 0, 'recipients and attempts gone');
  assert.equal((await a.call('GET', `/v1/messages/${done1}`)).status, 404);
  assert.equal(await usageOf(a.partnerId), usageBefore, 'usage records are kept for settlement');

  // 전체삭제 needs the confirmation
  const noConfirm = await a.call('DELETE', '/v1/message-history', { all: true, period: '7d' });
  assert.equal(noConfirm.status, 400);
  assert.deepEqual([noConfirm.body.error.code, noConfirm.body.error.field], ['message_history_unconfirmed', 'confirm']);
  const neither = await a.call('DELETE', '/v1/message-history', {});
  assert.equal(neither.status, 400);
  assert.equal(neither.body.error.field, 'ids');
  assert.deepEqual(ids((await a.call('GET', '/v1/message-history?period=7d')).body), [sending, reserved, done2]);

  const all = await a.call('DELETE', '/v1/message-history', { all: true, confirm: true, period: '7d' });
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.body, { deleted: 1, recipients: 1, skipped: 2 }, 'reserved and sending batches are left');
  assert.deepEqual(ids((await a.call('GET', '/v1/message-history?period=7d')).body), [sending, reserved]);
  assert.deepEqual(ids((await a.call('GET', `/v1/message-history?from=${YEAR}-03-01&to=${YEAR}-03-31`)).body), [old], 'outside the period: kept');
});

async function countRows(batchId: number): Promise<number> {
  const r = await sys.ctx.db.selectFrom('message_recipients').where('batch_id', '=', batchId).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const a = await sys.ctx.db.selectFrom('message_attempts').where('batch_id', '=', batchId).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(a.n) > 0, Number(r.n) > 0, 'attempts go with their recipients');
  return Number(r.n);
}

async function usageOf(partnerId: number): Promise<number> {
  const r = await sys.ctx.db.selectFrom('usage_records').where('partner_id', '=', partnerId).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** GET an .xlsx with a partner's `Authorization` and read it back. */
async function workbook(auth: string, qs: string) {
  const r = await fetch(`${sys.url}/v1/message-history.xlsx?${qs}`, { headers: { authorization: auth } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition') ?? '', /filename\*=UTF-8''%EB%B0%9C%EC%86%A1%EB%82%B4%EC%97%AD_/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
  const rows = (name: string) => {
    const ws = wb.getWorksheet(name);
    assert.ok(ws, `sheet ${name}`);
    const out: unknown[][] = [];
    ws.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
    return out;
  };
  return { wb, rows };
}

/** A second Access Key of the partner (fetch reads the binary answer). */
async function keyOf(p: Sender): Promise<string> {
  const r = await p.member.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(r.status, 201, r.text);
  return `Bearer ${r.body.accessKey as string}`;
}

test('엑셀 다운로드: the same query as a streamed .xlsx, rows equal to the JSON; a selection; recipients sheet', async () => {
  clock.set(NOW);
  const p = await sender(sys);
  const auth = await keyOf(p);
  const b = await spread(p);
  const fallback = await sendAt(p, kstTime('05-19', '09:00:00'), { type: 'alimtalk', channelId: p.channelId, templateCode: p.templateCode, from: p.from, fallback: { type: 'lms', subject: '알림' }, recipients: [{ to: '01099993018', variables: vars }] });
  const json = (await p.call('GET', '/v1/message-history?period=1m&pageSize=100')).body;
  const x = await workbook(auth, 'period=1m');
  const sheet = x.rows('발송내역');
  assert.deepEqual(sheet[0], ['번호', '유형', '템플릿 제목', '발신번호 / 채널ID', '발송 건수', '성공', '실패', '대기', '취소', '상태', '접수 일시', '최근 발송 일시']);
  assert.equal(json.total, 7);
  assert.equal(sheet.length - 1, json.total);
  const kst = (iso: string) => new Date(new Date(iso).getTime() + 9 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
  const state: Record<string, string> = { reserved: '예약', queued: '대기', sending: '진행중', done: '완료', cancelled: '취소' };
  json.data.forEach((r: any, i: number) => {
    assert.deepEqual(sheet[i + 1], [r.id, r.typeName, r.title, r.sender, r.total, r.success, r.failure, r.pending, r.cancelled, state[r.state], kst(r.acceptedAt), kst(r.lastSentAt)], `row ${i + 1}`);
  });
  assert.equal(sheet[1]![10], `${YEAR}-05-20 00:20:00`, 'KST times');
  assert.equal(x.wb.getWorksheet('수신자'), undefined, 'no recipients sheet unless asked');

  const sel = await workbook(auth, `period=1m&ids=${b.lastNight},${fallback},${b.eightDays}&detail=recipients`);
  assert.deepEqual(sel.rows('발송내역').slice(1).map((r) => r[0]), [b.lastNight, fallback, b.eightDays], 'only the selected batches');
  const rec = sel.rows('수신자');
  assert.deepEqual(rec[0], ['발송내역 번호', '순번', '수신번호', 'clientRef', '유형', '상태', '결과 코드', '결과 메시지', '발송 일시', '완료 일시', '시도 (대체발송 포함)']);
  assert.deepEqual(rec.slice(1).map((r) => [r[0], r[1], r[2], r[5]]), [[b.lastNight, 1, '01099991000', '성공'], [b.lastNight, 2, '01077770000', '발송중'], [fallback, 1, '01099993018', '성공'], [b.eightDays, 1, '01088883003', '실패']]);
  assert.match(String(rec[3]![10]), /^#1 alimtalk failed 3018; #2 lms \(대체발송\) delivered/, 'Kakao and fallback attempts both shown');
});

test('portal: the history and reservation screens are for partners only; the download needs the session\'s CSRF token', async () => {
  const op = await operatorClient(sys);
  const company = await makeCompany(sys, op);
  for (const path of ['/portal/api/history', '/portal/api/reservations', '/portal/api/history/batch?id=1']) {
    const r = await company.client.call('GET', path);
    assert.equal(r.status, 403, `${path}: a company member without the API service`);
    assert.match(r.text, /연동 API 서비스 승인 후 이용할 수 있습니다/);
    const anon = await request(sys.url, 'GET', path);
    assert.equal(anon.status, 303, `${path}: anonymous → login`);
    assert.match(String(anon.headers.location), /^\/portal\/login\?next=/);
  }
  clock.set(NOW);
  const p = await sender(sys);
  const id = await sendAt(p, kstTime('05-19', '10:00:00'), { type: 'sms', from: p.from, text: '포털 확인', recipients: [{ to: '01012340001' }] });
  const page = await p.member.call('GET', '/portal/api/history?period=7d');
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`data-batch-id="${id}"`));
  const en = await p.member.call('GET', '/portal/api/history?period=7d&lang=en');
  assert.match(en.text, /<h1>Send history<\/h1>/);
  assert.match(en.text, /Delete selected[\s\S]*Delete all[\s\S]*Excel download/, 'English through the language switch');
  const other = await sender(sys);
  const detail = await other.member.call('GET', `/portal/api/history/batch?id=${id}`);
  assert.equal(detail.status, 404, 'another partner\'s batch is not found');
  const noCsrf = await p.member.call('POST', '/portal/api/history/download', { form: { period: '7d' }, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const xlsx = await p.member.call('POST', '/portal/api/history/download', { form: { _csrf: csrf, period: '7d' }, noCsrf: true });
  assert.equal(xlsx.status, 200);
  assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
});
