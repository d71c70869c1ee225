// Settlement, first slice (issue 11 items 1–2) over real HTTP: AlimTalk delivered by the carrier simulator,
// documents issued and a filing accepted by the NTS simulator land in the usage ledger once each, at the partner's
// contract price in effect at the event time (the price changes midway); duplicates and replays add nothing; the
// 결제예정내역 list, its totals (VAT 10 %, 원 미만 절사), filters, search, paging and the .xlsx read back; document
// limits counted from the ledger answer 429 / 2007. Own database on PostgreSQL (message queues are not per channel).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { rest } from '../support/http.ts';
import { ManualClock, kstDate } from '../../src/platform/clock.ts';
import { recordResults as recordDeliveryResults } from '../../src/modules/messaging/delivery/record-results.ts';
import { recordUsage } from '../../src/modules/settlement/record-usage.ts';
import { settleFilings } from '../../src/modules/nts/record-results.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { sender, type Sender } from './messaging-send-support.ts';
import { issueDocuments, memberWithCertificate, reqnts, sampleDocument, startNtsTestSystem, waitSettled, type TestMember } from './nts-support.ts';

const clock = new ManualClock(new Date());
let sys: TestSystem;
let privateDb: PrivateDatabase;
before(async () => {
  privateDb = await usePrivateDatabase('settle');
  sys = await startNtsTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '10' }, { clock });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

const vars = { 고객명: '홍길동', 상품: '우산', 주문번호: 'A-1' };
const op = () => ({ authorization: `Bearer ${sys.operatorToken}` });

