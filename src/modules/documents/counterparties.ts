/**
 * The counterparty book (거래처): buyers a subscription saved from the write form, to pick again. A buyer is
 * checked by the same validator as a document's 공급받는자 (`validateBuyer`, fields named `buyer.*`), and saved
 * once per (id, 종사업장번호): saving the same buyer again updates it. Search is by name or number.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { AppError, invalidError } from '../../platform/errors.ts';
import { textCharacterProblem } from '../../platform/input.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { isInputObject } from './input-reader.ts';
import type { BuyerParty } from './model.ts';
import { validateBuyer } from './validate-party.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface CounterpartiesTable {
  id: Generated<number>;
  subscription_id: number;
  id_type: 'business' | 'resident' | 'foreigner';
  party_id: string;
  sub_bizno: string;
  name: string;
  ceo_name: string;
  address: string;
  business_type: string;
  business_item: string;
  contact_name: string;
  contact_email: string;
  contact_tel: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    counterparties: CounterpartiesTable;
  }
}

export interface Counterparty {
  counterpartyId: number;
  buyer: BuyerParty;
}

type Row = Selectable<CounterpartiesTable>;

function viewOf(row: Row): Counterparty {
  const contact = { name: row.contact_name || undefined, email: row.contact_email || undefined, tel: row.contact_tel || undefined };
  const hasContact = Object.values(contact).some((v) => v !== undefined);
  const buyer: BuyerParty = {
    idType: row.id_type,
    id: row.party_id,
    name: row.name,
    ...(row.sub_bizno ? { subBizno: row.sub_bizno } : {}),
    ...(row.ceo_name ? { ceoName: row.ceo_name } : {}),
    ...(row.address ? { address: row.address } : {}),
    ...(row.business_type ? { businessType: row.business_type } : {}),
    ...(row.business_item ? { businessItem: row.business_item } : {}),
    ...(hasContact ? { contacts: [Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined))] } : {}),
  };
  return { counterpartyId: row.id, buyer };
}

/** Save (or update) a buyer in the book; `input` is a document's `buyer` object. Errors name `buyer.*`. */
export async function saveCounterparty(ctx: Ctx, tenant: Tenant, input: unknown): Promise<Counterparty> {
  const buyer = validateBuyer(isInputObject(input) ? input : {}, 'buyer', false);
  const contact = buyer.contacts?.[0];
  const now = ctx.clock.now();
  const values = {
    id_type: buyer.idType,
    name: buyer.name,
    ceo_name: buyer.ceoName ?? '',
    address: buyer.address ?? '',
    business_type: buyer.businessType ?? '',
    business_item: buyer.businessItem ?? '',
    contact_name: contact?.name ?? '',
    contact_email: contact?.email ?? '',
    contact_tel: contact?.tel ?? '',
    updated_at: now,
  };
  const row = await ctx.db
    .insertInto('counterparties')
    .values({ subscription_id: tenant.subscriptionId, party_id: buyer.id, sub_bizno: buyer.subBizno ?? '', created_at: now, ...values })
    .onConflict((oc) => oc.columns(['subscription_id', 'party_id', 'sub_bizno']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return viewOf(row);
}

export const COUNTERPARTY_PAGE = 50;

/** The book, by name; `query` matches the name or the number (hyphens ignored). At most 50. A control character in `query` → 400 naming `field`. */
export async function listCounterparties(ctx: Ctx, tenant: Tenant, query = '', field = 'q'): Promise<Counterparty[]> {
  let q = ctx.db.selectFrom('counterparties').selectAll().where('subscription_id', '=', tenant.subscriptionId);
  const text = query.trim().slice(0, 100);
  const problem = textCharacterProblem(text, false);
  if (problem) throw invalidError(field, problem);
  if (text) {
    const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
    const digits = text.replace(/-/g, '');
    q = q.where((eb) => eb.or([eb('name', 'ilike', `%${escaped}%`), ...(/^\d+$/.test(digits) ? [eb('party_id', 'like', `${digits}%`)] : [])]));
  }
  const rows = await q.orderBy('name').orderBy('id').limit(COUNTERPARTY_PAGE).execute();
  return rows.map(viewOf);
}

export async function getCounterparty(ctx: Ctx, tenant: Tenant, counterpartyId: number): Promise<Counterparty> {
  const row = await ctx.db.selectFrom('counterparties').selectAll().where('subscription_id', '=', tenant.subscriptionId).where('id', '=', counterpartyId).executeTakeFirst();
  if (!row) throw new AppError('counterparty_not_found', '거래처가 없습니다 (no such counterparty)', { field: 'counterpartyId' });
  return viewOf(row);
}

export async function deleteCounterparty(ctx: Ctx, tenant: Tenant, counterpartyId: number): Promise<void> {
  const r = await ctx.db.deleteFrom('counterparties').where('subscription_id', '=', tenant.subscriptionId).where('id', '=', counterpartyId).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new AppError('counterparty_not_found', '거래처가 없습니다 (no such counterparty)', { field: 'counterpartyId' });
}
