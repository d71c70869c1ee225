// Document notices (issue 10 item 5): a document issued with AlimTalk notification (REST alimtalk.notify, legacy
// doc__alimtalk_yn=Y) sends the buyer's contact one AlimTalk through the sending pipeline — delivered by the
// carrier simulator, billed as usage with the document's subscription (and the member's partner) — once per
// document whatever the retries, with an LMS fallback for a number that is not a KakaoTalk user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { legacyInvoiceFields, onboard, type Onboarded } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { legacyInsertMember, makePartner, operatorClient } from './portal-support.ts';
import { NOTICE_TEMPLATE_CODE } from '../../src/modules/messaging/notices/notice-template.ts';

// a database of its own on PostgreSQL: the shared test database may hold an older 0009 schema (message_batches
// without channel) migrated before that migration was last edited
let privateDb: PrivateDatabase;
let sys: TestSystem;
before(async () => {
  privateDb = await usePrivateDatabase('msgnotice');
  sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '20' });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

const auth = (s: Onboarded) => ({ 'x-svc-key': s.svcKey });
const docsPath = (s: Onboarded) => `/v1/subscriptions/${s.sinchno}/documents`;

function invoice(mobile: string | undefined, notify = true) {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: '20261121',
    buyer: { idType: 'business', id: freshBizno(), name: '(주)알림상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'notice-buyer@example.kr', ...(mobile ? { mobile } : {}) }] },
    amounts: { supply: 1234000, tax: 123400, total: 1357400 },
    lines: [{ month: 11, day: 21, name: '컨설팅', supply: 1234000, tax: 123400 }],
    alimtalk: { notify },
  };
}

async function documentId(dockey: string): Promise<number> {
  const row = await sys.ctx.db.selectFrom('documents').select('id').where('dockey', '=', dockey).executeTakeFirstOrThrow();
  return Number(row.id);
}

async function noticesOf(subscriptionId: number) {
  return sys.ctx.db.selectFrom('document_notices').selectAll().where('subscription_id', '=', subscriptionId).orderBy('document_id').execute();
}

async function noticeBatchesOf(subscriptionId: number) {
  return sys.ctx.db.selectFrom('message_batches').selectAll().where('subscription_id', '=', subscriptionId).where('source', '=', 'document_notice').execute();
}

/** The notice of a document once its batch is done: the notice row, batch, recipient, attempts and usage. */
async function deliveredNotice(dockey: string) {
  const id = await documentId(dockey);
  const notice = await waitFor(() => sys.ctx.db.selectFrom('document_notices').selectAll().where('document_id', '=', id).executeTakeFirst(), (n) => n !== undefined, { what: `the notice of ${dockey}` });
  assert.equal(notice.state, 'queued');
  const at = notice.batch_accepted_at!;
  const batch = await waitFor(
    () => sys.ctx.db.selectFrom('message_batches').selectAll().where('id', '=', Number(notice.batch_id)).where('accepted_at', '=', at).executeTakeFirstOrThrow(),
    (b) => b.state === 'done',
    { what: `notice batch ${notice.batch_id} to be done`, timeoutMs: 30_000, show: (b) => ({ state: b.state, pending: b.pending }) },
  );
  const recipients = await sys.ctx.db.selectFrom('message_recipients').selectAll().where('batch_id', '=', Number(batch.id)).where('accepted_at', '=', at).execute();
  const attempts = await sys.ctx.db.selectFrom('message_attempts').selectAll().where('batch_id', '=', Number(batch.id)).where('accepted_at', '=', at).orderBy('attempt_no').execute();
  const usage = attempts.length === 0 ? [] : await sys.ctx.db.selectFrom('usage_records').selectAll().where('event_key', 'in', attempts.map((a) => `msg:${a.id}`)).execute();
  return { notice, batch, recipients, attempts, usage };
}

