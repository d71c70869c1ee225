// hanbill export / import (issue 15 item 1): a populated installation — a monthly bill with its tax invoice filed,
// documents issued, mailed and filed with the (simulated) NTS, an SMS, a certificate, an API key, a webhook
// endpoint — exported and imported into a new, empty PostgreSQL database; a system started on it with the same
// master key finds everything, its key authenticates, its certificate signs a new filing, the next approval number
// follows the last one, and the event log goes on in order. Refused: a wrong master key (leaving the database
// empty), a database already holding data, a folder a running server holds.
// PGlite pass: the source is an embedded data folder. PostgreSQL pass: the source is a PostgreSQL database (backup
// and restore). The target is always a database this test creates on the PostgreSQL at TEST_DATABASE_URL or
// 127.0.0.1:5432; without one the test is skipped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { HanbillClient, type HanbillEvent } from '../../clients/typescript/src/index.ts';
import { runExport, runImport } from '../../src/cli/commands/export-import.ts';
import { listTables } from '../../src/modules/installation-transfer/catalogue.ts';
import { quoteIdent, TEXT_FORM_SETTINGS } from '../../src/modules/installation-transfer/dump-format.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import { billAndFile, billingMonths, billingPartner, billRowOf, closeFetchSockets, contractPrice, usage, type BillingPartner } from './billing-bills-support.ts';
import { integrator, todaysInvoice, type Integrator } from './integrator-support.ts';
import { ntsTestEnv } from './nts-support.ts';
import { ADMIN_URL, cli, scratchDatabases, unreachable } from '../support/transfer-support.ts';

const embeddedSource = !process.env['TEST_DATABASE_URL'];
const skip = await unreachable(ADMIN_URL, 'PostgreSQL to import into');
const databases = scratchDatabases();

/** Per table, its row count and an md5 of every row's text form (sorted), under the dump's text settings. */
async function tableFingerprints(database: Database): Promise<Record<string, string>> {
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const s of TEXT_FORM_SETTINGS) await client.query(s);
    const out: Record<string, string> = {};
    for (const t of await listTables(client)) {
      const q = quoteIdent(t.name);
      const r = await client.query<{ h: string }>(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') AS h FROM ${q} x`);
      out[t.name] = r.rows[0]!.h;
    }
    await client.query('COMMIT');
    return out;
  } finally {
    client.release();
  }
}

const serialOf = (issueId: string) => Number(issueId.slice(16));

