/**
 * A stored document back into the write form's fields (named by the REST document paths, as write-form.ts reads
 * them): for a 수정세금계산서 prefilled from its original (write-amend.ts) and for a draft opened again
 * (write-draft.ts). Money and quantities are written as the form shows them; `sign` -1 negates the lines (an
 * amendment that reverses the original).
 */
import type { DocumentInput } from '../../modules/documents/model.ts';
import type { Form } from './member-kit.ts';

/** `supplier`: the whole document (its write date, supplier, payments and line days), not only what an amendment takes over. */
export function formOfDocument(doc: DocumentInput, opts: { supplier: boolean; sign?: 1 | -1 }): Form {
  const form: Form = { kind: doc.kind, taxType: doc.taxType, purpose: doc.purpose };
  const put = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') form[k] = String(v);
  };
  // the party fields the form shows, by the same names on both sides
  const PARTY = ['subBizno', 'name', 'ceoName', 'address', 'businessType', 'businessItem'] as const;
  if (opts.supplier) {
    put('writeDate', /^\d{8}$/.test(doc.writeDate) ? `${doc.writeDate.slice(0, 4)}-${doc.writeDate.slice(4, 6)}-${doc.writeDate.slice(6, 8)}` : doc.writeDate);
    for (const k of PARTY) put(`supplier.${k}`, doc.supplier[k]);
    put('supplier.contact.email', doc.supplier.contact?.email);
    for (const [mean, amount] of Object.entries(doc.payments ?? {})) if (amount) put(`payments.${mean}`, amount);
  }
  put('buyer.id', doc.buyer.id);
  for (const k of PARTY) put(`buyer.${k}`, doc.buyer[k]);
  put('buyer.contacts[0].name', doc.buyer.contacts?.[0]?.name);
  put('buyer.contacts[0].email', doc.buyer.contacts?.[0]?.email);
  const sign = opts.sign ?? 1;
  const neg = (s: string | undefined) => (s === undefined || sign === 1 ? s : s.startsWith('-') ? s.slice(1) : `-${s}`);
  doc.lines.forEach((l, i) => {
    if (opts.supplier) put(`lines[${i}].day`, l.day); // the day belongs to the document's own write date
    put(`lines[${i}].name`, l.name);
    put(`lines[${i}].spec`, l.spec);
    put(`lines[${i}].quantity`, neg(l.quantity));
    put(`lines[${i}].unitPrice`, l.unitPrice);
    put(`lines[${i}].supply`, l.supply * sign || 0);
    put(`lines[${i}].tax`, l.tax * sign || 0);
    put(`lines[${i}].remark`, l.remark);
  });
  put('remarks[0]', doc.remarks?.[0]);
  return form;
}
