/**
 * NTS TypeCode (NTS.md §1.2): 2-digit 분류 (01 세금계산서, 02 수정세금계산서, 03 계산서, 04 수정계산서)
 * + 2-digit 종류 (01 일반, 02 영세율, 03 위수탁, 04 수입, 05 영세율위수탁, 06 수입납부유예).
 */
import type { DocumentInput, DocumentKind, NtsTypeClass, NtsTypeCode, NtsTypeVariant, TaxType } from './model.ts';

/**
 * Combinations an issuer may use (NTS.md §1.2). 계산서 has no 영세율 (0302/0305/0402/0405 are invalid).
 * 수입 (x04/x06) are issued by customs, never through us, so `typeCodeOf` never yields them, but the
 * parser accepts them as valid standard codes.
 */
export const VALID_TYPE_CODES: ReadonlySet<string> = new Set([
  '0101', '0102', '0103', '0104', '0105', '0106',
  '0201', '0202', '0203', '0204', '0205', '0206',
  '0301', '0303', '0304',
  '0401', '0403', '0404',
]);

/** The 분류 digits: amended or not × 세금계산서 or 계산서. */
export function typeClassOf(kind: DocumentKind, amended: boolean): NtsTypeClass {
  if (kind === 'tax_invoice') return amended ? '02' : '01';
  return amended ? '04' : '03';
}

/** The 종류 digits: 일반 01, 영세율 02, 위수탁 03, 영세율위수탁 05. */
export function typeVariantOf(taxType: TaxType, consignment: boolean): NtsTypeVariant {
  if (taxType === 'zero_rated') return consignment ? '05' : '02';
  return consignment ? '03' : '01';
}

/** The 4-digit NTS TypeCode of a document (e.g. '0101', '0203', '0401'). */
export function typeCodeOf(doc: Pick<DocumentInput, 'kind' | 'taxType' | 'consignment' | 'amendment'>): NtsTypeCode {
  return `${typeClassOf(doc.kind, doc.amendment !== undefined)}${typeVariantOf(doc.taxType, doc.consignment)}`;
}

export interface TypeCodeParts {
  kind: DocumentKind;
  amended: boolean;
  /** 'import' covers 수입 (04) and 수입납부유예 (06), which we never issue. */
  taxType: TaxType | 'import';
  consignment: boolean;
  /** 06 수입납부유예. */
  importDeferred: boolean;
}

/** True for the 18 valid standard combinations. */
export function isValidTypeCode(code: string): code is NtsTypeCode {
  return VALID_TYPE_CODES.has(code);
}

/** Split a TypeCode into its meaning; undefined when it is not a valid combination. */
export function parseTypeCode(code: string): TypeCodeParts | undefined {
  if (!isValidTypeCode(code)) return undefined;
  const cls = code.slice(0, 2);
  const variant = code.slice(2, 4);
  return {
    kind: cls === '01' || cls === '02' ? 'tax_invoice' : 'invoice',
    amended: cls === '02' || cls === '04',
    taxType: variant === '02' || variant === '05' ? 'zero_rated' : variant === '04' || variant === '06' ? 'import' : 'regular',
    consignment: variant === '03' || variant === '05',
    importDeferred: variant === '06',
  };
}
