/**
 * Maximum lengths in characters (Unicode code points). Invoice fields follow the standard (NTS.md §1.1,
 * OpenETaxBill Writer.cs); whether NTS counts bytes or characters is not public, we count characters.
 * Statement fields are ours (the 거래명세서 is not part of the NTS XML).
 */
export const FIELD_MAX_LENGTHS = {
  partyName: 70,
  ceoName: 30,
  businessType: 40,
  businessItem: 40,
  address: 150,
  contactDepartment: 40,
  contactName: 30,
  contactTel: 20,
  contactMobile: 20,
  email: 40,
  remark: 150,
  lineName: 100,
  lineSpec: 60,
  lineRemark: 100,
  statementTitle: 100,
  statementMemo: 500,
  statementUnit: 20,
} as const;

/** Integer digits allowed in a quantity / unit price (ours: fits numeric(17,2) and a JS double exactly). */
export const DECIMAL_MAX_INTEGER_DIGITS = 15;
/** Fraction digits allowed in a quantity / unit price (NTS.md §3.3, INV300/302). */
export const DECIMAL_MAX_FRACTION_DIGITS = 2;
