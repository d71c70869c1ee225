/**
 * 역발행 요청 (REST `POST /v1/subscriptions/{id}/reverse-requests`, legacy `reverse.aspx cmd=REQUEST`, member web
 * `/member/reverse/new`): the buyer writes the document. The buyer (공급받는자) is filled from the buyer member's
 * profile where left blank and must be the buyer itself; the supplier (공급자) is given by business number — filled
 * from the supplier member's profile when it is a member (a proven business number), else its name and 대표자 must
 * be written. The whole document is validated by the same rules as issuing (validate-document.ts), so what the
 * supplier issues later is what was requested. `supplierEmail` (or the supplier contact's e-mail, or the supplier
 * member's) gets the request mail. `subkey` makes a retry answer the first request and create nothing.
 */
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError, invalidError } from '../../platform/errors.ts';
import { EMAIL_PATTERN } from '../../platform/input.ts';
import { kstDate, toSqlDate } from '../../platform/clock.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { memberProfile } from './prepare-document.ts';
import { applySupplierDefaults, type SupplierProfile } from './supplier-defaults.ts';
import { isInputObject } from './input-reader.ts';
import { validateDocument } from './validate-document.ts';
import { readSubkey } from './insert-document.ts';
import { mailSupplierOfRequest, newReqkey, type ReverseRow } from './reverse-requests.ts';
import { recordReverseEvent } from './reverse-events.ts';

export interface CreateReverseRequest {
  /** The document (DocumentInput shape): the buyer's data, the supplier's business number, lines, amounts. */
  input: unknown;
  supplierEmail?: string | undefined;
  subkey?: string | undefined;
}

export interface CreateReverseResult {
  request: ReverseRow;
  created: boolean;
}

/** The supplier member's profile for a proven business number (its first member), or undefined. */
async function supplierMember(ctx: Ctx, bizno: string): Promise<{ profile: SupplierProfile; subscriptionId: number | null } | undefined> {
  const m = await ctx.db
    .selectFrom('members as m')
    .innerJoin('bizno_proofs as p', (j) => j.onRef('p.member_id', '=', 'm.id').onRef('p.bizno', '=', 'm.bizno'))
    .leftJoin('subscriptions as s', 's.member_id', 'm.id')
    .select(['m.id', 's.id as subscription_id'])
    .where('m.bizno', '=', bizno)
    .orderBy('m.id')
    .orderBy('s.id')
    .executeTakeFirst();
  if (!m) return undefined;
  return { profile: await memberProfile(ctx, m.id), subscriptionId: m.subscription_id ?? null };
}

function buyerDefaults(profile: SupplierProfile): Record<string, unknown> {
  return {
    idType: 'business',
    id: profile.bizno,
    ...(profile.subBizno ? { subBizno: profile.subBizno } : {}),
    name: profile.name,
    ceoName: profile.ceoName,
    ...(profile.address ? { address: profile.address } : {}),
    ...(profile.businessType ? { businessType: profile.businessType } : {}),
    ...(profile.businessItem ? { businessItem: profile.businessItem } : {}),
  };
}

export async function createReverseRequest(ctx: Ctx, tenant: Tenant, req: CreateReverseRequest): Promise<CreateReverseResult> {
  const subkey = readSubkey(req.subkey);
  const email = (req.supplierEmail ?? '').trim();
  if (email !== '' && (!EMAIL_PATTERN.test(email) || email.length > 200)) throw invalidError('supplierEmail', '이메일 형식이 올바르지 않습니다 (invalid e-mail address)');
  if (subkey) {
    const prior = await ctx.db.selectFrom('reverse_requests').selectAll().where('buyer_subscription_id', '=', tenant.subscriptionId).where('subkey', '=', subkey).executeTakeFirst();
    if (prior) return { request: prior, created: false };
  }
  if (!isInputObject(req.input)) throw invalidError('document', '문서(객체)가 필요합니다 (expected the document object)');
  const input = req.input;
  const supplierIn = isInputObject(input['supplier']) ? input['supplier'] : {};
  const supBizno = typeof supplierIn['bizno'] === 'string' ? supplierIn['bizno'].replace(/-/g, '').trim() : '';
  if (supBizno === '') throw new AppError('field_required', '공급자 사업자등록번호가 필요합니다 (the supplier\'s business number is required)', { field: 'supplier.bizno' });
  const buyerProfile = await memberProfile(ctx, tenant.memberId);
  if (supBizno === buyerProfile.bizno) throw invalidError('supplier.bizno', '자기 자신에게 역발행을 요청할 수 없습니다 (you cannot ask yourself)');
  const supplier = await supplierMember(ctx, supBizno);
  // the buyer's blanks from its own profile (contact: the member's e-mail, so the issued invoice is mailed back)
  const buyerIn = isInputObject(input['buyer']) ? input['buyer'] : {};
  const buyerFilled = (applySupplierDefaults({ supplier: buyerIn }, buyerDefaults(buyerProfile) as unknown as SupplierProfile) as { supplier: Record<string, unknown> }).supplier;
  if (!Array.isArray(buyerFilled['contacts']) || buyerFilled['contacts'].length === 0) buyerFilled['contacts'] = [{ name: buyerProfile.contact?.name, email: buyerProfile.contact?.email }];
  let filled: unknown = { ...input, supplier: { ...supplierIn, bizno: supBizno }, buyer: buyerFilled };
  if (supplier) filled = applySupplierDefaults(filled, supplier.profile);
  const doc = validateDocument(filled, { requireBuyerEmail: true, today: kstDate(ctx.clock.now()) });
  if (doc.consignment) throw invalidError('consignment', '위수탁 문서는 역발행할 수 없습니다 (a consignment document cannot be reverse-issued)');
  if (doc.amendment) throw invalidError('amendment', '수정세금계산서는 역발행으로 요청할 수 없습니다 (an amended invoice is issued by the supplier)');
  if (doc.buyer.idType !== 'business' || doc.buyer.id !== buyerProfile.bizno) throw invalidError('buyer.id', `공급받는자는 가입한 사업자등록번호(${buyerProfile.bizno})여야 합니다 (the buyer must be you)`);
  const supEmail = email || doc.supplier.contact?.email || supplier?.profile.contact?.email || null;

  return inTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const row = await tx
      .insertInto('reverse_requests')
      .values({
        reqkey: newReqkey(),
        buyer_subscription_id: tenant.subscriptionId,
        subkey: subkey ?? null,
        sup_bizno: doc.supplier.bizno,
        sup_email: supEmail,
        supplier_subscription_id: supplier?.subscriptionId ?? null,
        buy_name: doc.buyer.name,
        write_date: toSqlDate(doc.writeDate),
        supply_amt: doc.amounts.supply,
        tax_amt: doc.amounts.tax,
        total_amt: doc.amounts.total,
        body: JSON.stringify(doc),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['buyer_subscription_id', 'subkey']).where('subkey', 'is not', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const prior = await tx.selectFrom('reverse_requests').selectAll().where('buyer_subscription_id', '=', tenant.subscriptionId).where('subkey', '=', subkey ?? '').executeTakeFirstOrThrow();
      return { request: prior, created: false };
    }
    await recordReverseEvent(tx, row, 'requested', now, {});
    await mailSupplierOfRequest(ctx, tx, row);
    ctx.log.info({ sinchno: tenant.subscriptionId, reqkey: row.reqkey, supplierMember: supplier !== undefined }, 'reverse issuance requested');
    return { request: row, created: true };
  });
}