describe('hanbill export → hanbill import into an empty PostgreSQL', { skip, timeout: 240_000 }, () => {
  const masterKey = crypto.randomBytes(32).toString('hex');
  const secrets = { HANBILL_MASTER_KEY: masterKey, HANBILL_OPERATOR_TOKEN: crypto.randomBytes(24).toString('base64url') };
  // one installation: the same job channel before and after the move (its pending jobs go on)
  const env = { ...ntsTestEnv(), ...secrets, HANBILL_CHANNEL: `t${crypto.randomBytes(6).toString('hex')}`, HANBILL_WEBHOOK_ALLOW_HTTP: '1', HANBILL_WEBHOOK_ALLOW_PRIVATE: '1' };
  const months = billingMonths();
  const clock = new ManualClock(months.usageAt(10));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-export-'));
  const dumpFile = path.join(work, 'hanbill.dump.gz');
  let sourceUrl: string | undefined;
  let source: Database;
  let src: TestSystem | undefined;
  let tgt: TestSystem | undefined;
  let targetUrl: string;
  let biller: BillingPartner;
  let who: Integrator;
  const before_: { filed?: string; issued?: string; issuedId?: string; sms?: number; hook?: string; billOrderNo?: string; fingerprints?: Record<string, string> } = {};

  before(async () => {
    await databases.connect();
    if (embeddedSource) {
      source = await openDatabase({ kind: 'pglite', dataDir: path.join(work, 'pgdata') });
    } else {
      sourceUrl = await databases.create('export_src');
      source = await openDatabase({ kind: 'postgres', url: sourceUrl, max: 5 });
    }
    await migrate(source.pool);
    src = await startTestSystem(env, { database: source, clock });

    // a month of usage billed on the 5th: the bill's tax invoice is issued and filed with the NTS (settled)
    biller = await billingPartner(src);
    await contractPrice(src, biller.partnerId, 'message_sms', 1000, months.usageAt(1));
    await usage(src, biller, 'message_sms', 2);
    clock.set(months.after(5));
    await billAndFile(src, months.period);
    before_.billOrderNo = (await billRowOf(src, biller.partnerId, months.period)).orderNo;
    clock.set(new Date());

    // an integrator: partner API key, member, subscription, uploaded certificate
    who = await integrator(src);
    const client = new HanbillClient({ baseUrl: src.url, apiKey: who.apiKey, subscription: { id: who.subscriptionId, serviceKey: who.serviceKey }, retry: { baseDelayMs: 20 } });
    const hook = await client.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', events: ['document.issued'], description: 'export test' });
    before_.hook = hook.id;
    const filed = await client.documents.issue(todaysInvoice());
    await client.nts.file([filed.dockey]);
    await waitFor(() => client.nts.status(filed.dockey), (s) => s.ntsState === '3', { timeoutMs: 30_000, what: 'the filing to settle' });
    const issued = await client.documents.issue(todaysInvoice());
    before_.filed = filed.dockey;
    before_.issued = issued.dockey;
    before_.issuedId = issued.issueId!;
    const sms = await client.messaging.sms({ from: who.from, to: '01012345678', text: '이전 전에 보낸 문자' });
    before_.sms = Number(sms.id);
    await waitFor(
      async () => (await source.pool.query<{ n: string }>("SELECT count(*) AS n FROM mail_outbox m JOIN documents d ON d.id = m.document_id WHERE d.dockey IN ($1, $2) AND m.state = 'sent'", [filed.dockey, issued.dockey])).rows[0]!.n,
      (n) => Number(n) >= 2,
      { timeoutMs: 20_000, what: 'the issuance mails sent' },
    );
  });

  after(async () => {
    await closeFetchSockets();
    await tgt?.close().catch(() => {});
    await src?.close().catch(() => {});
    await databases.dropAll();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('export refuses an embedded folder a running server holds', { skip: embeddedSource ? false : 'embedded source only' }, async () => {
    const r = await cli(runExport, ['--data-dir', work, '--out', dumpFile], {});
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`process ${process.pid}.*stop it first`));
    assert.equal(fs.existsSync(dumpFile), false);
  });

  test('export of the stopped installation: every table, counted in the header', async () => {
    const system = src!;
    src = undefined;
    await system.close(); // closes the source database too
    const reopened = embeddedSource ? await openDatabase({ kind: 'pglite', dataDir: path.join(work, 'pgdata') }) : await openDatabase({ kind: 'postgres', url: sourceUrl!, max: 2 });
    try {
      before_.fingerprints = await tableFingerprints(reopened);
    } finally {
      await reopened.close();
    }
    const r = embeddedSource ? await cli(runExport, ['--data-dir', work, '--out', dumpFile], {}) : await cli(runExport, ['--out', dumpFile], { DATABASE_URL: sourceUrl, ...secrets });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^exported \d+ rows of \d+ tables/);
    assert.equal(fs.statSync(dumpFile).mode & 0o077, 0, 'the dump is private (0600)');
    for (const t of ['documents', 'nts_filings', 'bills', 'message_recipients', 'signing_certificates', 'webhook_endpoints', 'events', 'issue_serials']) {
      assert.ok(Number(before_.fingerprints[t]?.split(':')[0]) > 0, `the source has ${t} rows`);
    }
  });

  test('import with a wrong master key is refused, naming HANBILL_MASTER_KEY, and leaves the database empty', async () => {
    targetUrl = await databases.create('export_tgt');
    const r = await cli(runImport, ['--in', dumpFile], { DATABASE_URL: targetUrl, HANBILL_MASTER_KEY: crypto.randomBytes(32).toString('hex') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /HANBILL_MASTER_KEY does not open the dump's secrets: .*subscription/);
    const c = new pg.Client({ connectionString: targetUrl });
    await c.connect();
    try {
      const tables = await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      assert.equal(tables.rows[0].n, 0, 'nothing committed');
    } finally {
      await c.end();
    }
    const none = await cli(runImport, ['--in', dumpFile], { DATABASE_URL: targetUrl });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /set HANBILL_MASTER_KEY/);
  });

  test('import into the empty database: every table has the same rows, value for value (bytea, jsonb, arrays, xid8, timestamptz)', async () => {
    const r = await cli(runImport, ['--in', dumpFile], { DATABASE_URL: targetUrl, HANBILL_MASTER_KEY: masterKey });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported \d+ rows of \d+ tables .*; [1-9]\d* partitions created, [1-9]\d* sequences set, [1-9]\d* sealed secrets opened/);
    const target = await openDatabase({ kind: 'postgres', url: targetUrl, max: 2 });
    try {
      assert.deepEqual(await tableFingerprints(target), before_.fingerprints);
      const parts = await target.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'message_recipients'");
      assert.ok(parts.rows[0]!.n >= 1, 'the message partitions exist');
    } finally {
      await target.close();
    }
  });

  test('a system on the imported database: data there, key authenticates, certificate signs, numbers and events go on', async () => {
    tgt = await startTestSystem(env, { database: await openDatabase({ kind: 'postgres', url: targetUrl, max: 5 }) });
    const client = new HanbillClient({ baseUrl: tgt.url, apiKey: who.apiKey, subscription: { id: who.subscriptionId, serviceKey: who.serviceKey }, retry: { baseDelayMs: 20 } });
    const filed = await client.nts.status(before_.filed!);
    assert.equal(filed.ntsState, '3', 'the settled filing is there');
    const issued = await client.documents.get(before_.issued!);
    assert.equal(issued.issueId, before_.issuedId);
    const batch = await client.messaging.batch(before_.sms!);
    assert.equal(batch.id, before_.sms);
    const hooks = await client.webhookEndpoints.list();
    assert.ok(hooks.some((h) => h.id === before_.hook), 'the webhook endpoint is there');
    const bills = await rest(tgt.url, 'GET', '/v1/partner/bills', undefined, { authorization: `Bearer ${biller.accessKey}` });
    assert.equal(bills.status, 200, JSON.stringify(bills.body));
    assert.ok(bills.body.data.some((b: { orderNo: string }) => b.orderNo === before_.billOrderNo), 'the bill is there');

    // the uploaded certificate still signs: a new document issued and filed with the NTS
    const next = await client.documents.issue(todaysInvoice());
    assert.equal(next.issueId!.slice(0, 16), before_.issuedId!.slice(0, 16), 'same date and issuer');
    assert.equal(serialOf(next.issueId!), serialOf(before_.issuedId!) + 1, 'the approval number follows the last one: no repeat, no gap');
    await client.nts.file([next.dockey]);
    const settled = await waitFor(() => client.nts.status(next.dockey), (s) => s.ntsState === '3' || s.ntsState === '4', { timeoutMs: 30_000, what: 'the new filing to settle' });
    assert.equal(settled.ntsState, '3', JSON.stringify(settled));

    // the event log reads on: the old document's events and the new one's, the new after the old
    const events: HanbillEvent[] = [];
    for await (const e of client.events.iterate({ type: 'document.issued' })) events.push(e);
    const at = (dockey: string) => events.findIndex((e) => e.object.id === dockey);
    assert.ok(at(before_.issued!) >= 0 && at(next.dockey) > at(before_.issued!), `imported and new events in order: ${events.map((e) => e.object.id).join(', ')}`);
  });

  test('import into a database that already holds data is refused, naming what it found', async () => {
    const r = await cli(runImport, ['--in', dumpFile], { DATABASE_URL: targetUrl, HANBILL_MASTER_KEY: masterKey });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /the target database is not empty: schema_migrations \(\d+ migrations\), .*documents \(\d+ rows\)/);
  });
});
