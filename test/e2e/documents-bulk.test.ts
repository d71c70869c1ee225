// Bulk issuance by set operations (issue 13 item 3): one transaction per batch, the batch's approval serials in
// one statement. Each item must answer as it would alone; serials stay gap-free and unique, subkeys exactly-once,
// also across concurrent batches (PGlite serialises transactions: the PostgreSQL pass runs the real race).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { onboard, type Onboarded } from '../support/onboard.ts';
import { waitFor } from '../support/wait-for.ts';
import type { MailTransport } from '../../src/modules/mail/mail-transport.ts';
import { SLOW_SEND_MS, sendDocumentMailsHandler } from '../../src/modules/documents/send-document-mail.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

/** A write date no other test uses (the serial row of the date is ours alone): a random day of 2001–2020. */
function privateDate(): { writeDate: string; month: number; day: number } {
  const year = 2001 + Math.floor(Math.random() * 20);
  const month = 1 + Math.floor(Math.random() * 12);
  const day = 1 + Math.floor(Math.random() * 28);
  return { writeDate: `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`, month, day };
}

function invoice(date: { writeDate: string; month: number; day: number }, extra: Record<string, unknown> = {}) {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate: date.writeDate,
    buyer: { idType: 'business', id: freshBizno(), name: '(주)대량상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'bulk-buyer@example.kr' }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month: date.month, day: date.day, name: '컨설팅', supply: 100000, tax: 10000 }],
    ...extra,
  };
}
const auth = (s: Onboarded) => ({ 'x-svc-key': s.svcKey });
const base = (s: Onboarded) => `/v1/subscriptions/${s.sinchno}/documents`;

async function lastSerial(writeDate: string): Promise<number> {
  const r = await sql<{ last_serial: number }>`SELECT last_serial FROM issue_serials WHERE issuer_code = ${sys.ctx.config.ntsIssuerCode} AND write_date = ${`${writeDate.slice(0, 4)}-${writeDate.slice(4, 6)}-${writeDate.slice(6)}`}::date`.execute(sys.ctx.db);
  return r.rows.length === 0 ? 0 : Number(r.rows[0]!.last_serial);
}

/** Rows written for the subscription, table by table. */
async function counts(sinchno: number) {
  const n = async (q: ReturnType<typeof sql<{ n: string }>>) => Number((await q.execute(sys.ctx.db)).rows[0]!.n);
  return {
    documents: await n(sql`SELECT count(*) AS n FROM documents WHERE subscription_id = ${sinchno}`),
    ledger: await n(sql`SELECT count(*) AS n FROM ledger_entries WHERE subscription_id = ${sinchno}`),
    outbox: await n(sql`SELECT count(*) AS n FROM mail_outbox WHERE subscription_id = ${sinchno}`),
    jobs: await n(sql`SELECT count(*) AS n FROM jobs j JOIN mail_outbox o ON j.dedupe_key = 'outbox:' || o.id WHERE o.subscription_id = ${sinchno}`),
    usage: await n(sql`SELECT count(*) AS n FROM usage_records WHERE subscription_id = ${sinchno}`),
  };
}

/** The serials (last 8 digits) of the subscription's issued documents of one date, ascending. */
async function serialsOf(sinchno: number, writeDate: string): Promise<number[]> {
  const rows = await sys.ctx.db.selectFrom('documents').select('nts_issue_id').where('subscription_id', '=', sinchno).where('nts_issue_id', 'is not', null).execute();
  return rows.map((r) => r.nts_issue_id!).filter((id) => id.startsWith(writeDate)).map((id) => Number(id.slice(16))).sort((a, b) => a - b);
}

