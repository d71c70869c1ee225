/**
 * The legacy document.aspx form (LEGACY-API.md: `doc__*`, `item{n}__*`, `detail__*`, `detail{n}__*`) ⇄
 * the REST DocumentInput shape. Validation stays in `validateDocument`; this file only converts.
 *
 * Conversions (only where unambiguous; anything else is passed through as the raw string, so that
 * validateDocument rejects it at its REST path, which `legacyFieldName` maps back):
 *  - blank values are absent;
 *  - codes: doc_gubun 1/2 → kind, tax_type 01/02/03 (and 05 = 영세율위수탁) → taxType + consignment,
 *    purpose 01/02, buy_id_type 01/02/03, alimtalk_yn Y/N;
 *  - amounts: integer strings, optionally with thousands commas or a zero fraction ("220,000", "-1000",
 *    "220000.00"); month/day: 1–2 digits; qty/unit_price: decimal strings (thousands commas removed);
 *  - doc__modify_code or doc__org_nts_no present → `amendment`;
 *  - lines run from item1 to the last item with a non-blank field; a blank row in between becomes an empty
 *    line (reported as e.g. item2__supply_amt required) rather than silently renumbering the rows;
 *  - the one check made here: row numbers of item{n} / detail{n} must be 1…99 (see rowCount).
 */
import { AppError, invalidError, renameField } from '../../platform/errors.ts';
import { DOCUMENT_LIMITS } from '../../modules/documents/model.ts';

type Fields = Record<string, string>;
type Obj = Record<string, unknown>;

