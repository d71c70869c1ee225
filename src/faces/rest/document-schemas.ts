/**
 * The REST schemas of a document: what a caller submits (`DocumentIn`, the `document` of a write body) and
 * what it gets back (`DocumentOut`, $id `Document`). They mirror `modules/documents/model.ts` `DocumentInput`
 * and describe every field in Korean and English, so /openapi.json and /docs show the real document.
 *
 * The core (`validate-document.ts` over `input-reader.ts`) still validates and normalizes every document,
 * and its errors name the field with a better message than a schema can, so the input schema only *types*
 * what the core accepts and never refuses more:
 * - optional fields take `null` too (the core reads null, like "", as absent);
 * - no length or format limits beyond those the route had before (the core trims before it counts, and
 *   answers "at most N characters" naming the field); limits are in the descriptions instead;
 * - choices the core reads leniently (`buyer.idType`, trimmed) are described, not enumerated;
 * - texts the core requires are optional here (a foreigner's `buyer.id` may even be absent): the core answers
 *   "required" naming the field, where a schema would answer "must be string" for a null;
 * - unknown properties are allowed, as before: the core ignores them and stores only what it read.
 * The output schema is the normalized stored form (`DocumentInput` after validation): no nulls, decimals as
 * strings. It also decides what is serialized, so every stored field must be declared here.
 */
import { Type, type TSchema } from 'typebox';
import { AMENDMENT_REASON_CODES, BUYER_ID_TYPES, DOCUMENT_KINDS, PURPOSES, TAX_TYPES } from '../../modules/documents/model.ts';
import { DECIMAL_MAX_FRACTION_DIGITS, FIELD_MAX_LENGTHS as MAX } from '../../modules/documents/field-limits.ts';

/** Submitted (`in`: lenient, nullable) or stored (`out`: normalized). */
type Mode = 'in' | 'out';

/** An optional field: absent, or (on input) null, which the core reads as absent. */
function optional<T extends TSchema>(mode: Mode, schema: T, description: string) {
  return Type.Optional(mode === 'in' ? Type.Union([schema, Type.Null()], { description }) : ({ ...schema, description } as T));
}
const text = (mode: Mode, description: string) => optional(mode, Type.String(), description);
const money = (description: string) => Type.Integer({ description: `${description}; KRW integer (원 단위 정수)` });
const optionalMoney = (mode: Mode, description: string) => optional(mode, Type.Integer(), `${description}; KRW integer (원 단위 정수)`);
/** Quantity / unit price: a decimal string (a JSON number is accepted on input and stored as a string). */
const decimal = (mode: Mode, description: string) =>
  optional(mode, mode === 'in' ? Type.Union([Type.String(), Type.Number()]) : Type.String(), `${description}; decimal with at most ${DECIMAL_MAX_FRACTION_DIGITS} decimals (소수점 이하 ${DECIMAL_MAX_FRACTION_DIGITS}자리까지), e.g. "12.5"`);
const max = (n: number) => `최대 ${n}자 (at most ${n} characters)`;

function partyContact(mode: Mode, role: string) {
  return Type.Object(
    {
      department: text(mode, `담당 부서 (department); ${max(MAX.contactDepartment)}`),
      name: text(mode, `담당자명 (contact name); ${max(MAX.contactName)}`),
      tel: text(mode, `전화번호 (telephone); ${max(MAX.contactTel)}`),
      email: text(mode, `이메일 (e-mail); ${max(MAX.email)}`),
    },
    { description: `${role} 담당자 (contact person)` },
  );
}

function buyerContact(mode: Mode) {
  return Type.Object(
    {
      name: text(mode, `이름 (name); ${max(MAX.contactName)}`),
      department: text(mode, `부서 (department); ${max(MAX.contactDepartment)}`),
      tel: text(mode, `전화번호 (telephone); ${max(MAX.contactTel)}`),
      mobile: text(mode, `휴대전화, 알림톡 수신 (mobile phone, for AlimTalk); ${max(MAX.contactMobile)}`),
      email: text(mode, `이메일: 담당자1은 메일 수신, 담당자2는 참조 (e-mail: contact 1 receives the mail, contact 2 a copy); ${max(MAX.email)}`),
    },
    { description: '공급받는자 담당자 (buyer contact)' },
  );
}

