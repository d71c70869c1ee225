/**
 * One error type for the whole core. Every failure carries a stable string code; the faces map it to
 * an HTTP status (REST) or a legacy result code (.aspx).
 *
 * The field at fault travels apart from the message: `field` is a core path in the domain's camelCase
 * vocabulary (`loginId`, `supplier.bizno`, `lines[2].supply`) and `message` never names it. Each face
 * renames the path through its own table (`withFieldNames`) and composes its own text with
 * `composeMessage` ("doc__sup_bizno: …" on the legacy face, "supplier.bizno: …" on REST), so no face
 * ever edits a message string.
 */
import { isDatabaseUnavailable } from './db/database-unavailable.ts';

export interface ErrorKind {
  /** HTTP status on the REST face. */
  status: number;
  /** Result code on the legacy .aspx face (LEGACY-API.md). */
  legacy: string;
  /** What it means, "한국어 (English)": the row of docs/errors.md (generated from this table). */
  meaning: string;
}

/** The catalogue of stable codes. Add here, never inline. */
export const ERROR_KINDS = {
  field_required: { status: 400, legacy: '1001', meaning: '필수 항목이 없습니다 (a required field is missing)' },
  field_invalid: { status: 400, legacy: '1002', meaning: '형식이 올바르지 않습니다: 검증번호, 날짜, 정수, 길이, 패턴 (bad format: checksum, date, integer, length, pattern)' },
  unknown_command: { status: 400, legacy: '1003', meaning: '없는 페이지 또는 지원하지 않는 cmd입니다 (unknown page or `cmd`)' },
  credentials_mismatch: { status: 401, legacy: '2001', meaning: '사업자번호, 아이디 또는 비밀번호가 일치하지 않습니다 (business number, ID or password do not match)' },
  bizno_taken: { status: 409, legacy: '2002', meaning: '이미 가입된 사업자등록번호입니다 (business number already registered)' },
  login_id_taken: { status: 409, legacy: '2003', meaning: '이미 사용 중인 아이디입니다, 대소문자 구분 없음 (ID already in use, case-insensitive)' },
  subscription_not_found: { status: 404, legacy: '2004', meaning: '신청된 서비스가 없습니다 (no such subscription)' },
  svc_key_mismatch: { status: 401, legacy: '2005', meaning: '서비스키가 일치하지 않습니다 (`svc_key` / `X-Svc-Key` does not match)' },
  subscription_inactive: { status: 403, legacy: '2006', meaning: '만료, 정지 또는 해지된 서비스입니다 (subscription expired, suspended or terminated)' },
  usage_limit_exceeded: { status: 429, legacy: '2007', meaning: '서비스유닛 사용 한도를 넘었습니다 (service unit limit reached)' },
  package_not_found: { status: 404, legacy: '2008', meaning: '서비스패키지가 없거나 폐지되었습니다 (no such active package)' },
  unit_not_found: { status: 404, legacy: '2009', meaning: '서비스유닛이 없거나 패키지에 없습니다 (no such unit, or not in the package)' },
  document_not_found: { status: 404, legacy: '3001', meaning: '이 서비스에 그런 문서가 없습니다 (no such document in this subscription)' },
  document_state_conflict: { status: 409, legacy: '3002', meaning: '문서의 현재 상태에서는 할 수 없습니다 (not allowed in the document\'s state)' },
  amounts_mismatch: { status: 400, legacy: '3003', meaning: '금액 합계가 맞지 않습니다 (amounts do not add up)' },
  mail_failed: { status: 502, legacy: '3004', meaning: '메일을 보내지 못했습니다, 저장되었고 다시 시도합니다 (mail could not be sent; saved and retried)' },
  not_fileable: { status: 409, legacy: '3005', meaning: '발행 전이거나 이미 신고된 문서입니다 (not issued, or already filed)' },
  certificate_missing: { status: 409, legacy: '3006', meaning: '사용할 수 있는 인증서가 없습니다 (no valid certificate)' },
  certificate_invalid: { status: 400, legacy: '1002', meaning: '인증서, 개인키 또는 비밀번호를 사용할 수 없습니다 (certificate, key or password unusable)' },
  unauthenticated: { status: 401, legacy: '2005', meaning: '인증 정보가 없거나 틀립니다 (missing or wrong token, session or key)' },
  forbidden: { status: 403, legacy: '2006', meaning: '이 작업을 할 권한이 없습니다 (not allowed for this caller)' },
  idempotency_conflict: { status: 409, legacy: '3002', meaning: '같은 Idempotency-Key로 다른 요청을 보냈습니다 (`Idempotency-Key` reused with another request)' },
  rate_limited: { status: 429, legacy: '2007', meaning: '실패가 너무 많아 계정 또는 IP가 잠시 잠겼습니다 (too many failures: account or IP locked for a while)' },
  too_many_requests: { status: 429, legacy: '2007', meaning: '요청이 너무 많습니다: API Key, 세션 또는 IP별 요청 한도를 넘었습니다, Retry-After초 뒤에 다시 시도하세요 (request rate limit per API key, session or IP exceeded; retry after Retry-After seconds)' },
  api_key_invalid: { status: 401, legacy: '2005', meaning: '등록되지 않았거나 삭제 또는 재발급된 API Key입니다 (partner API key unknown, deleted or replaced by a reissue)' },
  api_key_disabled: { status: 403, legacy: '2006', meaning: '사용 중지(OFF)된 API Key입니다 (partner API key switched OFF)' },
  ip_not_allowed: { status: 403, legacy: '2006', meaning: '호출한 IP가 API Key의 허용 목록에 없습니다 (caller IP not on the key\'s allow-list, or the list is empty)' },
  partner_suspended: { status: 403, legacy: '2006', meaning: '파트너의 연동 API 서비스가 정지되었습니다 (the partner\'s API use is suspended)' },
  csrf_invalid: { status: 403, legacy: '2006', meaning: 'CSRF 토큰이 없거나 다른 사이트의 요청입니다 (portal request without the session\'s CSRF token, or from another site)' },
  // portal accounts and API access (were generic conflict / not_found: same status and legacy code)
  second_factor_already_on: { status: 409, legacy: '3002', meaning: '보안로그인이 이미 사용 중입니다 (secure login is already on)' },
  second_factor_not_started: { status: 409, legacy: '3002', meaning: '보안로그인 등록을 먼저 시작하세요 (start the secure login enrolment first)' },
  second_factor_off: { status: 409, legacy: '3002', meaning: '보안로그인을 사용하고 있지 않습니다 (secure login is off)' },
  already_company_member: { status: 409, legacy: '3002', meaning: '이미 기업회원입니다 (already a company member)' },
  conversion_already_open: { status: 409, legacy: '3002', meaning: '심사 중인 기업회원전환 신청이 있습니다 (a company conversion request is already pending)' },
  conversion_not_cancellable: { status: 409, legacy: '3002', meaning: '취소할 수 있는 기업회원전환 신청이 없습니다 (no pending conversion request to cancel)' },
  conversion_already_reviewed: { status: 409, legacy: '3002', meaning: '이미 처리된 기업회원전환 신청입니다 (the conversion request was already reviewed)' },
  conversion_not_found: { status: 404, legacy: '3001', meaning: '기업회원전환 신청이 없습니다 (no such conversion request)' },
  partner_cannot_withdraw: { status: 409, legacy: '3002', meaning: '파트너 회원은 탈퇴할 수 없습니다 (a partner member cannot withdraw)' },
  application_already_open: { status: 409, legacy: '3002', meaning: '이미 심사 중이거나 승인된 연동 API 신청이 있습니다 (an API service application is already open or approved)' },
  application_blocked: { status: 409, legacy: '3002', meaning: '지금은 연동 API를 신청할 수 없습니다 (an API service application cannot be made now)' },
  application_not_cancellable: { status: 409, legacy: '3002', meaning: '취소할 수 있는 신청이 없습니다 (only a pending application can be cancelled)' },
  application_not_under_review: { status: 409, legacy: '3002', meaning: '심사 중인 신청이 아닙니다 (the application is not under review)' },
  applicant_not_company: { status: 409, legacy: '3002', meaning: '신청자가 기업회원이 아닙니다 (the applicant is no longer a company member)' },
  application_not_found: { status: 404, legacy: '3001', meaning: '연동 API 신청이 없습니다 (no such application)' },
  application_document_not_found: { status: 404, legacy: '3001', meaning: '신청 서류가 없습니다 (no such application document)' },
  partner_not_found: { status: 404, legacy: '3001', meaning: '파트너가 없습니다 (no such partner)' },
  api_key_limit_reached: { status: 409, legacy: '3002', meaning: 'API Key를 더 발급할 수 없습니다 (API key limit reached: delete one first)' },
  api_key_not_found: { status: 404, legacy: '3001', meaning: 'API Key가 없습니다 (no such API key)' },
  api_key_ip_exists: { status: 409, legacy: '3002', meaning: '이미 등록된 IP입니다 (the IP is already on the key\'s list)' },
  api_key_ip_not_found: { status: 404, legacy: '3001', meaning: '등록되지 않은 IP입니다 (the IP is not on the key\'s list)' },
  unit_retire_refused: { status: 409, legacy: '3002', meaning: '기본 서비스유닛은 폐지할 수 없습니다 (the default unit cannot be retired)' },
  package_retire_refused: { status: 409, legacy: '3002', meaning: '기본 서비스패키지는 폐지할 수 없습니다 (the default package cannot be retired)' },
  member_not_found: { status: 404, legacy: '3001', meaning: '회원이 없습니다 (no such member)' },
  subkey_taken: { status: 409, legacy: '3002', meaning: 'subkey를 다른 문서가 사용 중입니다 (the subkey is used by another document)' },
  subkey_changed_concurrently: { status: 409, legacy: '3002', meaning: '같은 subkey의 문서가 동시에 변경되었습니다, 다시 시도하세요 (a document with this subkey changed concurrently; retry)' },
  // messaging: senders (sender numbers, Kakao channels)
  sender_number_not_found: { status: 404, legacy: '3001', meaning: '발신번호 등록이 없습니다 (no such sender number registration)' },
  sender_number_exists: { status: 409, legacy: '3002', meaning: '이미 심사 중이거나 승인된 발신번호입니다 (the number is already registered: pending or approved)' },
  sender_number_state_conflict: { status: 409, legacy: '3002', meaning: '발신번호 등록의 현재 상태에서는 할 수 없습니다, 심사는 심사 중인 등록만 (not allowed in the registration\'s state: only a pending one is reviewed)' },
  sender_number_not_registered: { status: 400, legacy: '1002', meaning: '등록, 승인된 발신번호가 아닙니다 (the sender number is not registered and approved for this partner: Telecommunications Business Act §84-2)' },
  proof_document_invalid: { status: 400, legacy: '1002', meaning: '증빙 서류는 5MB 이하의 PDF, JPEG, PNG 파일이어야 합니다 (the proof document must be a PDF, JPEG or PNG file of at most 5 MB)' },
  kakao_channel_not_found: { status: 404, legacy: '3001', meaning: '카카오 채널(발신 프로필)이 없습니다 (no such Kakao channel)' },
  kakao_channel_exists: { status: 409, legacy: '3002', meaning: '이미 등록한 카카오 채널입니다 (the Kakao channel is already registered by this partner)' },
  kakao_channel_state_conflict: { status: 409, legacy: '3002', meaning: '카카오 채널의 현재 상태에서는 할 수 없습니다 (not allowed in the Kakao channel\'s state)' },
  kakao_channel_refused: { status: 400, legacy: '1002', meaning: '카카오가 채널 등록을 거절했습니다: 채널 검색용 아이디, 관리자 휴대폰 번호 확인 (Kakao refused the channel: check the search ID and the admin phone)' },
  kakao_token_mismatch: { status: 400, legacy: '1002', meaning: '인증 토큰이 일치하지 않습니다 (the token does not match the one sent to the admin\'s KakaoTalk)' },
  kakao_token_expired: { status: 400, legacy: '1002', meaning: '인증 토큰이 만료되었습니다, 토큰을 다시 요청하세요 (the token expired: request a new token)' },
  kakao_token_attempts_exceeded: { status: 429, legacy: '2007', meaning: '토큰 입력 횟수를 넘었습니다, 토큰을 다시 요청하세요 (too many wrong tokens: request a new token)' },
  kakao_unavailable: { status: 502, legacy: '9999', meaning: '카카오에 연결할 수 없습니다, 변경된 내용은 없습니다 (Kakao cannot be reached; nothing was changed)' },
  // AlimTalk templates (messaging, docs/messaging.md "Templates")
  template_not_found: { status: 404, legacy: '3001', meaning: '알림톡 템플릿이 없습니다 (no such AlimTalk template)' },
  template_not_approved: { status: 409, legacy: '3002', meaning: '승인(APR)되지 않은 알림톡 템플릿입니다, 승인된 템플릿만 발송할 수 있습니다 (the AlimTalk template is not approved; only APR templates send)' },
  template_dormant: { status: 409, legacy: '3002', meaning: '1년 동안 발송하지 않아 휴면 상태인 알림톡 템플릿입니다 (the AlimTalk template is dormant: no send for a year)' },
  template_code_taken: { status: 409, legacy: '3002', meaning: '이 카카오 채널에 같은 코드의 템플릿이 있습니다 (the Kakao channel already has a template with this code)' },
  template_state_conflict: { status: 409, legacy: '3002', meaning: '템플릿의 검수 상태에서는 할 수 없습니다: 수정은 REG/REJ, 검수 요청은 REG/REJ, 승인·반려는 REQ (not allowed in the template\'s review state: edit and submit from REG/REJ, approve and reject from REQ)' },
  template_delete_refused: { status: 409, legacy: '3002', meaning: '승인되었거나 발송에 사용된 템플릿은 삭제할 수 없습니다 (an approved or used template cannot be deleted)' },
  template_channel_unusable: { status: 400, legacy: '1002', meaning: '템플릿의 채널이 내 활성 카카오 채널이 아닙니다 (the template\'s channel is not one of your active Kakao channels)' },
  // messaging: sending (docs/messaging.md "Sending")
  message_text_too_long: { status: 400, legacy: '1002', meaning: '메시지가 길이 제한을 넘었습니다: SMS 90바이트, LMS/MMS 2,000바이트, 제목 40바이트 (EUC-KR), 카카오 1,000자 (message too long: SMS 90 bytes, LMS/MMS 2,000, subject 40 in EUC-KR; Kakao 1,000 characters)' },
  message_charset: { status: 400, legacy: '1002', meaning: 'EUC-KR 완성형(KS X 1001)으로 보낼 수 없는 문자가 있습니다, 이모지 등 (a character EUC-KR, KS X 1001, cannot hold, e.g. an emoji)' },
  message_image_invalid: { status: 400, legacy: '1002', meaning: '이미지는 300KB 이하, 1000×1000px 이하의 JPEG여야 합니다 (the image must be a JPEG of at most 300 KB and 1000×1000 px)' },
  message_ad_rules: { status: 400, legacy: '1002', meaning: '광고 메시지는 "(광고)" 표기로 시작하고 080 무료수신거부 번호를 담아야 합니다 (an advertisement starts with the ad mark and carries a free 080 opt-out number)' },
  message_ad_night: { status: 400, legacy: '1002', meaning: '야간에는 광고를 보낼 수 없습니다: 카카오 20:50~08:00, 문자 21:00~08:00 KST (no advertisements at night: Kakao 20:50–08:00, SMS 21:00–08:00 KST; or adNight "hold")' },
  template_text_mismatch: { status: 400, legacy: '1002', meaning: '메시지가 승인된 템플릿과 일치하지 않습니다, 카카오 결과 3016 (the text does not match the approved template: Kakao result 3016)' },
  recipients_invalid: { status: 400, legacy: '1002', meaning: '수신자 오류가 있어 요청을 받지 않았습니다, details.errors에 수신자별 오류 (recipient errors: nothing accepted; details.errors lists them)' },
  message_unit_limit: { status: 429, legacy: '2007', meaning: '이번 달 메시지 유형별 서비스유닛 한도를 넘습니다, 저장된 것 없음 (the message type\'s monthly unit limit would be exceeded; nothing stored)' },
  message_channel_unusable: { status: 400, legacy: '1002', meaning: '사용 중(active)인 내 카카오 채널이 아닙니다 (not one of your active Kakao channels)' },
  message_batch_not_found: { status: 404, legacy: '3001', meaning: '메시지 요청(배치)이 없습니다 (no such message batch)' },
  reservation_not_found: { status: 404, legacy: '3001', meaning: '예약이 없습니다 (no such reservation)' },
  reservation_not_cancellable: { status: 409, legacy: '3002', meaning: '예약 시각 10분 전부터는, 또는 이미 발송되었거나 취소된 예약은 취소할 수 없습니다 (a reservation is cancelled only until 10 minutes before its time, and only while reserved)' },
  // message history (messaging, docs/messaging.md "History")
  message_history_not_final: { status: 409, legacy: '3002', meaning: '예약 중이거나 발송 중인 내역은 삭제할 수 없습니다: 예약은 먼저 취소하고, 발송 중인 건은 결과를 기다리세요 (a reserved or still sending batch cannot be deleted: cancel the reservation first, or wait for its results)' },
  message_history_unconfirmed: { status: 400, legacy: '1001', meaning: '전체삭제는 복구할 수 없어 확인(confirm: true)이 필요합니다 (deleting all needs confirm: true; there is no recovery)' },
  // bills (docs/settlement.md "Bills, adjustments and pages")
  bill_not_found: { status: 404, legacy: '3001', meaning: '청구서가 없습니다, 다른 파트너의 주문번호 포함 (no such bill, or another partner\'s order number)' },
  bill_adjustment_refused: { status: 409, legacy: '3002', meaning: '청구서를 지금 조정할 수 없습니다: 세금계산서에 승인번호가 없거나 다른 조정이 먼저 처리됨 (the bill cannot be adjusted now: its tax invoice has no approval number, or another adjustment came first)' },
  // settlement: the bank (docs/settlement.md "Bank")
  bank_unavailable: { status: 502, legacy: '9999', meaning: '은행에 연결할 수 없습니다, 변경된 내용은 없습니다 (the bank cannot be reached; nothing was changed)' },
  bank_refused: { status: 400, legacy: '1002', meaning: '은행이 요청을 거절했습니다: 은행 코드, 계좌번호, 예금주 확인 (the bank refused the request: check the bank code, account number and holder)' },
  cms_consent_required: { status: 400, legacy: '1002', meaning: '출금 동의가 있어야 추심(CMS 자동이체)을 등록할 수 있습니다 (prior withdrawal consent is required for CMS direct debit: Electronic Financial Transactions Act §15)' },
  // member web: counterparty book and Excel bulk issue (docs/member-web.md "Write, certificate, 대량발행")
  counterparty_not_found: { status: 404, legacy: '3001', meaning: '거래처가 없습니다 (no such counterparty in this subscription)' },
  bulk_upload_not_found: { status: 404, legacy: '3001', meaning: '대량발행 업로드가 없습니다 (no such bulk upload in this subscription)' },
  document_batch_not_found: { status: 404, legacy: '3001', meaning: '대량 발행 요청(document batch)이 없습니다, 다른 서비스의 요청 포함 (no such document batch in this subscription)' },
  // 발행취소 and 역발행 (docs/documents.md "발행취소, 역발행, 승인/거부 알림")
  document_already_filed: { status: 409, legacy: '3005', meaning: '국세청에 전송된 문서는 발행취소할 수 없습니다, 수정세금계산서를 발행하세요 (sent to the NTS: cannot be cancelled; issue an amended invoice)' },
  reverse_request_not_found: { status: 404, legacy: '3001', meaning: '역발행 요청이 없습니다 (no such reverse-issuance request for this caller)' },
  reverse_request_state_conflict: { status: 409, legacy: '3002', meaning: '역발행 요청의 현재 상태에서는 할 수 없습니다, 요청 중인 것만 발행, 거부, 철회 (not allowed in the request\'s state: only a requested one is issued, refused or withdrawn)' },
  route_not_found: { status: 404, legacy: '3001', meaning: '없는 경로입니다 (no such route)' },
  method_not_allowed: { status: 405, legacy: '1003', meaning: '이 경로에서 지원하지 않는 메서드입니다 (method not allowed on this route)' },
  request_invalid: { status: 400, legacy: '1002', meaning: '요청을 처리할 수 없습니다 (the request cannot be processed)' },
  body_too_large: { status: 413, legacy: '1002', meaning: '요청 본문이 너무 큽니다 (request body too large)' },
  media_type_unsupported: { status: 415, legacy: '1002', meaning: '지원하지 않는 Content-Type입니다 (unsupported media type)' },
  internal: { status: 500, legacy: '9999', meaning: '시스템 오류입니다, 변경된 내용은 없습니다 (system error; nothing was changed)' },
  database_unavailable: { status: 503, legacy: '9999', meaning: '데이터베이스에 잠시 연결할 수 없습니다, Retry-After 후에 같은 Idempotency-Key로 다시 시도하세요 (the database cannot be reached for the moment: retry after Retry-After, with the same Idempotency-Key)' },
  billing_period_open: { status: 409, legacy: '3002', meaning: '아직 끝나지 않은 기간은 청구할 수 없습니다 (the period has not ended yet: a month is billed after it)' },
  // webhooks (docs/webhooks.md)
  webhook_url_refused: { status: 400, legacy: '1002', meaning: '웹훅 URL은 https여야 하고 사설, 루프백, 링크로컬 등 내부 주소일 수 없습니다 (a webhook URL must be https and not an internal address: private, loopback, link-local …)' },
  webhook_endpoint_not_found: { status: 404, legacy: '3001', meaning: '웹훅 엔드포인트가 없습니다 (no such webhook endpoint for this partner)' },
  webhook_endpoint_limit_reached: { status: 409, legacy: '3002', meaning: '웹훅 엔드포인트는 파트너당 10개까지입니다, 하나를 먼저 삭제하세요 (at most 10 webhook endpoints per partner: delete one first)' },
  webhook_delivery_not_found: { status: 404, legacy: '3001', meaning: '웹훅 전송 내역이 없습니다 (no such delivery of this endpoint)' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  get status(): number {
    return ERROR_KINDS[this.code].status;
  }

  get legacyCode(): string {
    return ERROR_KINDS[this.code].legacy;
  }

  /** The same failure naming `field` (a face's name for the core path); code, message and details unchanged. */
  withField(field: string): AppError {
    return new AppError(this.code, this.message, { field, details: this.details, cause: this });
  }
}

/** The text a face shows: `"<field>: <message>"` with the face's name of the field, or the bare message. */
export function composeMessage(err: AppError, field: string | undefined = err.field): string {
  return field === undefined || field === '' ? err.message : `${field}: ${err.message}`;
}

/**
 * A face's names for core field paths: one table per module (core path → face name), or a function for
 * patterned paths (`lines[2].supply` → `item3__supply_amt`). A path the table does not know keeps its name.
 */
export type FieldNames = Readonly<Record<string, string>> | ((coreField: string) => string | undefined);

/** `err` naming its field in the face's vocabulary (anything else is returned as it is). */
export function renameField<E>(err: E, names: FieldNames): E | AppError {
  if (!(err instanceof AppError) || err.field === undefined) return err;
  const name = typeof names === 'function' ? names(err.field) : Object.hasOwn(names, err.field) ? names[err.field] : undefined;
  return name === undefined || name === err.field ? err : err.withField(name);
}

/** Run a use case; an AppError it throws names its field through `names`. */
export async function withFieldNames<T>(names: FieldNames, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw renameField(err, names);
  }
}

/** A required field is missing (the message does not name it: the face composes the name). */
export function requiredError(field: string, label?: string): AppError {
  return new AppError('field_required', `${label ? `${label}은(는) ` : ''}필수 항목입니다 (required)`, { field });
}

/** A field has a bad value: `expected` says what is expected, without naming the field. */
export function invalidError(field: string, expected: string): AppError {
  return new AppError('field_invalid', expected, { field });
}

/** What a 503 database_unavailable asks the client to wait: a restart or failover of PostgreSQL takes seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Wrap anything thrown into an AppError; the database out of reach becomes `database_unavailable` (503), other unknown failures `internal`, without leaking details. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError('database_unavailable', '데이터베이스에 잠시 연결할 수 없습니다, 잠시 후 다시 시도하세요 (the database cannot be reached for the moment; retry shortly)', { cause: err, details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS } });
  }
  return new AppError('internal', '시스템 오류가 발생했습니다. 변경된 내용은 없습니다 (system error, nothing was changed)', { cause: err });
}
