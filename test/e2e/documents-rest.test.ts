// Documents through REST: the same core as document.aspx, plus idempotency, bulk, cursors, mail faults.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import { sql } from 'kysely';
import { authenticateSubscription } from '../../src/modules/subscriptions/authenticate-subscription.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

function invoice(buyerBizno = freshBizno(), email = 'rest-buyer@example.kr') {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: '20261121',
    buyer: { idType: 'business', id: buyerBizno, name: '(주)뷁햏상사', ceoName: '정대표', contacts: [{ name: '담당', email }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month: 11, day: 21, name: '컨설팅', supply: 100000, tax: 10000 }],
  };
}
const auth = (s: Onboarded) => ({ 'x-svc-key': s.svcKey });
const base = (s: Onboarded) => `/v1/subscriptions/${s.sinchno}/documents`;
/**
 * The document as the API shows it after running due jobs. The background worker may already be running
 * a job when a test drains, so callers poll this with waitFor until the state they expect.
 */
async function documentAfterJobs(s: Onboarded, dockey: string) {
  await sys.worker!.drain();
  return rest(sys.url, 'GET', `${base(s)}/${dockey}`, undefined, auth(s));
}

describe('REST documents', () => {
  test('create a draft, read it, issue it by PUT, download PDF and XML, list with a cursor', async () => {
    const s = await onboard(sys.url);
    const draft = await rest(sys.url, 'POST', base(s), { document: invoice() }, auth(s));
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    assert.equal(draft.body.procState, 'T');
    assert.equal(draft.body.supplier.bizno, s.bizno, 'the supplier defaults to the member');
    const one = await rest(sys.url, 'GET', `${base(s)}/${draft.body.dockey}`, undefined, auth(s));
    assert.equal(one.body.document.supplier.name, s.comName);
    const xmlBefore = await fetch(`${sys.url}${base(s)}/${draft.body.dockey}/xml`, { headers: auth(s) });
    assert.equal(xmlBefore.status, 409);

    const issued = await rest(sys.url, 'PUT', `${base(s)}/${draft.body.dockey}`, { issue: true, document: invoice() }, auth(s));
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal(issued.body.document.dockey, draft.body.dockey);
    assert.equal(issued.body.document.procState, 'S');
    assert.match(issued.body.document.issueId, /^\d{24}$/);

    const pdf = await fetch(`${sys.url}${base(s)}/${draft.body.dockey}/pdf`, { headers: auth(s) });
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const xml = await (await fetch(`${sys.url}${base(s)}/${draft.body.dockey}/xml`, { headers: auth(s) })).text();
    assert.match(xml, /<TypeCode>0101<\/TypeCode>/);

    for (let i = 0; i < 3; i++) await rest(sys.url, 'POST', base(s), { document: invoice() }, auth(s));
    const p1 = await rest(sys.url, 'GET', `${base(s)}?limit=3`, undefined, auth(s));
    assert.equal(p1.body.data.length, 3);
    assert.equal(p1.body.hasMore, true);
    const p2 = await rest(sys.url, 'GET', `${base(s)}?limit=3&startingAfter=${p1.body.data[2].dockey}`, undefined, auth(s));
    assert.equal(p2.body.data.length, 1);
    assert.equal(p2.body.hasMore, false);
    assert.equal(p2.body.data[0].dockey, draft.body.dockey, 'oldest last');
    const issuedOnly = await rest(sys.url, 'GET', `${base(s)}?procState=S`, undefined, auth(s));
    assert.equal(issuedOnly.body.data.length, 1);
  });

  test('Idempotency-Key: a retried issue creates one document, one approval number, one mail', async () => {
    const s = await onboard(sys.url);
    const h = { ...auth(s), 'idempotency-key': `issue-${s.sinchno}` };
    const body = { issue: true, document: invoice(freshBizno(), `idem-${s.sinchno}@example.kr`) };
    const [a, b] = await Promise.all([rest(sys.url, 'POST', base(s), body, h), rest(sys.url, 'POST', base(s), body, h)]);
    assert.deepEqual(a, b);
    const c = await rest(sys.url, 'POST', base(s), body, h);
    assert.deepEqual(c, a);
    const n = await sys.ctx.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).where('subscription_id', '=', s.sinchno).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
    await sys.worker!.drain();
    await sys.mail.catcher!.waitFor((m) => m.to.some((t) => t.address === `idem-${s.sinchno}@example.kr`));
    assert.equal((await sys.mail.catcher!.list()).filter((m) => m.to.some((t) => t.address === `idem-${s.sinchno}@example.kr`)).length, 1);
  });

  test('bulk: 3 documents, one invalid; each answered on its own', async () => {
    const s = await onboard(sys.url);
    const bad = { ...invoice(), amounts: { supply: 100000, tax: 10000, total: 1 } };
    const r = await rest(sys.url, 'POST', `${base(s)}/bulk`, { documents: [{ issue: true, subkey: 'b1', document: invoice() }, { document: bad }, { subkey: 'b3', document: invoice() }] }, auth(s));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.succeeded, 2);
    assert.equal(r.body.data[1].ok, false);
    assert.equal(r.body.data[1].error.code, 'amounts_mismatch');
    const again = await rest(sys.url, 'POST', `${base(s)}/bulk`, { documents: [{ issue: true, subkey: 'b1', document: invoice() }] }, auth(s));
    assert.equal(again.body.data[0].created, false);
    assert.equal(again.body.data[0].document.dockey, r.body.data[0].document.dockey);
  });

  test('errors name the REST field; no svc key 401; another tenant cannot see a document by any id', async () => {
    const s = await onboard(sys.url);
    const other = await onboard(sys.url);
    const bad = await rest(sys.url, 'POST', base(s), { document: { ...invoice(), buyer: { ...invoice().buyer, id: '1234567890' } } }, auth(s));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'buyer.id');
    const lines = await rest(sys.url, 'POST', base(s), { document: { ...invoice(), lines: [{ month: 11, day: 21, name: 'x', supply: 100, tax: 10 }] } }, auth(s));
    assert.equal(lines.body.error.code, 'amounts_mismatch');
    assert.equal((await rest(sys.url, 'GET', base(s))).status, 401);
    const created = await rest(sys.url, 'POST', base(s), { issue: true, document: invoice() }, auth(s));
    const dockey = created.body.dockey;
    assert.equal((await rest(sys.url, 'GET', `${base(other)}/${dockey}`, undefined, auth(other))).status, 404);
    assert.equal((await rest(sys.url, 'GET', `${base(s)}/${dockey}`, undefined, auth(other))).status, 401);
    assert.equal((await rest(sys.url, 'POST', `${base(other)}/${dockey}/send`, undefined, auth(other))).status, 404);
    assert.equal((await rest(sys.url, 'DELETE', `${base(other)}/${dockey}`, undefined, auth(other))).status, 404);
    assert.equal((await fetch(`${sys.url}${base(other)}/${dockey}/pdf`, { headers: auth(other) })).status, 404);
    const list = await rest(sys.url, 'GET', `${base(other)}?dockeys=${dockey}&ledger=purchase`, undefined, auth(other));
    assert.equal(list.body.data.length, 0);
  });

  test('a draft can be deleted; an issued document cannot', async () => {
    const s = await onboard(sys.url);
    const d = await rest(sys.url, 'POST', base(s), { document: invoice() }, auth(s));
    assert.equal((await rest(sys.url, 'DELETE', `${base(s)}/${d.body.dockey}`, undefined, auth(s))).status, 204);
    assert.equal((await rest(sys.url, 'GET', `${base(s)}/${d.body.dockey}`, undefined, auth(s))).status, 404);
    const i = await rest(sys.url, 'POST', base(s), { issue: true, document: invoice() }, auth(s));
    assert.equal((await rest(sys.url, 'DELETE', `${base(s)}/${i.body.dockey}`, undefined, auth(s))).status, 409);
  });

  test('mail: a temporary SMTP failure is visible on the document and retried; a permanent one stops with the reason', async () => {
    const s = await onboard(sys.url);
    const catcher = sys.mail.catcher!;
    const mailQ = `${sys.ctx.config.channel}.mail`;
    // faults are scoped to this test's recipients, so mail of other tests (still queued or not) cannot take them
    const tempTo = `temp-${s.sinchno}@example.kr`;
    catcher.failNext(1, { code: 451, message: 'try later' }, { to: tempTo });
    // a bystander's mail, queued first, passes: it must not take this test's fault
    const bystander = await rest(sys.url, 'POST', base(s), { issue: true, document: invoice(freshBizno(), `bystander-${s.sinchno}@example.kr`) }, auth(s));
    const t = await rest(sys.url, 'POST', base(s), { issue: true, document: invoice(freshBizno(), tempTo) }, auth(s));
    let doc = await waitFor(() => documentAfterJobs(s, t.body.dockey), (d) => d.body.mailResult !== 'pending', { what: 'the first mail attempt' });
    assert.match(doc.body.mailResult, /^retrying: /);
    assert.equal(doc.body.sentAt, null);
    const passed = await waitFor(() => documentAfterJobs(s, bystander.body.dockey), (d) => d.body.mailResult !== 'pending', { what: "the bystander's mail" });
    assert.equal(passed.body.mailResult, 'sent', "the fault is scoped to this test's recipient");
    await sys.ctx.db.updateTable('jobs').set({ run_at: new Date() }).where('queue', '=', mailQ).where('state', '=', 'pending').execute();
    await catcher.waitFor((m) => m.to.some((x) => x.address === tempTo));
    doc = await waitFor(() => documentAfterJobs(s, t.body.dockey), (d) => d.body.mailResult === 'sent', { what: 'the retried mail to be sent' });
    assert.equal(doc.body.mailResult, 'sent');
    assert.ok(doc.body.sentAt);

    const permTo = `perm-${s.sinchno}@example.kr`;
    catcher.failNext(1, { code: 550, message: 'no such mailbox' }, { to: permTo });
    const p = await rest(sys.url, 'POST', base(s), { issue: true, document: invoice(freshBizno(), permTo) }, auth(s));
    doc = await waitFor(() => documentAfterJobs(s, p.body.dockey), (d) => d.body.mailResult.startsWith('failed'), { what: 'the permanent failure to be recorded' });
    assert.match(doc.body.mailResult, /^failed: .*550/);
    assert.equal(doc.body.procState, 'S', 'the document stays issued; SEND can try again');
    const outbox = await sys.ctx.db.selectFrom('mail_outbox').select(['state']).innerJoin('documents', 'documents.id', 'mail_outbox.document_id').where('documents.dockey', '=', p.body.dockey).execute();
    assert.deepEqual(outbox.map((o) => o.state), ['failed']);
  });

  /** A new member's subscription to a package of one new unit metering issues with `limitPerPeriod` (0: none). */
  async function subscriptionOnUnit(limitPerPeriod: number) {
    const op = { authorization: `Bearer ${sys.operatorToken}` };
    const unit = await rest(sys.url, 'POST', '/v1/catalog/units', { name: `발행 ${limitPerPeriod || '무제한'}`, meteredItem: 'tax_invoice_issued', limitPerPeriod }, op);
    const pack = await rest(sys.url, 'POST', '/v1/catalog/packages', { name: '발행 단위', unitIds: [unit.body.id] }, op);
    const s = await onboard(sys.url);
    const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { bizno: s.bizno, loginId: s.id, password: s.pwd, packageId: pack.body.id, unitIds: [unit.body.id], amount: 0, vat: 0, totalAmount: 0 });
    const key = await rest(sys.url, 'POST', '/v1/auth/service-key', { bizno: s.bizno, loginId: s.id, password: s.pwd, subscriptionId: sub.body.subscriptionId });
    const subscriptionId = Number(sub.body.subscriptionId);
    return { unitId: Number(unit.body.id), subscriptionId, svcKey: String(key.body.serviceKey), h: { 'x-svc-key': String(key.body.serviceKey) }, url: `/v1/subscriptions/${subscriptionId}/documents` };
  }

  test('usage limit of a unit: the issue beyond it is refused (429 / 2007) and counts nothing', async () => {
    const { h, url } = await subscriptionOnUnit(2);
    assert.equal((await rest(sys.url, 'POST', url, { issue: true, document: invoice() }, h)).status, 201);
    assert.equal((await rest(sys.url, 'POST', url, { issue: true, document: invoice() }, h)).status, 201);
    const third = await rest(sys.url, 'POST', url, { issue: true, document: invoice() }, h);
    assert.equal(third.status, 429);
    assert.equal(third.body.error.legacyCode, '2007');
    assert.equal((await rest(sys.url, 'POST', url, { document: invoice() }, h)).status, 201, 'drafts are not metered');
    const issued = await rest(sys.url, 'GET', `${url}?procState=S`, undefined, h);
    assert.equal(issued.body.data.length, 2);
  });

  test('a subscription with no limited unit issues without the limit check; a limit set later applies from the next call', async () => {
    const { unitId, subscriptionId, svcKey, h, url } = await subscriptionOnUnit(0);
    const outcomes = (r: { body: { data: { ok: boolean; error?: { code: string } }[] } }) => r.body.data.map((d) => (d.ok ? 'ok' : d.error!.code));
    assert.equal((await authenticateSubscription(sys.ctx, subscriptionId, svcKey)).unitLimited, false);
    for (let i = 0; i < 3; i++) assert.equal((await rest(sys.url, 'POST', url, { issue: true, document: invoice() }, h)).status, 201);
    const bulk = await rest(sys.url, 'POST', `${url}/bulk`, { documents: [{ issue: true, document: invoice() }, { issue: true, document: invoice() }] }, h);
    assert.deepEqual(outcomes(bulk), ['ok', 'ok']);
    await sql`UPDATE service_units SET limit_per_period = 6 WHERE id = ${unitId}`.execute(sys.ctx.db);
    assert.equal((await authenticateSubscription(sys.ctx, subscriptionId, svcKey)).unitLimited, true);
    assert.equal((await rest(sys.url, 'POST', url, { issue: true, document: invoice() }, h)).status, 201, 'the sixth of 6');
    const seventh = await rest(sys.url, 'POST', url, { issue: true, document: invoice() }, h);
    assert.equal(seventh.status, 429, JSON.stringify(seventh.body));
    const draft = await rest(sys.url, 'POST', url, { document: invoice() }, h);
    const issueDraft = await rest(sys.url, 'PUT', `${url}/${draft.body.dockey}`, { issue: true, document: invoice() }, h);
    assert.equal(issueDraft.status, 429, 'a draft issued by its update is limited too');
    const bulkOver = await rest(sys.url, 'POST', `${url}/bulk`, { documents: [{ issue: true, document: invoice() }, { document: invoice() }] }, h);
    assert.deepEqual(outcomes(bulkOver), ['usage_limit_exceeded', 'ok'], 'a bulk batch is limited too; its draft is not metered');
    const issued = await rest(sys.url, 'GET', `${url}?procState=S`, undefined, h);
    assert.equal(issued.body.data.length, 6);
  });
});