/** The supplier (공급자) and the trustee (수탁자): parties identified by a 사업자등록번호. */
function businessParty(mode: Mode, role: string, english: string, extra: string) {
  const required = mode === 'out';
  return Type.Object(
    {
      bizno: required
        ? Type.String({ description: '사업자등록번호, 숫자 10자리 (business registration number, 10 digits)' })
        : text(mode, '사업자등록번호, 숫자 10자리, 하이픈 허용 (business registration number, 10 digits, hyphens allowed)'),
      subBizno: text(mode, '종사업장번호, 숫자 4자리 (sub-business place number, 4 digits)'),
      name: required ? Type.String({ description: `상호 (company name); ${max(MAX.partyName)}` }) : text(mode, `상호 (company name); ${max(MAX.partyName)}`),
      ceoName: required ? Type.String({ description: `대표자 성명 (CEO name); ${max(MAX.ceoName)}` }) : text(mode, `대표자 성명 (CEO name); ${max(MAX.ceoName)}`),
      address: text(mode, `주소 (address); ${max(MAX.address)}`),
      businessType: text(mode, `업태 (type of business); ${max(MAX.businessType)}`),
      businessItem: text(mode, `종목 (business item); ${max(MAX.businessItem)}`),
      contact: mode === 'in' ? Type.Optional(Type.Union([partyContact(mode, role), Type.Null()])) : Type.Optional(partyContact(mode, role)),
    },
    { description: `${role} (${english}). ${extra}` },
  );
}

function buyer(mode: Mode) {
  const idDescription = '등록번호: business는 사업자등록번호 10자리, resident는 주민등록번호 13자리, foreigner는 9999999999999 (id: 10-digit business number, 13-digit resident number, or 9999999999999 for a foreigner)';
  const idTypeDescription = `등록번호 구분: ${BUYER_ID_TYPES.join(', ')} (사업자 / 주민등록번호 / 외국인); 기본값 business (how the buyer is identified; default business)`;
  return Type.Object(
    {
      idType: mode === 'in' ? text(mode, idTypeDescription) : Type.String({ enum: [...BUYER_ID_TYPES], description: idTypeDescription }),
      // on input both may be absent: a foreigner's id defaults to 9999999999999, and the core names a missing name
      id: mode === 'in' ? text(mode, `${idDescription}; 외국인은 생략 가능 (may be omitted for a foreigner)`) : Type.String({ description: idDescription }),
      subBizno: text(mode, '종사업장번호, 숫자 4자리 (sub-business place number, 4 digits)'),
      name: mode === 'in' ? text(mode, `상호 또는 성명, 필수 (company or person name, required); ${max(MAX.partyName)}`) : Type.String({ description: `상호 또는 성명 (company or person name); ${max(MAX.partyName)}` }),
      ceoName: text(mode, `대표자 성명, 없으면 상호 (CEO name; the name when absent); ${max(MAX.ceoName)}`),
      address: text(mode, `주소 (address); ${max(MAX.address)}`),
      businessType: text(mode, `업태 (type of business); ${max(MAX.businessType)}`),
      businessItem: text(mode, `종목 (business item); ${max(MAX.businessItem)}`),
      contacts: optional(mode, Type.Array(buyerContact(mode)), '담당자 0~2명: 담당자1은 메일 수신자, 담당자2는 참조 (0 to 2 contacts: the first receives the mail, the second a copy)'),
    },
    { description: '공급받는자 (buyer)' },
  );
}

