// REQNTS end to end against the NTS simulator: 0101, 0201 (amending the filed 0101), 0301, 0401; refusals;
// invalid invoices failing with the simulator's code; re-filing; auto-filing of documents not filed by the next day.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDb } from '../../src/platform/context.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { parseSigningCertificate, signTaxInvoice, verifyTaxInvoice, verifyVid } from '../../src/modules/signing/index.ts';
import { autoFileDue } from '../../src/modules/nts/sweep-filings.ts';
import { startNtsSimulator, type NtsSimulator } from '../../src/simulators/nts/nts-simulator.ts';
import type { PackagedInvoice } from '../../src/modules/nts/transport/tax-invoice-package.ts';
import { legacyPost, rest } from '../support/http.ts';
import { AppError } from '../../src/platform/errors.ts';
import { updateDocument } from '../../src/modules/documents/update-document.ts';
import type { TestSystem } from '../support/test-system.ts';
import {
  filingStates,
  issueDocuments,
  legacyRows,
  memberWithCertificate,
  registerMember,
  reqnts,
  sampleDocument,
  startNtsTestSystem,
  todayKst,
  waitSettled,
} from './nts-support.ts';

describe('REQNTS against the in-process simulator (embedded default)', () => {
  let sys: TestSystem;
  before(async () => {
    sys = await startNtsTestSystem();
  });
  after(async () => {
    await sys.close();
  });

  test('0101 and 0301 are filed; then 0201 amending the filed 0101 and 0401 amending the 0301', async () => {
    const { member, identity } = await memberWithCertificate(sys);
    const today = todayKst();
    const [t0101, t0301] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, today), sampleDocument('0301', member.bizno, today)]);
    const first = await reqnts(sys, member, [t0101!.dockey, t0301!.dockey]);
    assert.equal(first.code, '0000', first.msg);
    assert.deepEqual(
      legacyRows(first).map((r) => [r['dockey'], r['code'], r['NTS_return_state']]),
      [
        [t0101!.dockey, '0000', '1'],
        [t0301!.dockey, '0000', '1'],
      ],
    );
    const settled = await waitSettled(sys, [t0101!.dockey, t0301!.dockey]);
    for (const d of [t0101!, t0301!]) {
      const s = settled.get(d.dockey)!;
      assert.equal(s.nts_state, '3', `${d.dockey}: ${s.nts_result_code} ${s.nts_result_msg}`);
      assert.equal(s.nts_result_code, 'SUC001');
      assert.match(s.submit_id ?? '', /^41000001-\d{8}-[0-9a-f]{32}$/);
    }

    const [t0201, t0401] = await issueDocuments(sys.ctx, member, [sampleDocument('0201', member.bizno, today, t0101!.issueId), sampleDocument('0401', member.bizno, today, t0301!.issueId)]);
    const second = await reqnts(sys, member, [t0201!.dockey, t0401!.dockey], 'taxinvoce.aspx');
    assert.equal(second.code, '0000', second.msg);
    const amended = await waitSettled(sys, [t0201!.dockey, t0401!.dockey]);
    for (const d of [t0201!, t0401!]) assert.equal(amended.get(d.dockey)!.nts_result_code, 'SUC001', amended.get(d.dockey)!.nts_result_msg ?? '');

    // REST view of the filing, with the attempt and the NTS receipt
    const view = await rest(sys.url, 'GET', `/v1/subscriptions/${member.subscriptionId}/nts-filings/${t0201!.dockey}`, undefined, { 'x-svc-key': member.svcKey });
    assert.equal(view.status, 200);
    assert.equal(view.body.ntsState, '3');
    assert.equal(view.body.issueId, t0201!.issueId);
    assert.equal(view.body.attempts.length, 1);
    assert.equal(view.body.attempts[0].state, 'succeeded');
    assert.equal(view.body.attempts[0].trigger, 'request');
    assert.ok(view.body.attempts[0].receiptId);

    // what was filed: the member's signature over the standard XML, VID matching the supplier
    const filings = await sys.ctx.db.selectFrom('nts_filings').select(['issue_id', 'signed_xml']).where('subscription_id', '=', member.subscriptionId).execute();
    assert.equal(filings.length, 4);
    for (const f of filings) {
      const v = verifyTaxInvoice(f.signed_xml!);
      assert.ok(v.valid, v.reason);
      assert.deepEqual(v.certificateDer, identity.signCert);
      assert.ok(verifyVid(parseSigningCertificate(v.certificateDer!), member.bizno, identity.randomNum));
      assert.match(f.signed_xml!, new RegExp(`<IssueID>${f.issue_id}</IssueID>`));
    }
    const registry = sys.nts.simulator!.registered();
    for (const d of [t0101!, t0201!, t0301!, t0401!]) assert.equal(registry.get(d.issueId)?.registrations, 1);
    assert.equal(registry.get(t0201!.issueId)?.typeCode, '0201');
    assert.equal(registry.get(t0401!.issueId)?.typeCode, '0401');

    // MULTILIST shows the filing (NTS_return_state, result, submit id)
    const list = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: member.subscriptionId, svc_key: member.svcKey, dockeys: [t0101!.dockey, t0201!.dockey].join(',') });
    assert.equal(list.code, '0000', list.msg);
    const rows = legacyRows(list);
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.equal(r['NTS_return_state'], '3');
      assert.match(r['nts_result']!, /^SUC001 /);
      assert.match(r['submit_id']!, /^41000001-/);
      assert.notEqual(r['nts_req_date'], '');
      assert.notEqual(r['nts_resp_date'], '');
    }

    // a filed document can no longer be replaced (the documents module's contract: nts_state ≠ 0 → refused)
    const tenant = { subscriptionId: member.subscriptionId, memberId: member.memberId, packageId: 1 };
    await assert.rejects(updateDocument(sys.ctx, tenant, t0101!.dockey, { input: sampleDocument('0101', member.bizno, today), issue: true }), (e: unknown) => e instanceof AppError && e.code === 'document_state_conflict');

    // filed documents cannot be filed again
    const again = await reqnts(sys, member, [t0101!.dockey]);
    assert.equal(legacyRows(again)[0]!['code'], '3005');
    assert.equal(legacyRows(again)[0]!['NTS_return_state'], '3');
  });

  test('refusals: unknown dockey 3001, draft 3005, queued twice 3005, > 100 → 1002, no certificate → 3006, repeated dockey fields', async () => {
    const { member } = await memberWithCertificate(sys);
    const today = todayKst();
    const [a, b] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, today), sampleDocument('0101', member.bizno, today)]);
    await sys.ctx.db.updateTable('documents').set({ proc_state: 'T', nts_issue_id: null }).where('id', '=', b!.id).execute();
    const r = await reqnts(sys, member, [a!.dockey, 'TINOSUCHDOCUMENT0000', b!.dockey]);
    assert.equal(r.code, '0000');
    assert.deepEqual(
      legacyRows(r).map((x) => x['code']),
      ['0000', '3001', '3005'],
    );
    const twice = await reqnts(sys, member, [a!.dockey]);
    assert.ok(['3005'].includes(legacyRows(twice)[0]!['code']!), JSON.stringify(twice));

    const many = await reqnts(sys, member, Array.from({ length: 101 }, (_, i) => `TIK${String(i).padStart(17, '0')}`));
    assert.equal(many.code, '1002');

    const bare = await registerMember(sys);
    const [c] = await issueDocuments(sys.ctx, bare, [sampleDocument('0101', bare.bizno, today)]);
    const noCert = await reqnts(sys, bare, [c!.dockey]);
    assert.equal(noCert.code, '3006');
    assert.equal((await filingStates(sys, [c!.dockey])).get(c!.dockey)!.nts_state, '0', 'nothing queued');

    const [d, e] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, today), sampleDocument('0301', member.bizno, today)]);
    const res = await fetch(`${sys.url}/taxinvoice.aspx`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `cmd=REQNTS&sinch_no=${member.subscriptionId}&svc_key=${encodeURIComponent(member.svcKey)}&dockey=${d!.dockey}&dockey=${e!.dockey}&fmt=json`,
    });
    const json = (await res.json()) as { code: string; list: { dockey: string; code: string }[] };
    assert.equal(json.code, '0000');
    assert.deepEqual(
      json.list.map((x) => [x.dockey, x.code]),
      [
        [d!.dockey, '0000'],
        [e!.dockey, '0000'],
      ],
    );

    const restFiling = await rest(sys.url, 'POST', `/v1/subscriptions/${member.subscriptionId}/nts-filings`, { dockeys: [d!.dockey] }, { 'x-svc-key': member.svcKey });
    assert.equal(restFiling.status, 202);
    assert.equal(restFiling.body.results[0].queued, false);
    assert.equal(restFiling.body.results[0].error.code, 'not_fileable');
    await waitSettled(sys, [a!.dockey, d!.dockey, e!.dockey]);
  });
});

