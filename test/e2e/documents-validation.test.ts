// Issue 8 item 12 through both faces: a future 작성일자 (after today in KST, by the system clock) and 위수탁
// without a trustee are refused naming the field, and nothing is stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kstDate } from '../../src/platform/clock.ts';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { legacyInvoiceFields, onboard, type Onboarded } from '../support/onboard.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys.close();
});

/** YYYYMMDD `days` after today in KST. */
function kstDay(days: number): string {
  return kstDate(new Date(sys.ctx.clock.now().getTime() + days * 86_400_000));
}

function invoice(writeDate: string, extra: Record<string, unknown> = {}) {
  const month = Number(writeDate.slice(4, 6));
  const day = Number(writeDate.slice(6, 8));
  return {
    kind: 'tax_invoice',
    purpose: 'receipt',
    writeDate,
    buyer: { idType: 'business', id: freshBizno(), name: '(주)검증상사', ceoName: '정대표', contacts: [{ name: '담당', email: 'v-buyer@example.kr' }] },
    amounts: { supply: 100000, tax: 10000, total: 110000 },
    lines: [{ month, day, name: '컨설팅', supply: 100000, tax: 10000 }],
    ...extra,
  };
}

async function documentCount(s: Onboarded): Promise<number> {
  const r = await sys.ctx.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).where('subscription_id', '=', s.sinchno).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('document validation through the faces', () => {
  test('REST: tomorrow (KST) is refused naming writeDate; today is accepted', async () => {
    const s = await onboard(sys.url);
    const url = `/v1/subscriptions/${s.sinchno}/documents`;
    for (const issue of [false, true]) {
      const r = await rest(sys.url, 'POST', url, { issue, document: invoice(kstDay(1)) }, { 'x-svc-key': s.svcKey });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.field, 'writeDate');
    }
    assert.equal(await documentCount(s), 0, 'nothing stored');
    const ok = await rest(sys.url, 'POST', url, { issue: true, document: invoice(kstDay(0)) }, { 'x-svc-key': s.svcKey });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  test('legacy: a future doc__write_date is 1002 naming doc__write_date', async () => {
    const s = await onboard(sys.url);
    const d = kstDay(1);
    const r = await legacyPost(sys.url, 'document.aspx', {
      cmd: 'INSERT',
      ...legacyInvoiceFields(s, freshBizno(), { doc__proc_state: 'S', doc__write_date: d, item1__month: d.slice(4, 6), item1__day: d.slice(6, 8), item2__month: d.slice(4, 6), item2__day: d.slice(6, 8) }),
    });
    assert.equal(r.code, '1002', r.msg);
    assert.match(r.msg, /^doc__write_date: /);
    assert.equal(await documentCount(s), 0);
  });

  test('위수탁 without a trustee is refused naming the trustee (REST and legacy), nothing stored', async () => {
    const s = await onboard(sys.url);
    const url = `/v1/subscriptions/${s.sinchno}/documents`;
    const supplier = { bizno: freshBizno(), name: '(주)위탁자', ceoName: '김위탁' };
    for (const extra of [{ consignment: true, supplier }, { consignment: true, supplier, trustee: null }]) {
      const r = await rest(sys.url, 'POST', url, { issue: true, document: invoice('20261120', extra) }, { 'x-svc-key': s.svcKey });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      // (a null trustee is already refused by the REST body schema, which names it document.trustee)
      assert.match(r.body.error.field, /^(document\.)?trustee$/);
    }
    const legacy = await legacyPost(sys.url, 'document.aspx', {
      cmd: 'INSERT',
      ...legacyInvoiceFields(s, freshBizno(), { doc__proc_state: 'S', doc__tax_type: '03', doc__sup_bizno: supplier.bizno, doc__sup_name: supplier.name, doc__sup_ceo: supplier.ceoName }),
    });
    assert.equal(legacy.code, '1001', legacy.msg);
    assert.match(legacy.msg, /^doc__trust_bizno: /);
    assert.equal(await documentCount(s), 0);
    // with the trustee given (the caller itself), blank trustee fields are still filled from the member
    const ok = await rest(sys.url, 'POST', url, { issue: true, document: invoice('20261120', { consignment: true, supplier, trustee: { bizno: s.bizno } }) }, { 'x-svc-key': s.svcKey });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });
});
