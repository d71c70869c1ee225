/**
 * The document model: what a caller submits to issue a 세금계산서 / 계산서 (REST shape, camelCase),
 * plus the NTS code values derived from it. Pure types and constants — no I/O.
 *
 * - Validation: `validate-document.ts` (`validateDocument(input): DocumentInput`).
 * - NTS TypeCode derivation: `type-code.ts`. Korean labels for every code: `labels.ts`.
 * - Standard XML: `standard-xml.ts`. 승인번호: `issue-id.ts`.
 *
 * Money is integer won (JS number, safe integer); negative values appear on amendments (수정).
 * Quantities and unit prices are decimal strings with at most 2 decimals ("1", "-1", "12.5").
 */

/** 세금계산서 (VAT invoice) or 계산서 (VAT-exempt invoice). */
export const DOCUMENT_KINDS = ['tax_invoice', 'invoice'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** 일반 (10% VAT) or 영세율 (0%, exports etc.). 계산서 is always 'regular' (it has no 영세율 variant). */
export const TAX_TYPES = ['regular', 'zero_rated'] as const;
export type TaxType = (typeof TAX_TYPES)[number];

/** 영수 (already paid) / 청구 (payment claimed). NTS PurposeCode 01 / 02. */
export const PURPOSES = ['receipt', 'claim'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** 수정사유 = NTS AmendmentStatusCode (NTS.md §1.2): 01 착오정정 … 06 이중발급. */
export const AMENDMENT_REASON_CODES = ['01', '02', '03', '04', '05', '06'] as const;
export type AmendmentReasonCode = (typeof AMENDMENT_REASON_CODES)[number];

/** How the buyer is identified: 사업자등록번호, 주민등록번호 or 외국인 (NTS BusinessTypeCode 01/02/03). */
export const BUYER_ID_TYPES = ['business', 'resident', 'foreigner'] as const;
export type BuyerIdType = (typeof BUYER_ID_TYPES)[number];

/** Payment means in NTS order: 현금 10, 수표 20, 어음 30, 외상미수금 40. */
export const PAYMENT_MEANS = ['cash', 'check', 'note', 'credit'] as const;
export type PaymentMean = (typeof PAYMENT_MEANS)[number];

/** Limits of the standard (NTS.md §1.5) and of our service. */
export const DOCUMENT_LIMITS = {
  /** 비고 DescriptionText 0..3. */
  maxRemarks: 3,
  /** Line items per document (inferred ASP limit, NTS.md §1.5). */
  maxLines: 99,
  /** Buyer contacts: Primary + Secondary. */
  maxBuyerContacts: 2,
  /** Lines of an attached 거래명세서 (ours). */
  maxStatementLines: 99,
} as const;

/** 담당자 of the supplier or trustee (XML DefinedContact). */
export interface PartyContact {
  department?: string;
  name?: string;
  tel?: string;
  email?: string;
}

/** 담당자 of the buyer (XML Primary/SecondaryDefinedContact). `mobile` is ours (AlimTalk), not in the XML. */
export interface BuyerContact {
  name?: string;
  department?: string;
  tel?: string;
  mobile?: string;
  email?: string;
}

/** A party identified by a 사업자등록번호: the supplier (공급자) and the trustee (수탁자). */
export interface BusinessParty {
  /** 사업자등록번호, 10 digits without hyphens. */
  bizno: string;
  /** 종사업장번호, 4 digits. */
  subBizno?: string;
  /** 상호. */
  name: string;
  /** 대표자 성명. */
  ceoName: string;
  address?: string;
  /** 업태 (free text). */
  businessType?: string;
  /** 종목 (free text). */
  businessItem?: string;
  contact?: PartyContact;
}

export type SupplierParty = BusinessParty;
export type TrusteeParty = BusinessParty;

/** 공급받는자. */
export interface BuyerParty {
  idType: BuyerIdType;
  /** business: 10-digit 사업자등록번호; resident: 13-digit 주민등록번호; foreigner: '9999999999999'. */
  id: string;
  subBizno?: string;
  name: string;
  /** 대표자 성명; the XML falls back to `name` when absent (individuals). */
  ceoName?: string;
  address?: string;
  businessType?: string;
  businessItem?: string;
  /** Up to 2; contacts[0] is the mail recipient (담당자1), contacts[1] the cc (담당자2). */
  contacts?: BuyerContact[];
}

/** Present only on a 수정(세금)계산서. */
export interface Amendment {
  reasonCode: AmendmentReasonCode;
  /** 당초 승인번호, 24 digits. */
  originalIssueId: string;
}

export interface DocumentAmounts {
  /** 공급가액 합계. */
  supply: number;
  /** 세액 합계 (0 for 영세율 and 계산서). */
  tax: number;
  /** 합계금액 = supply + tax. */
  total: number;
}

/** 결제 방법별 금액. When any is non-zero they must add up to `amounts.total`. */
export type DocumentPayments = Partial<Record<PaymentMean, number>>;

/** 품목. */
export interface DocumentLine {
  /** Supply month 1–12; equals the write date's month. */
  month?: number;
  /** Supply day 1–31; a real day of the write date's year/month. */
  day?: number;
  name?: string;
  /** 규격. */
  spec?: string;
  /** 수량, decimal string, ≤ 2 decimals. */
  quantity?: string;
  /** 단가, decimal string, ≤ 2 decimals. */
  unitPrice?: string;
  supply: number;
  tax: number;
  remark?: string;
}

/** A line of the attached 거래명세서 (transaction statement; ours, not part of the NTS XML). */
export interface StatementLine {
  /** YYYYMMDD. */
  date: string;
  name: string;
  spec?: string;
  unit?: string;
  quantity?: string;
  unitPrice?: string;
  supply: number;
  tax: number;
  /** supply + tax. */
  total: number;
  remark?: string;
}

/** 거래명세서 attached to the document. */
export interface DocumentStatement {
  title?: string;
  memo?: string;
  /** 전잔금. */
  previousBalance?: number;
  /** 입금액. */
  deposit?: number;
  /** 미수금. */
  unpaid?: number;
  /** 잔액. */
  balance?: number;
  lines: StatementLine[];
}

/** What a caller submits (REST body; the legacy form is mapped to it). */
export interface DocumentInput {
  kind: DocumentKind;
  taxType: TaxType;
  /** 위수탁: issued by the trustee (수탁자) on behalf of the supplier. */
  consignment: boolean;
  /** Required iff `consignment`. */
  trustee?: TrusteeParty;
  amendment?: Amendment;
  purpose: Purpose;
  /** 작성일자 YYYYMMDD (the supply date). */
  writeDate: string;
  supplier: SupplierParty;
  buyer: BuyerParty;
  amounts: DocumentAmounts;
  payments?: DocumentPayments;
  /** 비고, 0..3 entries of ≤ 150 characters. */
  remarks?: string[];
  /** 품목, 1..99. */
  lines: DocumentLine[];
  statement?: DocumentStatement;
  alimtalk?: { notify: boolean };
}

// `documents.body` holds a validated DocumentInput: the row type says so (platform/db/schema.ts).
declare module '../../platform/db/schema.ts' {
  interface StoredDocumentBody extends DocumentInput {}
}

/** NTS TypeCode (4 digits: 분류 01–04 + 종류 01–06), see `type-code.ts`. */
export type NtsTypeCode = `${NtsTypeClass}${NtsTypeVariant}`;
/** 01 세금계산서, 02 수정세금계산서, 03 계산서, 04 수정계산서. */
export type NtsTypeClass = '01' | '02' | '03' | '04';
/** 01 일반, 02 영세율, 03 위수탁, 04 수입, 05 영세율위수탁, 06 수입납부유예. */
export type NtsTypeVariant = '01' | '02' | '03' | '04' | '05' | '06';

/** NTS PurposeCode per purpose. */
export const PURPOSE_CODES: Record<Purpose, '01' | '02'> = { receipt: '01', claim: '02' };

/** NTS InvoiceeParty/SpecifiedOrganization/BusinessTypeCode per buyer id type. */
export const BUYER_ID_TYPE_CODES: Record<BuyerIdType, '01' | '02' | '03'> = { business: '01', resident: '02', foreigner: '03' };

/** NTS SpecifiedPaymentMeans/TypeCode per payment mean. */
export const PAYMENT_MEAN_CODES: Record<PaymentMean, '10' | '20' | '30' | '40'> = { cash: '10', check: '20', note: '30', credit: '40' };

// The derived NTS TypeCode and the Korean labels live in their own files; re-exported here so that the
// model is the one import for the PDF / view / portal code.
export { typeCodeOf, parseTypeCode, isValidTypeCode, VALID_TYPE_CODES } from './type-code.ts';
export {
  AMENDMENT_REASON_LABELS,
  BUYER_ID_TYPE_LABELS,
  DOCUMENT_KIND_LABELS,
  PAYMENT_MEAN_LABELS,
  PURPOSE_LABELS,
  TAX_TYPE_LABELS,
  TYPE_CLASS_LABELS,
  TYPE_VARIANT_LABELS,
  documentTitle,
  documentTypeLabel,
  typeCodeLabel,
} from './labels.ts';