/** How many transactions wrote the subscription's documents (rows written by one transaction share its xmin). */
async function writingTransactions(sinchno: number): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(DISTINCT xmin::text) AS n FROM documents WHERE subscription_id = ${sinchno}`.execute(sys.ctx.db);
  return Number(r.rows[0]!.n);
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('bulk issuance by set operations', () => {
  test('a batch with invalid items: each invalid one answers its own error and field (as a single POST does), the valid ones are written once, serials consecutive', async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    const l0 = await lastSerial(date.writeDate);
    const badAmounts = invoice(date, { amounts: { supply: 100000, tax: 10000, total: 1 } });
    const badBuyer = invoice(date, { buyer: { idType: 'business', id: '1234567890', name: '(주)틀린번호', ceoName: '김', contacts: [{ email: 'x@example.kr' }] } });
    const noEmail = invoice(date, { buyer: { idType: 'business', id: freshBizno(), name: '(주)메일없음', ceoName: '김' } });
    const items = [
      { issue: true, subkey: 'k1', document: invoice(date) },
      { issue: true, document: badAmounts },
      { issue: true, subkey: 'k3', document: invoice(date, { writeDate: '29991231' }) }, // after today
      { issue: true, document: badBuyer },
      { document: invoice(date) }, // a draft
      { issue: true, document: noEmail }, // issuing needs the buyer's e-mail
      { issue: true, document: invoice(date) },
      { issue: true, subkey: 'k1', document: badAmounts }, // repeats k1 of this batch: answers k1's document
    ];
    const r = await rest(sys.url, 'POST', `${base(s)}/bulk`, { documents: items }, auth(s));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const data = r.body.data as { index: number; ok: boolean; created?: boolean; document?: { dockey: string; procState: string; issueId: string | null; mailResult: string }; error?: { code: string; field?: string } }[];
    assert.deepEqual(data.map((d) => d.ok), [true, false, false, false, true, false, true, true]);
    assert.equal(r.body.succeeded, 4);
    assert.equal(r.body.failed, 4);
    for (const i of [1, 2, 3, 5]) {
      const alone = await rest(sys.url, 'POST', base(s), items[i], auth(s));
      assert.equal(alone.status, 400, `item ${i} alone: ${JSON.stringify(alone.body)}`);
      assert.equal(data[i]!.error!.code, alone.body.error.code, `item ${i}: the same code as alone`);
      assert.equal(data[i]!.error!.field, alone.body.error.field, `item ${i}: the same field as alone`);
      assert.ok(data[i]!.error!.field, `item ${i} names its field`);
    }
    assert.equal(data[2]!.error!.field, 'writeDate');
    assert.equal(data[3]!.error!.field, 'buyer.id');
    assert.equal(data[0]!.created, true);
    assert.equal(data[7]!.created, false);
    assert.equal(data[7]!.document!.dockey, data[0]!.document!.dockey, 'the repeated subkey answers the first item\'s document');
    assert.deepEqual([data[0], data[6]].map((d) => [d!.document!.procState, d!.document!.mailResult]), [['S', 'pending'], ['S', 'pending']]);
    assert.equal(data[4]!.document!.procState, 'T');
    assert.equal(data[4]!.document!.issueId, null);
    assert.deepEqual([data[0], data[6]].map((d) => Number(d!.document!.issueId!.slice(16))), [l0 + 1, l0 + 2], 'serials in item order, consecutive');
    assert.deepEqual(await serialsOf(s.sinchno, date.writeDate), [l0 + 1, l0 + 2]);
    assert.equal(await lastSerial(date.writeDate), l0 + 2, 'no serial consumed by an invalid item');
    assert.deepEqual(await counts(s.sinchno), { documents: 3, ledger: 3, outbox: 2, jobs: 2, usage: 2 });
    assert.equal(await writingTransactions(s.sinchno), 1, 'the batch is written in one transaction');
    // the answers are the stored documents
    for (const i of [0, 4, 6]) {
      const got = await rest(sys.url, 'GET', `${base(s)}/${data[i]!.document!.dockey}`, undefined, auth(s));
      assert.equal(got.body.issueId, data[i]!.document!.issueId);
      assert.equal(got.body.procState, data[i]!.document!.procState);
    }
    const sent = await waitFor(
      async () => {
        await sys.worker!.drain();
        return sys.ctx.db.selectFrom('mail_outbox').select('state').where('subscription_id', '=', s.sinchno).execute();
      },
      (rows) => rows.every((o) => o.state !== 'pending'),
      { what: 'the two mails', timeoutMs: 60_000 },
    );
    assert.deepEqual(sent.map((o) => o.state), ['sent', 'sent']);
  });

  test('a repeated batch writes nothing twice and answers the same documents', async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    const l0 = await lastSerial(date.writeDate);
    const batch = { documents: range(0, 30).map((i) => ({ issue: i % 5 !== 0, subkey: `rep-${i}`, document: invoice(date) })) };
    const first = await rest(sys.url, 'POST', `${base(s)}/bulk`, batch, auth(s));
    assert.equal(first.body.succeeded, 30, JSON.stringify(first.body.data.find((d: { ok: boolean }) => !d.ok)));
    assert.ok(first.body.data.every((d: { created: boolean }) => d.created));
    const before = await counts(s.sinchno);
    assert.deepEqual(before, { documents: 30, ledger: 30, outbox: 24, jobs: 24, usage: 24 });
    assert.equal(await writingTransactions(s.sinchno), 1, 'the batch is written in one transaction');
    const again = await rest(sys.url, 'POST', `${base(s)}/bulk`, batch, auth(s));
    assert.equal(again.body.succeeded, 30);
    for (const [i, d] of (again.body.data as { created: boolean; document: { dockey: string; issueId: string | null } }[]).entries()) {
      assert.equal(d.created, false, `item ${i} answers the existing document`);
      assert.equal(d.document.dockey, first.body.data[i].document.dockey);
      assert.equal(d.document.issueId, first.body.data[i].document.issueId);
    }
    assert.deepEqual(await counts(s.sinchno), before);
    assert.equal(await lastSerial(date.writeDate), l0 + 24);
    assert.deepEqual(await serialsOf(s.sinchno, date.writeDate), range(l0 + 1, 24));
  });

  test('concurrent batches with overlapping subkeys: one document per subkey, serials unique and gap-free', async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    const l0 = await lastSerial(date.writeDate);
    // 5 batches of 40 over 120 subkeys: batch k takes ov-(20k … 20k+39); 3 batches also carry 5 items without subkey
    const batches = range(0, 5).map((k): { documents: { issue: boolean; subkey?: string; document: unknown }[] } => ({
      documents: [
        ...range(20 * k, 40).map((i) => ({ issue: true, subkey: `ov-${i}`, document: invoice(date) })),
        ...(k % 2 === 0 ? range(0, 5).map(() => ({ issue: true, document: invoice(date) })) : []),
      ],
    }));
    const answers = await Promise.all(batches.map((b) => rest(sys.url, 'POST', `${base(s)}/bulk`, b, auth(s))));
    const bySubkey = new Map<string, { dockey: string; created: boolean }[]>();
    let unkeyed = 0;
    for (const [k, a] of answers.entries()) {
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.failed, 0, JSON.stringify(a.body.data.find((d: { ok: boolean }) => !d.ok)));
      for (const [i, d] of (a.body.data as { created: boolean; document: { dockey: string; subkey: string | null } }[]).entries()) {
        const subkey = batches[k]!.documents[i]!.subkey;
        if (subkey === undefined) {
          assert.equal(d.created, true);
          unkeyed++;
          continue;
        }
        assert.equal(d.document.subkey, subkey);
        bySubkey.set(subkey, [...(bySubkey.get(subkey) ?? []), { dockey: d.document.dockey, created: d.created }]);
      }
    }
    assert.equal(bySubkey.size, 120);
    for (const [subkey, seen] of bySubkey) {
      assert.equal(new Set(seen.map((x) => x.dockey)).size, 1, `${subkey}: one document`);
      assert.equal(seen.filter((x) => x.created).length, 1, `${subkey}: created exactly once`);
    }
    assert.equal(unkeyed, 15);
    assert.deepEqual(await counts(s.sinchno), { documents: 135, ledger: 135, outbox: 135, jobs: 135, usage: 135 });
    assert.ok((await writingTransactions(s.sinchno)) <= 5, 'each batch in one transaction, none fell back to one by one');
    assert.deepEqual(await serialsOf(s.sinchno, date.writeDate), range(l0 + 1, 135), 'unique and gap-free');
    assert.equal(await lastSerial(date.writeDate), l0 + 135);
  });

  test('a batch that would pass the usage limit answers each item as alone: the ones beyond it 429, nothing counted for them', async () => {
    const op = { authorization: `Bearer ${sys.operatorToken}` };
    const unit = await rest(sys.url, 'POST', '/v1/catalog/units', { name: '발행 3건', meteredItem: 'tax_invoice_issued', limitPerPeriod: 3 }, op);
    const pack = await rest(sys.url, 'POST', '/v1/catalog/packages', { name: '소량 대량', unitIds: [unit.body.id] }, op);
    const s = await onboard(sys.url);
    const sub = await rest(sys.url, 'POST', '/v1/subscriptions', { bizno: s.bizno, loginId: s.id, password: s.pwd, packageId: pack.body.id, unitIds: [unit.body.id], amount: 0, vat: 0, totalAmount: 0 });
    const key = await rest(sys.url, 'POST', '/v1/auth/service-key', { bizno: s.bizno, loginId: s.id, password: s.pwd, subscriptionId: sub.body.subscriptionId });
    const h = { 'x-svc-key': key.body.serviceKey };
    const url = `/v1/subscriptions/${sub.body.subscriptionId}/documents/bulk`;
    const date = privateDate();
    const l0 = await lastSerial(date.writeDate);
    const r = await rest(sys.url, 'POST', url, { documents: [...range(0, 5).map(() => ({ issue: true, document: invoice(date) })), { document: invoice(date) }] }, h);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data.map((d: { ok: boolean; error?: { code: string } }) => (d.ok ? 'ok' : d.error!.code)), ['ok', 'ok', 'ok', 'usage_limit_exceeded', 'usage_limit_exceeded', 'ok']);
    assert.equal(await lastSerial(date.writeDate), l0 + 3);
    assert.deepEqual(await serialsOf(sub.body.subscriptionId, date.writeDate), range(l0 + 1, 3));
    assert.deepEqual(await counts(sub.body.subscriptionId), { documents: 4, ledger: 4, outbox: 3, jobs: 3, usage: 3 });
    assert.equal(await writingTransactions(sub.body.subscriptionId), 4, 'past the limit, the batch is written one item at a time');
  });

  test("a bulk's mail goes out in batches: each document mailed once with one document.mailed event; in a batch a temporary failure is retried alone and a permanent one stops alone", async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    const catcher = sys.mail.catcher!;
    const to = (n: number) => `batch-${s.sinchno}-${n}@example.kr`;
    // faults scoped to this test's recipients
    catcher.failNext(1, { code: 451, message: 'try later' }, { to: to(3) });
    catcher.failNext(1, { code: 550, message: 'no such mailbox' }, { to: to(7) });
    const items = range(0, 20).map((n) => ({ issue: true, document: invoice(date, { buyer: { idType: 'business', id: freshBizno(), name: '(주)대량상사', contacts: [{ name: '담당', email: to(n) }] } }) }));
    const r = await rest(sys.url, 'POST', `${base(s)}/bulk`, { documents: items }, auth(s));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    const outbox = () => sys.ctx.db.selectFrom('mail_outbox').select(['id', 'to_addr', 'state', 'attempts']).where('subscription_id', '=', s.sinchno).orderBy('id').execute();
    // the first attempts: 18 sent, the temporary failure pending its retry, the permanent one failed
    await waitFor(outbox, (rows) => rows.length === 20 && rows.filter((o) => o.state === 'sent').length >= 18 && rows.some((o) => o.state === 'failed'), { what: 'the first attempts', timeoutMs: 30_000 });
    await sys.ctx.db.updateTable('jobs').set({ run_at: new Date() }).where('dedupe_key', 'in', (await outbox()).map((o) => `outbox:${o.id}`)).where('state', '=', 'pending').execute();
    const rows = await waitFor(outbox, (rows) => rows.filter((o) => o.state === 'sent').length === 19, { what: 'the retried mail sent', timeoutMs: 30_000 });
    const byTo = new Map(rows.map((o) => [o.to_addr, o]));
    assert.deepEqual([byTo.get(to(3))!.state, byTo.get(to(3))!.attempts], ['sent', 2], 'retried alone, then sent');
    assert.deepEqual([byTo.get(to(7))!.state, byTo.get(to(7))!.attempts], ['failed', 1], 'a permanent failure is not retried');
    for (const n of range(0, 20).filter((n) => n !== 3 && n !== 7)) assert.deepEqual([byTo.get(to(n))!.state, byTo.get(to(n))!.attempts], ['sent', 1], to(n));
    // every recipient but the refused one got one mail
    const caught = (await catcher.list()).flatMap((m) => m.envelope.to).filter((a) => a.startsWith(`batch-${s.sinchno}-`));
    assert.deepEqual(caught.sort(), range(0, 20).filter((n) => n !== 7).map(to).sort());
    const events = await sys.ctx.db.selectFrom('events').select(['type', 'object_id']).where('subscription_id', '=', s.sinchno).where('type', 'in', ['document.mailed', 'document.mail_failed']).execute();
    const mailed = events.filter((e) => e.type === 'document.mailed').map((e) => e.object_id);
    assert.equal(mailed.length, 19);
    assert.equal(new Set(mailed).size, 19, 'one document.mailed per document');
    assert.equal(events.filter((e) => e.type === 'document.mail_failed').length, 1);
    // the first attempts ran in batches: the jobs done together share their finishing statement's timestamp
    const jobs = await sys.ctx.db.selectFrom('jobs').select(['finished_at', 'attempts']).where('dedupe_key', 'in', rows.map((o) => `outbox:${o.id}`)).where('state', '=', 'done').where('attempts', '=', 1).execute();
    assert.equal(jobs.length, 19, '18 sent and the permanent failure (recorded on its outbox row: the job is done)');
    const statements = new Set(jobs.map((j) => j.finished_at!.getTime())).size;
    assert.ok(statements <= 4, `19 jobs finished by at most 4 statements, not one each (${statements})`);
  });

  test('a batch whose slowest mail is held records the others already sent meanwhile (after SLOW_SEND_MS), then the slow one', async () => {
    const s = await onboard(sys.url);
    const date = privateDate();
    // three issued documents, their issue mails sent by the system's worker first; then resend rows of this test's own,
    // without jobs (the worker never sees them), run by a handler over a transport that holds back one recipient
    const r = await rest(sys.url, 'POST', `${base(s)}/bulk`, { documents: range(0, 3).map(() => ({ issue: true, document: invoice(date) })) }, auth(s));
    assert.deepEqual([r.status, r.body.failed], [200, 0], JSON.stringify(r.body).slice(0, 400));
    const issueMails = () => sys.ctx.db.selectFrom('mail_outbox').select('state').where('subscription_id', '=', s.sinchno).execute();
    await waitFor(issueMails, (rows) => rows.length === 3 && rows.every((o) => o.state === 'sent'), { what: 'the issue mails sent', timeoutMs: 30_000 });
    const docs = await sys.ctx.db.selectFrom('documents').select('id').where('subscription_id', '=', s.sinchno).orderBy('id').execute();
    const to = (n: number) => `held-${s.sinchno}-${n}@example.kr`;
    const outbox = await sys.ctx.db
      .insertInto('mail_outbox')
      .values(docs.map((d, n) => ({ subscription_id: s.sinchno, document_id: d.id, reason: 'resend' as const, to_addr: to(n) })))
      .returning('id')
      .execute();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const transport: MailTransport = {
      send: async (mail) => {
        if (mail.to.includes(to(0))) await released;
        return sys.mail.transport.send(mail);
      },
      close: async () => {},
    };
    const jobs = outbox.map((o, n) => ({ id: -1 - n, queue: 'test', payload: { outboxId: o.id }, attempts: 1, maxAttempts: 8 }));
    const t0 = Date.now();
    const batch = sendDocumentMailsHandler(sys.ctx, transport).runBatch(jobs);
    const states = () => sys.ctx.db.selectFrom('mail_outbox').select(['to_addr', 'state']).where('subscription_id', '=', s.sinchno).where('reason', '=', 'resend').orderBy('id').execute();
    const early = await waitFor(states, (rows) => rows.filter((o) => o.state === 'sent').length === 2, { what: 'the two mails not held recorded', timeoutMs: 10_000 });
    assert.ok(Date.now() - t0 >= SLOW_SEND_MS, 'recorded once the batch had waited SLOW_SEND_MS');
    assert.deepEqual(early.map((o) => o.state), ['pending', 'sent', 'sent'], 'the held one still pending');
    release();
    assert.equal((await batch).size, 0, 'no job failed');
    assert.deepEqual((await states()).map((o) => o.state), ['sent', 'sent', 'sent']);
    const events = await sys.ctx.db.selectFrom('events').select('data').where('subscription_id', '=', s.sinchno).where('type', '=', 'document.mailed').execute();
    const resent = events.filter((e) => (e.data as { reason?: string }).reason === 'resend');
    assert.equal(resent.length, 3, 'one document.mailed per resend row, from the two statements');
  });
});