function line(mode: Mode) {
  return Type.Object(
    {
      month: optional(mode, Type.Integer(), '공급 월 1~12, 작성일자의 월 (supply month 1–12, the write date’s month)'),
      day: optional(mode, Type.Integer(), '공급 일 1~31, 작성일자 달의 실제 날짜 (supply day, a real day of the write date’s month)'),
      name: text(mode, `품명 (item name); ${max(MAX.lineName)}`),
      spec: text(mode, `규격 (specification); ${max(MAX.lineSpec)}`),
      quantity: decimal(mode, '수량 (quantity)'),
      unitPrice: decimal(mode, '단가 (unit price)'),
      supply: money('공급가액 (supply amount)'),
      tax: money('세액 (tax amount)'),
      remark: text(mode, `비고 (remark); ${max(MAX.lineRemark)}`),
    },
    { description: '품목 (line item)' },
  );
}

function statementLine(mode: Mode) {
  return Type.Object(
    {
      date: mode === 'in' ? text(mode, '일자 YYYYMMDD, 필수 (date, required)') : Type.String({ description: '일자 YYYYMMDD (date)' }),
      name: mode === 'in' ? text(mode, `품명, 필수 (item name, required); ${max(MAX.lineName)}`) : Type.String({ description: `품명 (item name); ${max(MAX.lineName)}` }),
      spec: text(mode, `규격 (specification); ${max(MAX.lineSpec)}`),
      unit: text(mode, `단위 (unit); ${max(MAX.statementUnit)}`),
      quantity: decimal(mode, '수량 (quantity)'),
      unitPrice: decimal(mode, '단가 (unit price)'),
      supply: money('공급가액 (supply amount)'),
      tax: money('세액 (tax amount)'),
      total: money('합계 = 공급가액 + 세액 (total = supply + tax)'),
      remark: text(mode, `비고 (remark); ${max(MAX.lineRemark)}`),
    },
    { description: '거래명세서 품목 (statement line)' },
  );
}

function statement(mode: Mode) {
  return Type.Object(
    {
      title: text(mode, `제목 (title); ${max(MAX.statementTitle)}`),
      memo: text(mode, `메모, 여러 줄 가능 (memo, may span lines); ${max(MAX.statementMemo)}`),
      previousBalance: optionalMoney(mode, '전잔금 (previous balance)'),
      deposit: optionalMoney(mode, '입금액 (deposit)'),
      unpaid: optionalMoney(mode, '미수금 (unpaid)'),
      balance: optionalMoney(mode, '잔액 (balance)'),
      lines: mode === 'in'
        ? optional(mode, Type.Array(statementLine(mode)), '품목 0~99개 (0 to 99 lines)')
        : Type.Array(statementLine(mode), { description: '품목 0~99개 (0 to 99 lines)' }),
    },
    { description: '첨부 거래명세서 (attached transaction statement; ours, not part of the NTS XML)' },
  );
}

const remark = `비고 한 줄, 여러 줄 가능 (one remark, may span lines); ${max(MAX.remark)}`;

