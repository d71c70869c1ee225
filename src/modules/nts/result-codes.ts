/**
 * NTS result codes. The real NTS list is not public (NTS.md §3.7): `SUC001` (success) and `SYN003` (treated
 * as success by OpenETaxBill) are from public code; everything else is our own NTS-like table, answered by the
 * shipped simulator and documented in docs/nts.md. `HBL…` codes are Hanbill's own, for failures before or
 * outside the NTS (no certificate, refused package).
 */

export interface ResultCode {
  code: string;
  /** Per invoice (ResultStatusCode) or per package / message (FailReasonStatusCode, SOAP Fault detail). */
  scope: 'invoice' | 'package' | 'local';
  success: boolean;
  ko: string;
  en: string;
}

const table: ResultCode[] = [
  // success
  { code: 'SUC001', scope: 'invoice', success: true, ko: '정상 접수', en: 'accepted' },
  { code: 'SYN003', scope: 'invoice', success: true, ko: '이미 접수된 승인번호 (중복 전송, 정상 처리)', en: 'already registered: duplicate transmission, treated as success' },
  // syntax / structure (NTS.md §1)
  { code: 'SYN001', scope: 'invoice', success: false, ko: 'XML 형식 오류 (루트/네임스페이스/인코딩)', en: 'not a well-formed standard TaxInvoice XML (root, namespace, encoding)' },
  { code: 'SYN002', scope: 'invoice', success: false, ko: '필수 항목 누락', en: 'a required element is missing' },
  { code: 'SYN004', scope: 'invoice', success: false, ko: '요소 순서 또는 구조 오류', en: 'unknown, misplaced or repeated element (element order of the standard)' },
  { code: 'SYN005', scope: 'invoice', success: false, ko: '항목 길이 또는 형식 오류', en: 'a value is too long or malformed (dates, codes, numbers)' },
  // signature, certificate, identity (NTS.md §2)
  { code: 'SIG001', scope: 'invoice', success: false, ko: '전자서명 없음 또는 서명 구조 오류', en: 'no signature, or not the NTS signature profile' },
  { code: 'SIG002', scope: 'invoice', success: false, ko: '전자서명 검증 실패 (서명 후 변경)', en: 'signature does not verify (content changed after signing)' },
  { code: 'SIG003', scope: 'invoice', success: false, ko: '서명 시점에 유효하지 않은 인증서', en: 'certificate not valid at the signing time' },
  { code: 'SIG004', scope: 'invoice', success: false, ko: '인증서 본인확인(VID) 불일치: 공급자(수탁자) 사업자등록번호의 인증서가 아님', en: "VID mismatch: the certificate does not belong to the invoicer's (broker's) business number" },
  { code: 'SIG005', scope: 'invoice', success: false, ko: 'R값(SignerRvalue) 없음', en: 'SignerRvalue (R) missing' },
  { code: 'SIG006', scope: 'invoice', success: false, ko: '2048비트 미만 키로 서명', en: 'signed with a key shorter than 2048 bits' },
  // approval number
  { code: 'BIZ001', scope: 'invoice', success: false, ko: '승인번호 형식 오류 (24자리, 앞 8자리 = 작성일자)', en: 'IssueID malformed (24 digits, first 8 = write date)' },
  { code: 'BIZ002', scope: 'invoice', success: false, ko: '승인번호의 등록번호가 전송 사업자와 다름', en: "IssueID registration number is not the submitting system's" },
  { code: 'DUP001', scope: 'invoice', success: false, ko: '다른 공급자가 이미 사용한 승인번호', en: 'IssueID already registered for another invoicer' },
  // business rules (NTS.md §3)
  { code: 'BIZ003', scope: 'invoice', success: false, ko: '사업자등록번호/주민등록번호 오류', en: 'business or resident registration number invalid' },
  { code: 'BIZ004', scope: 'invoice', success: false, ko: '세금계산서 종류코드 오류', en: 'TypeCode is not a valid combination (or 수입 type from an ASP)' },
  { code: 'BIZ005', scope: 'invoice', success: false, ko: '수정사유/당초승인번호 오류', en: 'amendment: reason / original IssueID missing, not allowed, unknown, or of another invoicer or kind' },
  { code: 'BIZ006', scope: 'invoice', success: false, ko: '영수/청구 구분 오류', en: 'PurposeCode missing or not 01/02' },
  { code: 'BIZ007', scope: 'invoice', success: false, ko: '공급받는자 구분/번호 길이 오류', en: 'invoicee BusinessTypeCode and ID length disagree' },
  { code: 'BIZ008', scope: 'invoice', success: false, ko: '수탁자 정보 오류 (위수탁 여부와 불일치)', en: 'BrokerParty required for consignment types (xx03/xx05) and forbidden otherwise' },
  { code: 'BIZ009', scope: 'invoice', success: false, ko: '작성일자 오류 (미래 날짜)', en: 'write date is in the future' },
  { code: 'BIZ010', scope: 'invoice', success: false, ko: '합계금액 ≠ 공급가액 + 세액', en: 'GrandTotalAmount ≠ ChargeTotalAmount + TaxTotalAmount' },
  { code: 'BIZ011', scope: 'invoice', success: false, ko: '공급가액 합계 ≠ 품목 공급가액의 합', en: 'ChargeTotalAmount ≠ sum of line InvoiceAmount' },
  { code: 'BIZ012', scope: 'invoice', success: false, ko: '세액 합계 ≠ 품목 세액의 합', en: 'TaxTotalAmount ≠ sum of line CalculatedAmount' },
  { code: 'BIZ013', scope: 'invoice', success: false, ko: '금액은 원 단위 정수여야 함', en: 'amounts must be whole won' },
  { code: 'BIZ014', scope: 'invoice', success: false, ko: '세액 규칙 위반 (계산서·영세율은 0, 일반 세금계산서는 0이 아님)', en: 'tax rule: 0 for 계산서 / 영세율, not 0 for a regular tax invoice' },
  { code: 'BIZ015', scope: 'invoice', success: false, ko: '결제수단별 금액의 합 ≠ 합계금액', en: 'sum of SpecifiedPaymentMeans ≠ GrandTotalAmount' },
  { code: 'BIZ016', scope: 'invoice', success: false, ko: '수량/단가는 소수점 2자리까지', en: 'quantity / unit price: at most 2 decimals' },
  // package and message level (sync ack TypeCode 02, or SOAP Fault)
  { code: 'MSG001', scope: 'package', success: false, ko: 'SOAP/MIME 메시지 형식 오류', en: 'malformed SOAP / MIME message' },
  { code: 'MSG002', scope: 'package', success: false, ko: 'WS-Security 서명 검증 실패', en: 'WS-Security signature invalid' },
  { code: 'MSG003', scope: 'package', success: false, ko: '등록되지 않은 전송 사업자 (SubmitID 등록번호)', en: 'unknown submitting system (SubmitID registration number)' },
  { code: 'MSG404', scope: 'package', success: false, ko: '접수 내역 없음 (RefSubmitID)', en: 'no such submission (RefSubmitID)' },
  { code: 'PKG001', scope: 'package', success: false, ko: '패키지 복호화 실패 (국세청 인증서 불일치)', en: 'the package cannot be decrypted (not encrypted for the NTS certificate)' },
  { code: 'PKG002', scope: 'package', success: false, ko: '패키지 형식 오류 또는 건수 불일치', en: 'TaxInvoicePackage malformed or TotalCount mismatch' },
  { code: 'PKG003', scope: 'package', success: false, ko: '한 번에 100건 초과', en: 'more than 100 invoices in one submission' },
  { code: 'DUP002', scope: 'package', success: false, ko: '같은 SubmitID로 다른 내용 전송', en: 'SubmitID reused with different content' },
  // Hanbill's own
  { code: 'HBL001', scope: 'local', success: false, ko: '서명용 인증서가 없거나 유효하지 않음 (인증서를 등록한 뒤 다시 신고하세요)', en: 'no valid signing certificate: upload one and file again' },
  { code: 'HBL002', scope: 'local', success: false, ko: '표준 XML 생성 또는 서명 실패', en: 'the standard XML could not be built or signed' },
  { code: 'HBL003', scope: 'local', success: false, ko: '국세청이 처리 완료를 알렸으나 이 건의 결과가 없음', en: 'the NTS finished the package without a result for this invoice' },
  { code: 'HBL004', scope: 'local', success: false, ko: '전송 전에 발행취소되어 신고를 철회함', en: 'filing withdrawn: the document was cancelled before it was sent' },
];

export const RESULT_CODES: ReadonlyMap<string, ResultCode> = new Map(table.map((c) => [c.code, c]));

export const SUCCESS_CODES: ReadonlySet<string> = new Set(table.filter((c) => c.success).map((c) => c.code));

export function isSuccessCode(code: string): boolean {
  return SUCCESS_CODES.has(code);
}

/** "Korean (English)" for a code; unknown codes are named as such. */
export function resultMessage(code: string): string {
  const c = RESULT_CODES.get(code);
  return c ? `${c.ko} (${c.en})` : `국세청 결과코드 ${code} (NTS result code ${code})`;
}

export function allResultCodes(): readonly ResultCode[] {
  return table;
}