async function unitOf(item: string) {
  return sys.ctx.db.selectFrom('service_units').selectAll().where('metered_item', '=', item).where('retired_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
}

describe('document notices', () => {
  test('REST alimtalk.notify: one AlimTalk to the buyer mobile, rendered, from the notice sender, delivered and billed to the subscription; an Idempotency-Key retry sends no second', async () => {
    const s = await onboard(sys.url, { comName: '(주)알림공급' });
    const body = { issue: true, document: invoice('010-2345-6789') };
    const h = { ...auth(s), 'idempotency-key': `notice-${s.sinchno}` };
    const [a, b] = await Promise.all([rest(sys.url, 'POST', docsPath(s), body, h), rest(sys.url, 'POST', docsPath(s), body, h)]);
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.deepEqual(b, a);
    const c = await rest(sys.url, 'POST', docsPath(s), body, h);
    assert.deepEqual(c, a);
    const dockey = String(a.body.dockey);

    const { notice, batch, recipients, attempts, usage } = await deliveredNotice(dockey);
    assert.equal(notice.phone, '01023456789');
    assert.equal(notice.partner_id, null, 'a member without a partner');
    assert.deepEqual([batch.source, batch.type, batch.template_code, Number(batch.subscription_id), batch.partner_id, batch.channel_id], ['document_notice', 'alimtalk', NOTICE_TEMPLATE_CODE, s.sinchno, null, null]);
    assert.deepEqual([batch.total, batch.success, batch.failure, batch.pending], [1, 1, 0, 0]);
    assert.equal(batch.sender_number, sys.ctx.config.notices.sender!.senderNumber);

    assert.equal(recipients.length, 1);
    const r = recipients[0]!;
    assert.deepEqual([r.phone, r.kind, r.state, r.result_code], ['01023456789', 'alimtalk', 'delivered', '1000']);
    const issued = await rest(sys.url, 'GET', `${docsPath(s)}/${dockey}`, undefined, auth(s));
    const issueId = String(issued.body.issueId ?? issued.body.document?.issueId);
    assert.match(issueId, /^\d{24}$/);
    assert.match(r.text, /^\[세금계산서 발행 안내\]\n\(주\)알림상사 귀하\n\(주\)알림공급에서 세금계산서를 발행했습니다\./);
    assert.ok(r.text.includes('■ 작성일자: 2026-11-21'), r.text);
    assert.ok(r.text.includes('■ 공급가액: 1,234,000원\n■ 세액: 123,400원\n■ 합계: 1,357,400원'), r.text);
    assert.ok(r.text.includes(`■ 승인번호: ${issueId}`), r.text);
    const link = new RegExp(`문서보기: (${sys.ctx.config.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/view/${dockey}\\?t=\\S+)$`);
    const m = link.exec(r.text);
    assert.ok(m, r.text);
    const view = await fetch(m[1]!);
    assert.equal(view.status, 200, 'the link opens the document, as the mail’s does');

    // what the carrier received: the platform's sender key, the built-in template, a 문서보기 button
    assert.equal(attempts.length, 1);
    const sent = sys.carrier.simulator!.messageOf(String(attempts[0]!.id));
    assert.ok(sent);
    assert.equal(sent.message.from, sys.ctx.config.notices.sender!.senderKey);
    assert.equal(sent.message.templateCode, NOTICE_TEMPLATE_CODE);
    assert.equal(sent.message.text, r.text);
    assert.deepEqual(sent.message.buttons, [{ type: 'WL', name: '문서보기', linkMo: m[1], linkPc: m[1] }]);

    const unit = await unitOf('message_alimtalk');
    assert.equal(usage.length, 1);
    assert.deepEqual([usage[0]!.metered_item, Number(usage[0]!.subscription_id), usage[0]!.partner_id, Number(usage[0]!.unit_price_krw)], ['message_alimtalk', s.sinchno, null, Number(unit.unit_price_krw)]);

    assert.equal((await noticesOf(s.sinchno)).length, 1, 'one notice for three identical requests');
    assert.equal((await noticeBatchesOf(s.sinchno)).length, 1);
  });

  test('legacy doc__alimtalk_yn=Y of a partner’s member, not a KakaoTalk user: the LMS fallback is delivered and billed (partner and subscription); a subkey retry sends no second', async () => {
    const op = await operatorClient(sys);
    const p = await makePartner(sys, op);
    const key = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
    assert.equal(key.status, 201, key.text);
    const m = await legacyInsertMember(sys.url, { key: key.body.accessKey as string });
    assert.equal(m.code, '0000', m.msg);
    const sub = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.loginId, pwd: 'Secret123', pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
    assert.equal(sub.code, '0000', String(sub.msg));
    const k = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.loginId, pwd: 'Secret123' });
    const s: Onboarded = { bizno: m.bizno, id: m.loginId, pwd: 'Secret123', comName: '고객상사', email: 'tax@example.kr', sinchno: Number(k['sinchno']), svcKey: String(k['svc_key']) };

    const fields = { cmd: 'INSERT', doc__proc_state: 'S', doc__subkey: `N-${s.sinchno}`, ...legacyInvoiceFields(s, freshBizno(), { doc__alimtalk_yn: 'Y', doc__buy_hp1: '010-0000-3019' }) };
    const [a, b] = await Promise.all([legacyPost(sys.url, 'document.aspx', fields), legacyPost(sys.url, 'document.aspx', fields)]);
    assert.equal(a.code, '0000', JSON.stringify(a));
    assert.equal(a['dockey'], b['dockey']);
    const again = await legacyPost(sys.url, 'document.aspx', fields);
    assert.equal(again['dockey'], a['dockey']);

    const { notice, batch, recipients, attempts, usage } = await deliveredNotice(String(a['dockey']));
    assert.equal(Number(notice.partner_id), p.partnerId);
    assert.equal(Number(batch.partner_id), p.partnerId);
    assert.deepEqual([batch.success, batch.failure], [1, 0]);
    const r = recipients[0]!;
    assert.deepEqual([r.phone, r.state, r.attempts], ['01000003019', 'delivered', 2]);
    assert.deepEqual(attempts.map((x) => [x.kind, x.is_fallback, x.state, x.result_code]), [['alimtalk', false, 'failed', '3019'], ['lms', true, 'delivered', '1000']]);
    const lms = sys.carrier.simulator!.messageOf(String(attempts[1]!.id));
    assert.equal(lms?.message.from, sys.ctx.config.notices.sender!.senderNumber, 'the fallback goes from the notice sender number');
    assert.equal(lms?.message.subject, '세금계산서 발행 안내');
    assert.match(lms!.message.text, /고객상사에서 세금계산서를 발행했습니다\.[\s\S]*■ 합계: 1,650,000원/);
    const unit = await unitOf('message_lms');
    assert.deepEqual(
      usage.map((u) => [u.metered_item, Number(u.partner_id), Number(u.subscription_id), Number(u.unit_price_krw)]),
      [['message_lms', p.partnerId, s.sinchno, Number(unit.unit_price_krw)]],
      'only the delivered LMS is billed',
    );
    assert.equal((await noticesOf(s.sinchno)).length, 1);
    assert.equal((await noticeBatchesOf(s.sinchno)).length, 1);
  });

  test('notify without a mobile is refused at issue (REST 400 naming the field, legacy error) and nothing is written; notify=false or a draft sends nothing', async () => {
    const s = await onboard(sys.url);
    const refused = await rest(sys.url, 'POST', docsPath(s), { issue: true, document: invoice(undefined) }, auth(s));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'buyer.contacts[0].mobile');
    const legacy = await legacyPost(sys.url, 'document.aspx', { cmd: 'INSERT', doc__proc_state: 'S', ...legacyInvoiceFields(s, freshBizno(), { doc__alimtalk_yn: 'Y' }) });
    assert.notEqual(legacy['code'], '0000');
    const docs = await sys.ctx.db.selectFrom('documents').select('id').where('subscription_id', '=', s.sinchno).execute();
    assert.equal(docs.length, 0);

    const off = await rest(sys.url, 'POST', docsPath(s), { issue: true, document: invoice('01023456789', false) }, auth(s));
    assert.equal(off.status, 201);
    const draft = await rest(sys.url, 'POST', docsPath(s), { document: invoice('01023456789') }, auth(s));
    assert.equal(draft.status, 201);
    await sys.worker!.drain();
    assert.equal((await noticesOf(s.sinchno)).length, 0);

    // the draft issued later (PUT) sends its notice then
    const issued = await rest(sys.url, 'PUT', `${docsPath(s)}/${draft.body.dockey}`, { issue: true, document: invoice('01023456789') }, auth(s));
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const { recipients } = await deliveredNotice(String(draft.body.dockey));
    assert.equal(recipients[0]!.state, 'delivered');
  });
});

test('a real carrier without the notice sender: issuing works, the notice is kept as skipped with its reason, nothing is sent', async () => {
  const other = await startTestSystem({ CARRIER_GATEWAY_URL: sys.carrier.simulator!.url, CARRIER_REPORT_SECRET: 'a-report-secret-of-this-test' });
  try {
    assert.equal(other.ctx.config.notices.sender, undefined);
    const s = await onboard(other.url);
    const a = await rest(other.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents`, { issue: true, document: invoice('01023456789') }, auth(s));
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const notices = await other.ctx.db.selectFrom('document_notices').selectAll().where('subscription_id', '=', s.sinchno).execute();
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.state, 'skipped');
    assert.match(notices[0]!.skip_reason ?? '', /HANBILL_NOTICE_SENDER_KEY and HANBILL_NOTICE_SENDER_NUMBER not set with CARRIER_GATEWAY_URL/);
    assert.equal(notices[0]!.batch_id, null);
    const batches = await other.ctx.db.selectFrom('message_batches').select('id').where('subscription_id', '=', s.sinchno).execute();
    assert.equal(batches.length, 0);
  } finally {
    await other.close();
  }
});
