/**
 * Korean labels of every document code, in one place for the PDF, the view page and the portal.
 */
import type {
  AmendmentReasonCode,
  BuyerIdType,
  DocumentInput,
  DocumentKind,
  NtsTypeClass,
  NtsTypeVariant,
  PaymentMean,
  Purpose,
  TaxType,
} from './model.ts';
import { typeCodeOf } from './type-code.ts';

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  tax_invoice: '세금계산서',
  invoice: '계산서',
};

/** Title of the printed form, e.g. 전자세금계산서 / 수정전자계산서. */
export function documentTitle(kind: DocumentKind, amended: boolean): string {
  return `${amended ? '수정' : ''}전자${DOCUMENT_KIND_LABELS[kind]}`;
}

export const TAX_TYPE_LABELS: Record<TaxType, string> = {
  regular: '일반',
  zero_rated: '영세율',
};

export const PURPOSE_LABELS: Record<Purpose, string> = {
  receipt: '영수',
  claim: '청구',
};

export const AMENDMENT_REASON_LABELS: Record<AmendmentReasonCode, string> = {
  '01': '기재사항의 착오·정정',
  '02': '공급가액 변동',
  '03': '환입',
  '04': '계약의 해제',
  '05': '내국신용장 사후개설',
  '06': '착오에 의한 이중발급 등',
};

export const BUYER_ID_TYPE_LABELS: Record<BuyerIdType, string> = {
  business: '사업자등록번호',
  resident: '주민등록번호',
  foreigner: '외국인',
};

export const PAYMENT_MEAN_LABELS: Record<PaymentMean, string> = {
  cash: '현금',
  check: '수표',
  note: '어음',
  credit: '외상미수금',
};

/** 분류 (TypeCode digits 1–2). */
export const TYPE_CLASS_LABELS: Record<NtsTypeClass, string> = {
  '01': '세금계산서',
  '02': '수정세금계산서',
  '03': '계산서',
  '04': '수정계산서',
};

/** 종류 (TypeCode digits 3–4). */
export const TYPE_VARIANT_LABELS: Record<NtsTypeVariant, string> = {
  '01': '일반',
  '02': '영세율',
  '03': '위수탁',
  '04': '수입',
  '05': '영세율위수탁',
  '06': '수입납부유예',
};

/** e.g. '0101' → '세금계산서(일반)', '0405' → '수정계산서(영세율위수탁)'; unknown codes are returned as is. */
export function typeCodeLabel(code: string): string {
  const cls = TYPE_CLASS_LABELS[code.slice(0, 2) as NtsTypeClass] as string | undefined;
  const variant = TYPE_VARIANT_LABELS[code.slice(2, 4) as NtsTypeVariant] as string | undefined;
  return cls && variant && code.length === 4 ? `${cls}(${variant})` : code;
}

/** The type label of a document, e.g. '수정세금계산서(위수탁)'. */
export function documentTypeLabel(doc: Pick<DocumentInput, 'kind' | 'taxType' | 'consignment' | 'amendment'>): string {
  return typeCodeLabel(typeCodeOf(doc));
}