/** `document` of a write body (`in`) or of a stored document (`out`). */
function documentSchema(mode: Mode) {
  const nested = <T extends TSchema>(schema: T, description: string) => optional(mode, schema, description);
  return Type.Object({
    kind: Type.String({ enum: [...DOCUMENT_KINDS], description: '문서 종류: 세금계산서 / 계산서 (tax_invoice: VAT invoice, invoice: VAT-exempt invoice)' }),
    taxType: mode === 'in'
      ? Type.Optional(Type.String({ enum: [...TAX_TYPES], description: '과세 구분: 일반 / 영세율, 기본값 regular; 계산서는 regular만 (regular 10% or zero_rated 0%; default regular)' }))
      : Type.String({ enum: [...TAX_TYPES], description: '과세 구분: 일반 / 영세율 (regular 10% or zero_rated 0%)' }),
    consignment: mode === 'in'
      ? Type.Optional(Type.Boolean({ description: '위수탁: 수탁자가 공급자를 대신해 발행, 기본값 false (issued by the trustee on behalf of the supplier; default false)' }))
      : Type.Boolean({ description: '위수탁 (issued by the trustee on behalf of the supplier)' }),
    trustee: nested(businessParty(mode, '수탁자', 'trustee', '위수탁 문서에서만, 그때는 필수 (only and required on consignment documents)'), '수탁자 (trustee)'),
    amendment: Type.Optional(
      Type.Object(
        {
          reasonCode: Type.String({ enum: [...AMENDMENT_REASON_CODES], description: '수정사유: 01 기재사항 착오정정, 02 공급가액 변동, 03 환입, 04 계약의 해제, 05 내국신용장 사후개설, 06 착오에 의한 이중발급 (amendment reason code)' }),
          originalIssueId: Type.String({ pattern: '^\\d{24}$', description: '당초 승인번호, 숫자 24자리 (NTS approval number of the original, 24 digits)' }),
        },
        { description: '수정(세금)계산서에만 (only on an amended invoice)' },
      ),
    ),
    purpose: Type.String({ enum: [...PURPOSES], description: '영수 / 청구 (receipt: already paid, claim: payment claimed)' }),
    writeDate: Type.String({ description: '작성일자 YYYYMMDD (KST), 오늘 이후 불가 (write date, not after today)' }),
    supplier: mode === 'in'
      ? nested(businessParty(mode, '공급자', 'supplier', '비운 항목은 회원 정보로 채우며, 사업자등록번호는 회원 자신의 것이어야 함 (blank fields default from the member; bizno must be the member’s own)'), '공급자 (supplier)')
      : businessParty(mode, '공급자', 'supplier', ''),
    buyer: buyer(mode),
    amounts: Type.Object(
      {
        supply: money('공급가액 합계 (total supply amount)'),
        tax: money('세액 합계, 영세율과 계산서는 0 (total tax; 0 for zero-rated and VAT-exempt)'),
        total: money('합계금액 = 공급가액 + 세액 (total = supply + tax)'),
      },
      { description: '금액, 수정 문서는 음수 가능 (amounts; negative on amendments)' },
    ),
    payments: nested(
      Type.Object(
        {
          cash: optionalMoney(mode, '현금 (cash)'),
          check: optionalMoney(mode, '수표 (check)'),
          note: optionalMoney(mode, '어음 (promissory note)'),
          credit: optionalMoney(mode, '외상미수금 (on credit)'),
        },
        { description: '결제 방법별 금액, 하나라도 0이 아니면 합이 합계금액 (amounts per payment means; when any is non-zero they add up to amounts.total)' },
      ),
      '결제 방법 (payment means)',
    ),
    remarks: nested(Type.Array(mode === 'in' ? Type.Union([Type.String(), Type.Null()], { description: remark }) : Type.String({ description: remark }), { maxItems: 3 }), `비고 0~3개, 여러 줄 가능; 외국인 공급받는자는 여권번호 등 필수 (0 to 3 remarks, ${max(MAX.remark)} each; required for a foreign buyer)`),
    lines: Type.Array(line(mode), { minItems: 1, maxItems: 99, description: '품목 1~99개 (1 to 99 line items)' }),
    statement: nested(statement(mode), '첨부 거래명세서 (attached transaction statement)'),
    alimtalk: nested(
      Type.Object({ notify: Type.Boolean({ description: '알림톡 발송 여부, true면 담당자1 휴대전화 필수 (send an AlimTalk; needs buyer.contacts[0].mobile)' }) }),
      '알림톡 (AlimTalk notification)',
    ),
  }, { description: mode === 'in' ? '문서 (the document; validated by the core, errors name the field)' : '저장된 문서, 정규화됨 (the stored document, normalized)' });
}

export const DocumentIn = documentSchema('in');
export const StoredDocument = documentSchema('out');