function value(fields: Fields, name: string): string | undefined {
  const raw = fields[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Drop undefined entries; undefined when nothing is left. */
function present(obj: Obj): Obj | undefined {
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length === 0 ? undefined : out;
}

const INTEGER = /^[-+]?\d+(\.0+)?$/;
const GROUPED_INTEGER = /^[-+]?\d{1,3}(,\d{3})+(\.0+)?$/;

/** "220,000" → 220000; a non-integer or unsafe value stays a string (validateDocument rejects it). */
export function legacyAmount(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  if (!INTEGER.test(raw) && !GROUPED_INTEGER.test(raw)) return raw;
  const n = Number(raw.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? (n === 0 ? 0 : n) : raw;
}

/** "1,000.5" → "1000.5"; anything else unchanged. */
function legacyDecimal(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(raw) ? raw.replace(/,/g, '') : raw;
}

function legacySmallInt(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  return /^\d{1,2}$/.test(raw) ? Number(raw) : raw;
}

function code<T>(raw: string | undefined, table: Record<string, T>): T | string | undefined {
  if (raw === undefined) return undefined;
  return Object.prototype.hasOwnProperty.call(table, raw) ? table[raw] : raw;
}

/** The highest row number of each numbered field family (LEGACY-API.md: n = 1…99). */
const MAX_ROW: Record<'item' | 'detail', number> = { item: DOCUMENT_LIMITS.maxLines, detail: DOCUMENT_LIMITS.maxStatementLines };

/**
 * 1-based row numbers used by `item{n}__*` / `detail{n}__*`, up to the last non-blank row. The number is
 * checked while the name is read, before any row is built: `item1000000__name=x` would otherwise allocate a
 * million rows (and `item4294967296__…` exceed the largest array), so a number outside 1…max, or not
 * canonical (`item01__…`, which would silently be another row than `item1__…`), is refused naming the field.
 */
function rowCount(fields: Fields, prefix: 'item' | 'detail'): number {
  const re = new RegExp(`^${prefix}(\\d+)__`);
  const max = MAX_ROW[prefix];
  let last = 0;
  for (const [name, raw] of Object.entries(fields)) {
    const m = re.exec(name);
    if (!m) continue;
    const digits = m[1]!;
    if (!/^[1-9]\d{0,2}$/.test(digits) || Number(digits) > max) {
      throw invalidError(name, `행 번호는 1~${max}입니다 (row numbers run from 1 to ${max}, without leading zeros)`);
    }
    if (raw.trim() === '') continue;
    last = Math.max(last, Number(digits));
  }
  return last;
}

function kindAndTaxType(fields: Fields): Obj {
  const taxTypeCode = value(fields, 'doc__tax_type') ?? '01';
  const taxType = code(taxTypeCode, { '01': 'regular', '02': 'zero_rated', '03': 'regular', '05': 'zero_rated' });
  return {
    kind: code(value(fields, 'doc__doc_gubun') ?? '1', { '1': 'tax_invoice', '2': 'invoice' }),
    taxType,
    consignment: taxTypeCode === '03' || taxTypeCode === '05',
  };
}

function amendment(fields: Fields): Obj | undefined {
  return present({ reasonCode: value(fields, 'doc__modify_code'), originalIssueId: value(fields, 'doc__org_nts_no') });
}

function supplier(fields: Fields): Obj | undefined {
  const v = (n: string) => value(fields, `doc__sup_${n}`);
  return present({
    bizno: v('bizno'),
    subBizno: v('sub_bizno'),
    name: v('name'),
    ceoName: v('ceo'),
    address: v('addr'),
    businessType: v('uptae'),
    businessItem: v('jongmok'),
    contact: present({ department: v('dept'), name: v('manager'), tel: v('tel'), email: v('email') }),
  });
}

function buyer(fields: Fields): Obj | undefined {
  const v = (n: string) => value(fields, `doc__buy_${n}`);
  const contact = (i: 1 | 2) => present({ name: v(`manager${i}`), department: v(`dept${i}`), tel: v(`tel${i}`), mobile: v(`hp${i}`), email: v(`email${i}`) });
  const first = contact(1);
  const second = contact(2);
  const contacts = second ? [first ?? {}, second] : first ? [first] : undefined;
  return present({
    idType: code(v('id_type'), { '01': 'business', '02': 'resident', '03': 'foreigner' }),
    id: v('bizno'),
    subBizno: v('sub_bizno'),
    name: v('name'),
    ceoName: v('ceo'),
    address: v('addr'),
    businessType: v('uptae'),
    businessItem: v('jongmok'),
    contacts,
  });
}

function trustee(fields: Fields): Obj | undefined {
  const v = (n: string) => value(fields, `doc__trust_${n}`);
  return present({ bizno: v('bizno'), name: v('name'), ceoName: v('ceo'), address: v('addr'), contact: present({ email: v('email') }) });
}

function lines(fields: Fields): Obj[] | undefined {
  const count = rowCount(fields, 'item');
  if (count === 0) return undefined;
  return Array.from({ length: count }, (_, i) => {
    const v = (n: string) => value(fields, `item${i + 1}__${n}`);
    return present({
      month: legacySmallInt(v('month')),
      day: legacySmallInt(v('day')),
      name: v('name'),
      spec: v('spec'),
      quantity: legacyDecimal(v('qty')),
      unitPrice: legacyDecimal(v('unit_price')),
      supply: legacyAmount(v('supply_amt')),
      tax: legacyAmount(v('tax_amt')),
      remark: v('remark'),
    }) ?? {};
  });
}

function statement(fields: Fields): Obj | undefined {
  const v = (n: string) => value(fields, `detail__${n}`);
  const count = rowCount(fields, 'detail');
  const head = present({
    title: v('title'),
    memo: v('memo'),
    previousBalance: legacyAmount(v('prev_balance')),
    deposit: legacyAmount(v('deposit')),
    unpaid: legacyAmount(v('unpaid')),
    balance: legacyAmount(v('balance')),
  });
  if (!head && count === 0) return undefined;
  const rows = Array.from({ length: count }, (_, i) => {
    const r = (n: string) => value(fields, `detail${i + 1}__${n}`);
    return present({
      date: r('date'),
      name: r('name'),
      spec: r('spec'),
      unit: r('unit'),
      quantity: legacyDecimal(r('qty')),
      unitPrice: legacyDecimal(r('unit_price')),
      supply: legacyAmount(r('supply_amt')),
      tax: legacyAmount(r('tax_amt')),
      total: legacyAmount(r('total_amt')),
      remark: r('remark'),
    }) ?? {};
  });
  return { ...head, lines: rows };
}

function alimtalk(fields: Fields): Obj | undefined {
  const raw = value(fields, 'doc__alimtalk_yn');
  if (raw === undefined) return undefined;
  const upper = raw.toUpperCase();
  return { notify: upper === 'Y' ? true : upper === 'N' ? false : raw };
}

/** The REST-shaped (unvalidated) document of a legacy INSERT/UPDATE form. */
export function documentInputFromLegacyForm(fields: Record<string, string>): unknown {
  const remark = value(fields, 'doc__remark');
  const payments = present({
    cash: legacyAmount(value(fields, 'doc__cash_amt')),
    check: legacyAmount(value(fields, 'doc__check_amt')),
    note: legacyAmount(value(fields, 'doc__note_amt')),
    credit: legacyAmount(value(fields, 'doc__credit_amt')),
  });
  return present({
    ...kindAndTaxType(fields),
    trustee: trustee(fields),
    amendment: amendment(fields),
    purpose: code(value(fields, 'doc__purpose'), { '01': 'receipt', '02': 'claim' }),
    writeDate: value(fields, 'doc__write_date'),
    supplier: supplier(fields),
    buyer: buyer(fields),
    amounts: present({
      supply: legacyAmount(value(fields, 'doc__supply_amt')),
      tax: legacyAmount(value(fields, 'doc__tax_amt')),
      total: legacyAmount(value(fields, 'doc__total_amt')),
    }),
    payments,
    remarks: remark === undefined ? undefined : [remark],
    lines: lines(fields),
    statement: statement(fields),
    alimtalk: alimtalk(fields),
  }) ?? {};
}

const HEADER_FIELDS: Record<string, string> = {
  document: 'doc__doc_state',
  subkey: 'doc__subkey',
  kind: 'doc__doc_gubun',
  taxType: 'doc__tax_type',
  consignment: 'doc__tax_type',
  amendment: 'doc__modify_code',
  'amendment.reasonCode': 'doc__modify_code',
  'amendment.originalIssueId': 'doc__org_nts_no',
  purpose: 'doc__purpose',
  writeDate: 'doc__write_date',
  supplier: 'doc__sup_bizno',
  'supplier.bizno': 'doc__sup_bizno',
  'supplier.subBizno': 'doc__sup_sub_bizno',
  'supplier.name': 'doc__sup_name',
  'supplier.ceoName': 'doc__sup_ceo',
  'supplier.address': 'doc__sup_addr',
  'supplier.businessType': 'doc__sup_uptae',
  'supplier.businessItem': 'doc__sup_jongmok',
  'supplier.contact': 'doc__sup_manager',
  'supplier.contact.department': 'doc__sup_dept',
  'supplier.contact.name': 'doc__sup_manager',
  'supplier.contact.tel': 'doc__sup_tel',
  'supplier.contact.email': 'doc__sup_email',
  buyer: 'doc__buy_bizno',
  'buyer.idType': 'doc__buy_id_type',
  'buyer.id': 'doc__buy_bizno',
  'buyer.subBizno': 'doc__buy_sub_bizno',
  'buyer.name': 'doc__buy_name',
  'buyer.ceoName': 'doc__buy_ceo',
  'buyer.address': 'doc__buy_addr',
  'buyer.businessType': 'doc__buy_uptae',
  'buyer.businessItem': 'doc__buy_jongmok',
  'buyer.contacts': 'doc__buy_email1',
  trustee: 'doc__trust_bizno',
  'trustee.bizno': 'doc__trust_bizno',
  'trustee.name': 'doc__trust_name',
  'trustee.ceoName': 'doc__trust_ceo',
  'trustee.address': 'doc__trust_addr',
  'trustee.contact': 'doc__trust_email',
  'trustee.contact.email': 'doc__trust_email',
  remarks: 'doc__remark',
  amounts: 'doc__supply_amt',
  'amounts.supply': 'doc__supply_amt',
  'amounts.tax': 'doc__tax_amt',
  'amounts.total': 'doc__total_amt',
  payments: 'doc__cash_amt,doc__check_amt,doc__note_amt,doc__credit_amt',
  'payments.cash': 'doc__cash_amt',
  'payments.check': 'doc__check_amt',
  'payments.note': 'doc__note_amt',
  'payments.credit': 'doc__credit_amt',
  lines: 'item1__supply_amt',
  statement: 'detail__title',
  'statement.title': 'detail__title',
  'statement.memo': 'detail__memo',
  'statement.previousBalance': 'detail__prev_balance',
  'statement.deposit': 'detail__deposit',
  'statement.unpaid': 'detail__unpaid',
  'statement.balance': 'detail__balance',
  'statement.lines': 'detail1__date',
  alimtalk: 'doc__alimtalk_yn',
  'alimtalk.notify': 'doc__alimtalk_yn',
};

const CONTACT_FIELDS: Record<string, string> = { name: 'manager', department: 'dept', tel: 'tel', mobile: 'hp', email: 'email' };
const LINE_FIELDS: Record<string, string> = {
  month: 'month', day: 'day', name: 'name', spec: 'spec', quantity: 'qty', unitPrice: 'unit_price', supply: 'supply_amt', tax: 'tax_amt', remark: 'remark',
};
const STATEMENT_LINE_FIELDS: Record<string, string> = {
  date: 'date', name: 'name', spec: 'spec', unit: 'unit', quantity: 'qty', unitPrice: 'unit_price', supply: 'supply_amt', tax: 'tax_amt', total: 'total_amt', remark: 'remark',
};

/**
 * The legacy form field for a REST error path: `supplier.bizno` → `doc__sup_bizno`,
 * `lines[2].supply` → `item3__supply_amt`, `statement.lines[0].total` → `detail1__total_amt`,
 * `buyer.contacts[1].email` → `doc__buy_email2`, `remarks[0]` → `doc__remark`. A path without a legacy
 * counterpart maps to its nearest mapped parent, else is returned unchanged.
 */
export function legacyFieldName(restPath: string): string {
  const exact = HEADER_FIELDS[restPath];
  if (exact !== undefined) return exact;
  let m = /^lines\[(\d+)\](?:\.(\w+))?$/.exec(restPath);
  if (m) return `item${Number(m[1]) + 1}__${LINE_FIELDS[m[2] ?? 'supply'] ?? 'supply_amt'}`;
  m = /^statement\.lines\[(\d+)\](?:\.(\w+))?$/.exec(restPath);
  if (m) return `detail${Number(m[1]) + 1}__${STATEMENT_LINE_FIELDS[m[2] ?? 'date'] ?? 'date'}`;
  m = /^buyer\.contacts\[(\d+)\](?:\.(\w+))?$/.exec(restPath);
  if (m) return `doc__buy_${CONTACT_FIELDS[m[2] ?? 'name'] ?? 'manager'}${Number(m[1]) + 1}`;
  if (/^remarks\[\d+\]$/.test(restPath)) return 'doc__remark';
  const parent = restPath.replace(/(\.\w+|\[\d+\])$/, '');
  return parent !== restPath && parent !== '' ? legacyFieldName(parent) : restPath;
}

/** The same error naming the legacy field (the message is field-free: the legacy face composes the text). */
export function toLegacyFieldError(err: AppError): AppError {
  return renameField(err, legacyFieldName);
}
