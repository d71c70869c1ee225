/** Seed A onboarding in one call: a fresh member with a free subscription and its svc_key. */
import { freshBizno, freshLoginId } from './test-system.ts';
import { legacyPost } from './http.ts';

export interface Onboarded {
  bizno: string;
  id: string;
  pwd: string;
  comName: string;
  email: string;
  sinchno: number;
  svcKey: string;
}

export async function onboard(base: string, opts: { bizno?: string; comName?: string; email?: string } = {}): Promise<Onboarded> {
  const m = { bizno: opts.bizno ?? freshBizno(), id: freshLoginId(), pwd: 'Secret123!', comName: opts.comName ?? '(주)테스트공급', email: opts.email ?? 'supplier@example.kr' };
  const reg = await legacyPost(base, '_member.aspx', {
    cmd: 'INSERT', bizno: m.bizno, com_name: m.comName, ceo_name: '김대표', id: m.id, pwd: m.pwd, user_name: '이담당', email: m.email, uptae: '서비스', jongmok: '소프트웨어', addr1: '서울 중구 세종대로 110',
  });
  if (reg.code !== '0000') throw new Error(`register: ${reg.code} ${reg.msg}`);
  const sub = await legacyPost(base, '_service.aspx', { cmd: 'SINCHSERVICE', bizno: m.bizno, id: m.id, pwd: m.pwd, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
  if (sub.code !== '0000') throw new Error(`apply: ${sub.code} ${sub.msg}`);
  const key = await legacyPost(base, '_auth.aspx', { cmd: 'GETSVCKEY', bizno: m.bizno, id: m.id, pwd: m.pwd });
  return { ...m, sinchno: Number(key['sinchno']), svcKey: String(key['svc_key']) };
}

/** document.aspx fields of a 0101 tax invoice from `sup` to the business `buyBizno` (two lines). */
export function legacyInvoiceFields(sup: Onboarded, buyBizno: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    sinch_no: sup.sinchno,
    svc_key: sup.svcKey,
    doc__doc_state: 'N',
    doc__purpose: '02',
    doc__write_date: '20261120',
    doc__buy_bizno: buyBizno,
    doc__buy_name: '(주)똠방각하',
    doc__buy_ceo: '박구매',
    doc__buy_addr: '부산 해운대구 센텀로 1',
    doc__buy_email1: 'buyer1@example.kr',
    doc__buy_manager1: '최담당',
    doc__buy_email2: 'buyer2@example.kr',
    doc__supply_amt: 1500000,
    doc__tax_amt: 150000,
    doc__total_amt: 1650000,
    doc__credit_amt: 1650000,
    doc__remark: '11월분',
    item1__month: '11', item1__day: '20', item1__name: '노트북', item1__qty: '1', item1__unit_price: '1000000', item1__supply_amt: 1000000, item1__tax_amt: 100000,
    item2__month: '11', item2__day: '20', item2__name: '모니터', item2__qty: '2', item2__unit_price: '250000', item2__supply_amt: 500000, item2__tax_amt: 50000,
    ...extra,
  };
}
