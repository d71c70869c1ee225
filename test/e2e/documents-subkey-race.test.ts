// Concurrent REST creates sharing one subkey (CODE-REVIEW §1.5, issue 8 item 13). With an Idempotency-Key the
// insert runs inside the idempotency transaction; on PostgreSQL the losers used to hit documents_subkey_uq,
// catch 23505 and re-query in the aborted transaction (HTTP 500). Every request must answer the one document.
// PGlite serialises transactions, so only the PostgreSQL pass (TEST_DATABASE_URL) exercises the real race.
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { onboard } from '../support/onboard.ts';

let sys: TestSystem;
// an issuer code of this file alone: the approval serials of its write date are this file's (checked gap-free)
const issuerCode = String(crypto.randomInt(10_000_000, 100_000_000));
before(async () => {
  sys = await startTestSystem({ HANBILL_NTS_ISSUER_CODE: issuerCode });
});
after(async () => {
  await sys.close();
});

function invoice(writeDate = '20261121') {
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate,
    buyer: { idType: 'business', id: freshBizno(), name: '(주)경합상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'race-buyer@example.kr' }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month: 11, day: 21, name: '컨설팅', supply: 100000, tax: 10000 }],
  };
}

describe('subkey race', () => {
  for (const issue of [false, true]) {
    test(`${issue ? 'issue' : 'draft'}: concurrent creates with one subkey and different Idempotency-Keys all answer the same document`, async () => {
      const s = await onboard(sys.url);
      const url = `/v1/subscriptions/${s.sinchno}/documents`;
      for (let round = 0; round < 4; round++) {
        const subkey = `race-${issue}-${round}`;
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            rest(sys.url, 'POST', url, { issue, subkey, document: invoice() }, { 'x-svc-key': s.svcKey, 'idempotency-key': `${subkey}-${i}` }),
          ),
        );
        for (const a of answers) assert.ok(a.status === 201 || a.status === 200, `round ${round}: ${a.status} ${JSON.stringify(a.body)}`);
        const dockeys = new Set(answers.map((a) => a.body.dockey));
        assert.equal(dockeys.size, 1, `round ${round}: one document for subkey ${subkey}`);
        assert.equal(answers.filter((a) => a.status === 201).length, 1, `round ${round}: exactly one request created it`);
      }
      const listed = await rest(sys.url, 'GET', `${url}?limit=100`, undefined, { 'x-svc-key': s.svcKey });
      assert.equal(listed.body.data.length, 4, 'one document per subkey, nothing doubled');
      if (issue) {
        // the losers reserved an approval number before their insert lost: each gave it back (gap-free)
        const serials = (listed.body.data as { issueId: string }[]).map((d) => Number(d.issueId.slice(16))).sort((a, b) => a - b);
        assert.deepEqual(serials, [1, 2, 3, 4]);
        assert.ok(listed.body.data.every((d: { issueId: string }) => d.issueId.slice(8, 16) === issuerCode));
        const last = await sql<{ last_serial: number }>`SELECT last_serial FROM issue_serials WHERE issuer_code = ${issuerCode} AND write_date = '2026-11-21'`.execute(sys.ctx.db);
        assert.equal(Number(last.rows[0]!.last_serial), 4);
      }
    });
  }

  test('an update that takes another live document\'s subkey is a 409 naming subkey, not a 500; nothing changes', async () => {
    const s = await onboard(sys.url);
    const url = `/v1/subscriptions/${s.sinchno}/documents`;
    const h = { 'x-svc-key': s.svcKey };
    const a = await rest(sys.url, 'POST', url, { subkey: 'taken', document: invoice() }, h);
    const b = await rest(sys.url, 'POST', url, { subkey: 'mine', document: invoice() }, h);
    for (const headers of [h, { ...h, 'idempotency-key': `upd-${s.sinchno}` }]) {
      const r = await rest(sys.url, 'PUT', `${url}/${b.body.dockey}`, { subkey: 'taken', document: invoice() }, headers);
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.field, 'subkey');
    }
    const still = await rest(sys.url, 'GET', `${url}/${b.body.dockey}`, undefined, h);
    assert.equal(still.body.subkey, 'mine');
    assert.equal((await rest(sys.url, 'GET', `${url}/${a.body.dockey}`, undefined, h)).status, 200);
  });

  test('the last approval number of a date is issued; the next issue of that date is a 409 naming writeDate and writes nothing', async () => {
    // the approval number is taken by the statement writing the document (issue-serials.ts nextIssueIdInsert)
    const s = await onboard(sys.url);
    const url = `/v1/subscriptions/${s.sinchno}/documents`;
    const h = { 'x-svc-key': s.svcKey };
    const draft = await rest(sys.url, 'POST', url, { subkey: 'draft', document: invoice('20261120') }, h);
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    await sql`INSERT INTO issue_serials (issuer_code, write_date, last_serial) VALUES (${issuerCode}, '2026-11-20', 99999998)`.execute(sys.ctx.db);
    const last = await rest(sys.url, 'POST', url, { issue: true, subkey: 'last-number', document: invoice('20261120') }, h);
    assert.equal(last.status, 201, JSON.stringify(last.body));
    assert.equal(last.body.issueId, `20261120${issuerCode}99999999`);
    const over = await rest(sys.url, 'POST', url, { issue: true, subkey: 'no-number-left', document: invoice('20261120') }, h);
    assert.equal(over.status, 409, JSON.stringify(over.body));
    assert.equal(over.body.error.code, 'document_state_conflict');
    assert.equal(over.body.error.field, 'writeDate');
    const draftIssued = await rest(sys.url, 'PUT', `${url}/${draft.body.dockey}`, { issue: true, subkey: 'draft', document: invoice('20261120') }, h);
    assert.equal(draftIssued.status, 409, JSON.stringify(draftIssued.body));
    assert.equal(draftIssued.body.error.field, 'writeDate');
    const stillDraft = await rest(sys.url, 'GET', `${url}/${draft.body.dockey}`, undefined, h);
    assert.equal(stillDraft.body.issueId ?? null, null, 'the draft was not issued');
    const listed = await rest(sys.url, 'GET', `${url}?limit=100`, undefined, h);
    assert.deepEqual(listed.body.data.map((d: { subkey: string }) => d.subkey).sort(), ['draft', 'last-number'], 'the refused issue wrote no document');
    const serial = await sql<{ last_serial: number }>`SELECT last_serial FROM issue_serials WHERE issuer_code = ${issuerCode} AND write_date = '2026-11-20'`.execute(sys.ctx.db);
    assert.equal(Number(serial.rows[0]!.last_serial), 99999999, 'the refused issue took no number');
    const usage = await sql<{ n: number }>`SELECT count(*)::int AS n FROM usage_records WHERE subscription_id = ${s.sinchno}`.execute(sys.ctx.db);
    assert.equal(usage.rows[0]!.n, 1, 'one usage row, the issued document\'s');
  });
});