describe('invalid invoices reach failed (4) with the simulator code; a failed filing can be filed again', () => {
  let sim: NtsSimulator;
  let sys: TestSystem;
  before(async () => {
    sim = await startNtsSimulator({ registrationIds: ['41000001'], resultDelayMs: 20, pushRetryMs: 50 });
    sys = await startNtsTestSystem({ NTS_GATEWAY_URL: sim.url });
  });
  after(async () => {
    await sys.close();
    await sim.close();
  });

  test('bad signature → SIG002, VID mismatch → SIG004, bad amounts (validly signed) → BIZ010', async () => {
    const { member, identity } = await memberWithCertificate(sys);
    const today = todayKst();
    const docs = await issueDocuments(sys.ctx, member, [1, 2, 3].map(() => sampleDocument('0101', member.bizno, today)));
    const [badSignature, badVid, badAmounts] = docs as [(typeof docs)[0], (typeof docs)[0], (typeof docs)[0]];
    const resign = (xml: string) => {
      // drop the signature, change the totals, sign again with the member's own key: the signature is valid
      const unsigned = xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('<GrandTotalAmount>242000</GrandTotalAmount>', '<GrandTotalAmount>242001</GrandTotalAmount>');
      return signTaxInvoice(unsigned, identity.cert.privateKey, identity.signCert);
    };
    sim.tamper = (inv: PackagedInvoice): PackagedInvoice => {
      const xml = inv.signedXml.toString('utf8');
      if (xml.includes(badSignature.issueId)) return { ...inv, signedXml: Buffer.from(xml.replace('<ChargeTotalAmount>220000</ChargeTotalAmount>', '<ChargeTotalAmount>220001</ChargeTotalAmount>')) };
      if (xml.includes(badVid.issueId)) return { ...inv, rValue: Buffer.alloc(20, 7) };
      if (xml.includes(badAmounts.issueId)) return { ...inv, signedXml: Buffer.from(resign(xml)) };
      return inv;
    };
    assert.equal((await reqnts(sys, member, docs.map((d) => d.dockey))).code, '0000');
    const states = await waitSettled(sys, docs.map((d) => d.dockey));
    const codes = docs.map((d) => [states.get(d.dockey)!.nts_state, states.get(d.dockey)!.nts_result_code]);
    assert.deepEqual(codes, [
      ['4', 'SIG002'],
      ['4', 'SIG004'],
      ['4', 'BIZ010'],
    ]);
    assert.match(states.get(badVid.dockey)!.nts_result_msg!, /VID/);
    assert.equal(sim.registered().size, 0, 'nothing was registered');

    // the filing is failed, so it can be requested again: attempt 2 succeeds once the invoices are intact
    sim.tamper = undefined;
    const again = await reqnts(sys, member, docs.map((d) => d.dockey));
    assert.deepEqual(legacyRows(again).map((r) => r['code']), ['0000', '0000', '0000']);
    const refiled = await waitSettled(sys, docs.map((d) => d.dockey));
    for (const d of docs) assert.equal(refiled.get(d.dockey)!.nts_result_code, 'SUC001');
    const attempts = await sys.ctx.db.selectFrom('nts_filings').select(['document_id', 'attempt', 'state']).where('document_id', 'in', docs.map((d) => d.id)).orderBy('attempt').execute();
    assert.equal(attempts.length, 6);
    assert.deepEqual([...new Set(attempts.filter((a) => a.attempt === 2).map((a) => a.state))], ['succeeded']);
    assert.equal(sim.registered().size, 3);
  });

  test('a submission the NTS refuses (unknown registration number → MSG003) fails its documents', async () => {
    const other = await startNtsTestSystem({ NTS_GATEWAY_URL: sim.url, HANBILL_NTS_ISSUER_CODE: '41000099' });
    try {
      const { member } = await memberWithCertificate(other);
      const [doc] = await issueDocuments(other.ctx, member, [sampleDocument('0101', member.bizno, todayKst())]);
      assert.equal((await reqnts(other, member, [doc!.dockey])).code, '0000');
      const s = (await waitSettled(other, [doc!.dockey])).get(doc!.dockey)!;
      assert.equal(s.nts_state, '4');
      assert.equal(s.nts_result_code, 'MSG003');
      const sub = await other.ctx.db.selectFrom('nts_submissions').select(['state', 'receipt_id']).where('submit_id', '=', s.submit_id!).executeTakeFirstOrThrow();
      assert.deepEqual(sub, { state: 'settled', receipt_id: null });
    } finally {
      await other.close();
    }
  });
});