async function unitOf(item: string): Promise<number> {
  const r = await sys.ctx.db.selectFrom('service_units').select('id').where('metered_item', '=', item).where('retired_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

async function setPrice(partnerId: number, unitId: number, body: Record<string, unknown>) {
  const r = await rest(sys.url, 'PUT', `/v1/operator/partners/${partnerId}/unit-prices/${unitId}`, body, op());
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function alimtalk(s: Sender, to: string[]): Promise<number> {
  const r = await s.call('POST', '/v1/messages', { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, recipients: to.map((t) => ({ to: t, variables: vars })) });
  assert.equal(r.status, 202, r.text);
  const id = r.body.id as number;
  await waitFor(async () => (await s.call('GET', `/v1/messages/${id}`)).body, (b: any) => b.state === 'done', { what: `batch ${id} done`, timeoutMs: 30_000 });
  return id;
}

async function partnerMember(partnerId: number): Promise<TestMember> {
  const { member } = await memberWithCertificate(sys);
  await sys.database.pool.query('UPDATE members SET partner_id = $1 WHERE id = $2', [partnerId, member.memberId]);
  return member;
}

const ledgerOf = async (partnerId: number) =>
  (await sys.database.pool.query<{ event_key: string; unit_price_krw: string; metered_item: string; subscription_id: string | null }>('SELECT event_key, unit_price_krw, metered_item, subscription_id FROM usage_records WHERE partner_id = $1 ORDER BY id', [partnerId])).rows;

test('messages, documents and a filing billed once each at the contract price in effect; expected charges, totals, filters, .xlsx', async () => {
  const t0 = new Date();
  clock.set(t0);
  const p = await sender(sys);
  const m = await partnerMember(p.partnerId);
  const [alimUnit, docUnit, ntsUnit] = [await unitOf('message_alimtalk'), await unitOf('tax_invoice_issued'), await unitOf('nts_filing_succeeded')];
  const before = new Date(t0.getTime() - 60_000).toISOString();
  await setPrice(p.partnerId, alimUnit, { unitPriceKrw: 7, validFrom: before });
  await setPrice(p.partnerId, docUnit, { unitPriceKrw: 100, validFrom: before });
  await setPrice(p.partnerId, ntsUnit, { unitPriceKrw: 20, validFrom: before });
  // the change, one hour on: messages and documents after it take the new prices
  const t1 = new Date(t0.getTime() + 3_600_000);
  await setPrice(p.partnerId, alimUnit, { unitPriceKrw: 9, validFrom: t1.toISOString() });
  const docRows = await setPrice(p.partnerId, docUnit, { unitPriceKrw: 150, validFrom: t1.toISOString() });
  assert.deepEqual(docRows.data.map((r: any) => [r.unitPriceKrw, r.inEffect]), [[100, true], [150, false]]);

  // before the change: 2 AlimTalk delivered, a document issued and filed
  const b1 = await alimtalk(p, ['01012341001', '01012341002']);
  const [d1] = await issueDocuments(sys.ctx, m, [sampleDocument('0101', m.bizno, kstDate(clock.now()))]);
  const r = await reqnts(sys, m, [d1!.dockey]);
  assert.equal(r.code, '0000', JSON.stringify(r));
  const states = await waitSettled(sys, [d1!.dockey]);
  assert.equal(states.get(d1!.dockey)!.nts_state, '3', 'the NTS simulator accepted the filing');
  // after the change: 1 AlimTalk, 1 document
  clock.set(new Date(t1.getTime() + 60_000));
  const b2 = await alimtalk(p, ['01012341003']);
  const [d2] = await issueDocuments(sys.ctx, m, [sampleDocument('0101', m.bizno, kstDate(clock.now()))]);

  // replays: the carrier reports again, the NTS result again, the issue event again — nothing more is counted
  const attempts = await sys.database.pool.query<{ id: string }>('SELECT id FROM message_attempts WHERE partner_id = $1', [p.partnerId]);
  const again = await recordDeliveryResults(sys.ctx, attempts.rows.map((a) => ({ attemptId: Number(a.id), delivered: true, code: '1000', message: 'dup' })), 'report');
  assert.equal(again.applied, 0);
  const filing = await sys.database.pool.query<{ id: string }>('SELECT f.id FROM nts_filings f JOIN documents d ON d.id = f.document_id WHERE d.dockey = $1', [d1!.dockey]);
  await inTransaction(sys.ctx.db, (tx) => settleFilings(tx, sys.ctx, filing.rows.map((f) => Number(f.id)), '0'));
  const dup = await inTransaction(sys.ctx.db, (tx) => recordUsage(sys.ctx, tx, [{ eventKey: `doc:${d1!.id}`, subscriptionId: m.subscriptionId, meteredItem: 'tax_invoice_issued', occurredAt: clock.now() }]));
  assert.equal(dup, 0);

  const ledger = await ledgerOf(p.partnerId);
  assert.equal(ledger.length, 6, JSON.stringify(ledger));
  assert.equal(new Set(ledger.map((l) => l.event_key)).size, 6);
  const price = (key: string) => Number(ledger.find((l) => l.event_key === key)!.unit_price_krw);
  assert.equal(price(`doc:${d1!.id}`), 100);
  assert.equal(price(`doc:${d2!.id}`), 150);
  assert.equal(price(`nts:${filing.rows[0]!.id}`), 20);
  assert.deepEqual(ledger.filter((l) => l.metered_item === 'message_alimtalk').map((l) => Number(l.unit_price_krw)).sort(), [7, 7, 9]);
  assert.ok(ledger.every((l) => Number(l.subscription_id) === m.subscriptionId || l.metered_item.startsWith('message_')));

  // 결제예정내역
  const from = kstDate(new Date(t0.getTime() - 86_400_000)).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
  const to = kstDate(new Date(t1.getTime() + 86_400_000)).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
  const list = async (qs: string) => {
    const a = await p.call('GET', `/v1/partner/billing/expected?from=${from}&to=${to}${qs}`);
    assert.equal(a.status, 200, a.text);
    return a.body;
  };
  const all = await list('');
  assert.deepEqual(all.total, { count: 6, supplyKrw: 293, vatKrw: 29, totalKrw: 322 }, 'supply 7+7+9+100+150+20, VAT floor(29.3)');
  const msgRow = all.data.find((x: any) => x.type === 'alimtalk' && x.unitPriceKrw === 9);
  assert.deepEqual(
    { typeName: msgRow.typeName, title: msgRow.title, recipient: msgRow.recipient, amountKrw: msgRow.amountKrw },
    { typeName: '알림톡', title: '주문 접수 안내', recipient: '01012341003', amountKrw: 9 },
  );
  assert.match(msgRow.sender, /^@t/, '채널ID');
  const docRow = all.data.find((x: any) => x.eventKey === `doc:${d1!.id}`);
  assert.equal(docRow.documentNo, d1!.issueId);
  assert.ok(docRow.counterparty.length > 0, '거래처');
  assert.equal(docRow.typeName, '세금계산서 발행');
  const ntsRow = all.data.find((x: any) => x.type === 'nts');
  assert.equal(ntsRow.documentNo, d1!.issueId);

  const docs = await list('&type=document');
  assert.deepEqual([docs.total.count, docs.total.supplyKrw, docs.total.vatKrw], [2, 250, 25]);
  const searched = await list(`&q=${encodeURIComponent('주문 접수')}`);
  assert.equal(searched.total.count, 3, 'search by template title');
  assert.equal((await list(`&q=${encodeURIComponent('없는 제목')}`)).total.count, 0);
  const p1 = await list('&pageSize=4');
  assert.deepEqual([p1.data.length, p1.nextPage], [4, 2]);
  const p2 = await list('&pageSize=4&page=2');
  assert.deepEqual([p2.data.length, p2.nextPage], [2, null]);
  assert.equal(new Set([...p1.data, ...p2.data].map((x: any) => x.id)).size, 6);
  void b1;
  void b2;

  // another partner sees none of it
  const other = await sender(sys);
  const theirs = await other.call('GET', `/v1/partner/billing/expected?from=${from}&to=${to}`);
  assert.equal(theirs.body.total.count, 0);

  // the .xlsx: the rows and the totals read back; a selection
  const wb = await xlsx(p, `from=${from}&to=${to}`);
  const sheet = wb.getWorksheet('결제예정내역')!;
  const values = sheet.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1));
  assert.equal(values[0]![0], '번호');
  const body = values.slice(1, 7);
  assert.deepEqual(body.map((v) => v[0]).sort(), all.data.map((x: any) => x.id).sort());
  assert.deepEqual(body.map((v) => v[10]), all.data.map((x: any) => x.amountKrw));
  const totals = values.slice(7).map((v) => [v[1], v[10]]);
  assert.deepEqual(totals, [['공급가액', 293], ['부가세 (10%, 원 미만 절사)', 29], ['합계', 322]]);
  const sel = await xlsx(p, `from=${from}&to=${to}&ids=${docRow.id}`);
  const selValues = sel.getWorksheet('결제예정내역')!.getSheetValues().filter(Boolean);
  assert.equal(selValues.length, 1 + 1 + 3, 'header, the selected row, the totals');

  // the portal page 연동 API 관리 > 정산 > 결제예정내역 over HTTP: totals, rows, filters, the download with the session's CSRF token
  const pageHtml = await p.member.call('GET', `/portal/api/billing/expected?from=${from}&to=${to}`);
  assert.equal(pageHtml.status, 200, pageHtml.text);
  assert.match(pageHtml.text, /<strong id="charges-supply">293<\/strong>/);
  assert.match(pageHtml.text, /<strong id="charges-vat">29<\/strong>/);
  assert.match(pageHtml.text, /<strong id="charges-total">322<\/strong>/);
  assert.equal((pageHtml.text.match(/data-row-id="/g) ?? []).length, 6);
  assert.match(pageHtml.text, /href="\/portal\/api\/billing\/expected"[^>]*>정산 · 결제예정내역/, 'in the 연동 API 관리 menu');
  const docsHtml = await p.member.call('GET', `/portal/api/billing/expected?from=${from}&to=${to}&type=document`);
  assert.equal((docsHtml.text.match(/data-row-id="/g) ?? []).length, 2);
  assert.match(docsHtml.text, new RegExp(d1!.issueId));
  const en = await p.member.call('GET', `/portal/api/billing/expected?from=${from}&to=${to}&lang=en`);
  assert.match(en.text, /Expected charges/);
  const badMonth = await p.member.call('GET', '/portal/api/billing/expected?month=2026-13');
  assert.match(badMonth.text, /role="alert">month: /);
  const noCsrf = await p.member.call('POST', '/portal/api/billing/expected/download', { form: { from, to }, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(pageHtml.text)![1]!;
  const dl = await p.member.call('POST', '/portal/api/billing/expected/download', { form: { _csrf: csrf, from, to }, noCsrf: true });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const company = await other.member.call('GET', `/portal/api/billing/expected?from=${from}&to=${to}`);
  assert.doesNotMatch(company.text, /data-row-id=/, 'another partner sees none of these rows');
});

async function xlsx(p: Sender, qs: string) {
  const res = await fetch(`${sys.url}/v1/partner/billing/expected.xlsx?${qs}`, { headers: { authorization: `Bearer ${p.accessKey}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}

test('document limits from the ledger: the contract limit refuses the issue past it (429 / 2007), nothing stored', async () => {
  clock.set(new Date());
  const p = await sender(sys);
  const m = await partnerMember(p.partnerId);
  const docUnit = await unitOf('tax_invoice_issued');
  await setPrice(p.partnerId, docUnit, { unitPriceKrw: 50, limitPerPeriod: 2, validFrom: new Date(clock.now().getTime() - 60_000).toISOString() });
  const url = `/v1/subscriptions/${m.subscriptionId}/documents`;
  const h = { 'x-svc-key': m.svcKey };
  const doc = () => ({ issue: true, document: sampleDocument('0101', m.bizno, kstDate(clock.now())) });
  assert.equal((await rest(sys.url, 'POST', url, doc(), h)).status, 201);
  assert.equal((await rest(sys.url, 'POST', url, doc(), h)).status, 201);
  const third = await rest(sys.url, 'POST', url, doc(), h);
  assert.equal(third.status, 429, JSON.stringify(third.body));
  assert.equal(third.body.error.legacyCode, '2007');
  const ledger = await ledgerOf(p.partnerId);
  assert.deepEqual(ledger.map((l) => Number(l.unit_price_krw)), [50, 50], 'two rows at the contract price; the refused issue wrote none');
  // concurrent issues under a fresh limit of 4 (2 used): exactly 2 more pass, however they interleave
  await setPrice(p.partnerId, docUnit, { unitPriceKrw: 50, limitPerPeriod: 4, validFrom: new Date(clock.now().getTime() - 30_000).toISOString() });
  const burst = await Promise.all(Array.from({ length: 5 }, () => rest(sys.url, 'POST', url, doc(), h)));
  assert.deepEqual(burst.map((b) => b.status).sort(), [201, 201, 429, 429, 429], JSON.stringify(burst.map((b) => b.body)));
  assert.equal((await ledgerOf(p.partnerId)).length, 4, 'the ledger never passes the limit');
  // another partner's member on the same unit is not limited by this contract
  const q = await sender(sys);
  const n = await partnerMember(q.partnerId);
  for (let i = 0; i < 3; i++) {
    const r = await rest(sys.url, 'POST', `/v1/subscriptions/${n.subscriptionId}/documents`, { issue: true, document: sampleDocument('0101', n.bizno, kstDate(clock.now())) }, { 'x-svc-key': n.svcKey });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});

test('message limits: the partner\'s contract limit in effect caps its SMS of the month (429 / 2007), nothing stored; another partner is not capped', async () => {
  clock.set(new Date());
  const p = await sender(sys);
  const smsUnit = await unitOf('message_sms');
  await setPrice(p.partnerId, smsUnit, { unitPriceKrw: 12, limitPerPeriod: 2, validFrom: new Date(clock.now().getTime() - 60_000).toISOString() });
  const sms = (s: Sender, to: string[], ref?: string) =>
    s.call('POST', '/v1/messages', { type: 'sms', from: s.from, text: '안내', recipients: to.map((t, i) => ({ to: t, ...(ref ? { clientRef: `${ref}-${i}` } : {}) })) });
  const ok = await sms(p, ['01012345678', '01012345679']);
  assert.equal(ok.status, 202, ok.text);
  const over = await sms(p, ['01012345670'], 'cap');
  assert.equal(over.status, 429, over.text);
  assert.equal(over.body.error.code, 'message_unit_limit');
  assert.equal(over.body.error.legacyCode, '2007');
  assert.equal(over.body.error.details.limit, 2);
  const refs = await sys.database.pool.query(`SELECT 1 FROM message_client_refs WHERE partner_id = $1 AND client_ref LIKE 'cap-%'`, [p.partnerId]);
  assert.equal(refs.rows.length, 0, 'the refused request stored nothing');
  // a raised contract limit from now on lets it pass; another partner has no contract and the unit no limit
  await setPrice(p.partnerId, smsUnit, { unitPriceKrw: 12, limitPerPeriod: 3, validFrom: new Date(clock.now().getTime() - 30_000).toISOString() });
  assert.equal((await sms(p, ['01012345670'])).status, 202);
  const q = await sender(sys);
  assert.equal((await sms(q, ['01012345671', '01012345672', '01012345673'])).status, 202);
});

test('contract prices: bad input answers 400 naming the field and changes nothing; unknown partner or unit 404; audited', async () => {
  const p = await sender(sys);
  const unit = await unitOf('message_sms');
  const url = `/v1/operator/partners/${p.partnerId}/unit-prices/${unit}`;
  for (const [body, field] of [
    [{}, 'unitPriceKrw'],
    [{ unitPriceKrw: -1 }, 'unitPriceKrw'],
    [{ unitPriceKrw: 1.5 }, 'unitPriceKrw'],
    [{ unitPriceKrw: 10, validFrom: '2026-02-30' }, 'validFrom'],
    [{ unitPriceKrw: 10, validFrom: 'tomorrow' }, 'validFrom'],
    [{ unitPriceKrw: 10, limitPerPeriod: -3 }, 'limitPerPeriod'],
  ] as const) {
    const r = await rest(sys.url, 'PUT', url, body, op());
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.match(String(r.body.error.field), new RegExp(`^(body\\.)?${field}$`), JSON.stringify(r.body));
  }
  assert.deepEqual((await rest(sys.url, 'GET', `/v1/operator/partners/${p.partnerId}/unit-prices`, undefined, op())).body.data, []);
  assert.equal((await rest(sys.url, 'PUT', `/v1/operator/partners/999999999/unit-prices/${unit}`, { unitPriceKrw: 1 }, op())).status, 404);
  assert.equal((await rest(sys.url, 'PUT', `/v1/operator/partners/${p.partnerId}/unit-prices/999999999`, { unitPriceKrw: 1 }, op())).status, 404);
  assert.equal((await rest(sys.url, 'PUT', url, { unitPriceKrw: 1 })).status, 401);
  const ok = await rest(sys.url, 'PUT', url, { unitPriceKrw: 11, validFrom: '2030-01-01' }, op());
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.data.map((r: any) => [r.unitPriceKrw, r.validFrom, r.inEffect]), [[11, '2029-12-31T15:00:00.000Z', false]]);
  const again = await rest(sys.url, 'PUT', url, { unitPriceKrw: 12, validFrom: '2030-01-01' }, op());
  assert.deepEqual(again.body.data.map((r: any) => r.unitPriceKrw), [12], 'the same start replaces its row');
  const audit = await sys.database.pool.query('SELECT details FROM audit_log WHERE action = $1 AND target_id = $2', ['partner.unit_price_set', p.partnerId]);
  assert.equal(audit.rows.length, 2);
  // bad expected-charges queries: 400 naming the field
  for (const [qs, field] of [['month=2026-13', 'month'], ['type=fax', 'type'], ['from=2026-05-02&to=2026-05-01', 'to'], ['to=2026-05-01', 'from'], ['month=2026-05&from=2026-05-01&to=2026-05-02', 'month'], ['pageSize=101', 'pageSize'], ['q=a%00b', 'q']] as const) {
    const r = await p.call('GET', `/v1/partner/billing/expected?${qs}`);
    assert.equal(r.status, 400, `${qs}: ${r.text}`);
    assert.match(`${r.body.error.field}`, new RegExp(`^(querystring\\.)?${field}$`), `${qs}: ${r.text}`);
  }
  assert.equal((await p.call('GET', '/v1/partner/billing/expected', undefined, { authorization: 'Bearer nope' })).status, 401);
});
