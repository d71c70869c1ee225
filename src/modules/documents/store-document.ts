/** Columns of a document row derived from a validated document (one place for insert and update). */
import { toSqlDate } from '../../platform/clock.ts';
import type { DocumentInput } from './model.ts';
import { typeCodeOf } from './type-code.ts';
import { itemSummary } from './document-views.ts';

export function documentColumns(doc: DocumentInput) {
  return {
    kind: doc.kind,
    type_code: typeCodeOf(doc),
    modify_code: doc.amendment?.reasonCode ?? null,
    write_date: toSqlDate(doc.writeDate),
    sup_bizno: doc.supplier.bizno,
    sup_name: doc.supplier.name,
    buy_id: doc.buyer.id,
    // the purchase ledger matches the buyer on these two (purchase-ledger.ts)
    buy_bizno: doc.buyer.idType === 'business' ? doc.buyer.id : null,
    buy_sub_bizno: doc.buyer.subBizno ?? '',
    buy_name: doc.buyer.name,
    buy_email1: doc.buyer.contacts?.[0]?.email ?? null,
    supply_amt: doc.amounts.supply,
    tax_amt: doc.amounts.tax,
    total_amt: doc.amounts.total,
    item_summary: itemSummary(doc),
    has_statement: doc.statement !== undefined,
    body: JSON.stringify(doc),
  };
}