export const WriteBody = Type.Object({
  issue: Type.Optional(Type.Boolean({ description: 'true: 발행하고 메일 발송 (proc_state S), false: 임시저장 (T) (true: issue and mail now; false: save a draft)', default: false })),
  subkey: Type.Optional(Type.String({ maxLength: 50, description: '호출자의 키: 같은 subkey로 다시 작성하면 처음 문서를 돌려줌 (your own key: a second create with the same subkey returns the first document)' })),
  document: DocumentIn,
});

const nullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

/** What every document answer carries (`documentView`); `document` on GET one only. */
export const DocumentOut = Type.Object(
  {
    dockey: Type.String({ description: '문서키 (document key)' }),
    subkey: nullableText('호출자의 키 (your own key)'),
    subscriptionId: Type.Integer({ description: '신청번호 sinchno (subscription id)' }),
    docState: Type.String({ description: '문서 상태: N 정상, U 수정본, D 폐기 (N normal, U updated, D discarded)' }),
    procState: Type.String({ description: '처리 상태: T 임시저장, S 발행, A 승인, R 반려 (T draft, S issued, A approved, R rejected)' }),
    readState: Type.String({ description: '열람: N 미열람, Y 열람 (read by the buyer)' }),
    ntsState: Type.String({ description: '국세청 전송: 0 미전송, 1 대기, 2 전송, 3 성공, 4 실패 (NTS filing: 0 not filed … 4 failed)' }),
    kind: Type.String({ description: '문서 종류 (tax_invoice or invoice)' }),
    typeCode: Type.String({ description: '국세청 문서 유형 코드 4자리 (NTS TypeCode)' }),
    modifyCode: nullableText('수정사유 코드 (amendment reason code)'),
    writeDate: Type.String({ description: '작성일자 YYYYMMDD (write date)' }),
    supplier: Type.Object({ bizno: Type.String({ description: '사업자등록번호' }), name: Type.String({ description: '상호 (name)' }) }, { description: '공급자 요약 (supplier)' }),
    buyer: Type.Object(
      { id: Type.String({ description: '등록번호 (id)' }), name: Type.String({ description: '상호 (name)' }), email: nullableText('담당자1 이메일 (contact e-mail)') },
      { description: '공급받는자 요약 (buyer)' },
    ),
    amounts: Type.Object({ supply: money('공급가액 (supply)'), tax: money('세액 (tax)'), total: money('합계 (total)') }, { description: '금액 (amounts)' }),
    itemSummary: Type.String({ description: '품목 요약, 예: 노트북 외 2건 (item summary)' }),
    hasStatement: Type.Boolean({ description: '거래명세서 첨부 (has a statement)' }),
    issueId: nullableText('국세청 승인번호 24자리, 발행 후 (NTS approval number, once issued)'),
    issuedAt: nullableText('발행 시각 (issued at, ISO 8601)'),
    sentAt: nullableText('메일 발송 시각 (mail sent at)'),
    mailResult: Type.String({ description: '메일 발송 결과 (mail result)' }),
    readAt: nullableText('열람 시각 (read at)'),
    respondedAt: nullableText('승인 / 반려 시각 (approved or rejected at)'),
    rejectReason: nullableText('반려 사유 (reject reason)'),
    nts: Type.Object(
      {
        requestedAt: nullableText('전송 요청 시각 (filing requested at)'),
        respondedAt: nullableText('결과 수신 시각 (result received at)'),
        resultCode: nullableText('결과 코드 (result code)'),
        resultMessage: nullableText('결과 메시지 (result message)'),
        submitId: nullableText('제출 번호 (submission id)'),
      },
      { description: '국세청 전송 (NTS filing)' },
    ),
    createdAt: Type.String({ description: '작성 시각 (created at)' }),
    updatedAt: Type.String({ description: '수정 시각 (updated at)' }),
    document: Type.Optional(StoredDocument),
  },
  { $id: 'Document', description: '문서 (a document: keys, states, parties, amounts, dates; its content in `document` on GET one)' },
);