describe('auto-filing: issued documents not filed by the next day', () => {
  let sys: TestSystem;
  before(async () => {
    sys = await startNtsTestSystem();
  });
  after(async () => {
    await sys.close();
  });

  test('documents issued before today are queued automatically unless the subscription turned it off; no certificate → HBL001', async () => {
    const today = todayKst();
    const { member } = await memberWithCertificate(sys);
    const optedOut = await memberWithCertificate(sys);
    const bare = await registerMember(sys);
    const [old1, old2] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, today), sampleDocument('0301', member.bizno, today)]);
    const [fresh] = await issueDocuments(sys.ctx, member, [sampleDocument('0101', member.bizno, today)]);
    const [off] = await issueDocuments(sys.ctx, optedOut.member, [sampleDocument('0101', optedOut.member.bizno, today)]);
    const [noCert] = await issueDocuments(sys.ctx, bare, [sampleDocument('0101', bare.bizno, today)]);
    const subs = [member.subscriptionId, optedOut.member.subscriptionId, bare.subscriptionId];

    // backdate the issue and run the sweep's auto-filing in one transaction (other systems never see these as due)
    const queued = await inTransaction(sys.ctx.db, async (tx) => {
      await tx.updateTable('subscriptions').set({ auto_file_nts: false }).where('id', '=', optedOut.member.subscriptionId).execute();
      const yesterday = new Date(Date.now() - 86_400_000 - 60_000);
      await tx.updateTable('documents').set({ issued_at: yesterday }).where('id', 'in', [old1!.id, old2!.id, off!.id, noCert!.id]).execute();
      return autoFileDue(withDb(sys.ctx, tx), { subscriptionIds: subs });
    });
    assert.equal(queued, 3);
    const states = await waitSettled(sys, [old1!.dockey, old2!.dockey, noCert!.dockey]);
    assert.equal(states.get(old1!.dockey)!.nts_result_code, 'SUC001');
    assert.equal(states.get(old2!.dockey)!.nts_result_code, 'SUC001');
    assert.equal(states.get(noCert!.dockey)!.nts_state, '4');
    assert.equal(states.get(noCert!.dockey)!.nts_result_code, 'HBL001');
    const untouched = await filingStates(sys, [fresh!.dockey, off!.dockey]);
    assert.equal(untouched.get(fresh!.dockey)!.nts_state, '0', 'issued today: not due yet');
    assert.equal(untouched.get(off!.dockey)!.nts_state, '0', 'auto_file_nts = false');
    const trigger = await sys.ctx.db.selectFrom('nts_filings').select('trigger').where('document_id', '=', old1!.id).executeTakeFirstOrThrow();
    assert.equal(trigger.trigger, 'auto');
    assert.equal(await autoFileDue(sys.ctx, { subscriptionIds: subs }), 0, 'nothing is queued twice');
  });
});
