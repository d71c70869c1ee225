/**
 * `validateDocument(input)`: checks a submitted document against NTS.md §1 (formats, lengths, code
 * combinations) and §3 (business and amount rules) and returns a normalized copy (strings trimmed,
 * empty strings / null treated as absent, hyphens removed from ids, unknown keys dropped).
 *
 * It throws the FIRST failure as an AppError whose `field` is the REST path (`supplier.bizno`,
 * `lines[2].supply`, `amendment.originalIssueId`): `field_required` when missing, `field_invalid` when
 * malformed or not allowed, `amounts_mismatch` when amounts disagree. The order is stable:
 *
 *  1. header   kind → taxType (계산서 has no 영세율) → consignment → amendment.reasonCode →
 *              amendment.originalIssueId → purpose → writeDate
 *  2. supplier bizno → subBizno → name → ceoName → address → businessType → businessItem →
 *              contact.{department, name, tel, email}
 *  3. buyer    idType → id → subBizno → name → ceoName → address → businessType → businessItem →
 *              contacts[i].{name, department, tel, mobile, email} → contacts[0].email (requireBuyerEmail)
 *  4. trustee  required iff consignment (forbidden otherwise); then as supplier
 *  5. remarks  ≤ 3 × ≤ 150 chars; a foreign buyer needs one (passport / 외국인등록번호, INV142)
 *  6. amounts  supply → tax → total (integers)
 *  7. payments cash → check → note → credit (integers)
 *  8. lines    1..99; per line month → day → name → spec → quantity → unitPrice → supply → tax → remark
 *  9. amount rules (validate-amount-rules.ts): total, signs, header tax, line sums, line taxes, payments
 * 10. statement (validate-statement.ts)
 * 11. alimtalk.notify; when true, buyer.contacts[0].mobile is required
 *
 * Defaults: taxType 'regular', consignment false, buyer.idType 'business', foreign buyer id
 * 9999999999999. `kind` and `purpose` have no default (a wrong guess would be a legal error).
 */
import { invalidError, requiredError } from '../../platform/errors.ts';
import { FIELD_MAX_LENGTHS } from './field-limits.ts';
import { isCompactDate } from './dates.ts';
import { isValidIssueId, normalizeIssueId } from './issue-id.ts';
import { PAYMENT_MEAN_LABELS } from './labels.ts';
import {
  checkText,
  childPath,
  compact,
  isInputObject,
  readArray,
  readBoolean,
  readChoice,
  readMoney,
  readObject,
  readText,
  type InputObject,
} from './input-reader.ts';
import {
  AMENDMENT_REASON_CODES,
  DOCUMENT_KINDS,
  DOCUMENT_LIMITS,
  PAYMENT_MEANS,
  PURPOSES,
  TAX_TYPES,
  type Amendment,
  type BuyerParty,
  type DocumentAmounts,
  type DocumentInput,
  type DocumentKind,
  type DocumentPayments,
} from './model.ts';
import { checkAmountRules } from './validate-amount-rules.ts';
import { validateLines } from './validate-lines.ts';
import { validateBusinessParty, validateBuyer } from './validate-party.ts';
import { validateStatement } from './validate-statement.ts';

export interface ValidateDocumentOptions {
  /** Require buyer.contacts[0].email (when the document is to be mailed now; INV146). */
  requireBuyerEmail?: boolean;
  /** Today in KST (YYYYMMDD, from the caller's clock): a later 작성일자 is refused. prepareDocument always passes it. */
  today?: string;
}

function readAmendment(root: InputObject, kind: DocumentKind): Amendment | undefined {
  const obj = readObject(root, 'amendment', '', '수정 정보');
  if (obj === undefined) return undefined;
  const reasonCode = readChoice(obj, 'reasonCode', 'amendment', '수정사유', AMENDMENT_REASON_CODES, true)!;
  if (reasonCode === '05' && kind === 'invoice') {
    throw invalidError('amendment.reasonCode', '내국신용장 사후개설(05)은 세금계산서에만 해당합니다 (reason 05 applies to tax invoices only)');
  }
  const raw = readText(obj, 'originalIssueId', 'amendment', { label: '당초 승인번호', max: 30, required: true });
  const originalIssueId = normalizeIssueId(raw);
  if (!isValidIssueId(originalIssueId)) {
    throw invalidError('amendment.originalIssueId', '당초 승인번호는 24자리 숫자여야 합니다 (24-digit NTS issue id)');
  }
  return { reasonCode, originalIssueId };
}

function readWriteDate(root: InputObject, today: string | undefined): string {
  const writeDate = readText(root, 'writeDate', '', { label: '작성일자', max: 20, required: true });
  if (!isCompactDate(writeDate)) throw invalidError('writeDate', '작성일자는 올바른 YYYYMMDD 날짜여야 합니다 (a real date YYYYMMDD)');
  // a tax invoice is written for a supply that happened: the NTS refuses a future 작성일자 (YYYYMMDD compares as text)
  if (today !== undefined && writeDate > today) {
    throw invalidError('writeDate', `작성일자는 오늘(${today}, 한국시간) 이후일 수 없습니다 (the write date cannot be after today in KST)`);
  }
  return writeDate;
}

function readRemarks(root: InputObject, buyer: BuyerParty): string[] | undefined {
  const list = readArray(root, 'remarks', '', '비고');
  if (list !== undefined && list.length > DOCUMENT_LIMITS.maxRemarks) {
    throw invalidError('remarks', `비고는 최대 ${DOCUMENT_LIMITS.maxRemarks}개입니다 (at most ${DOCUMENT_LIMITS.maxRemarks} remarks)`);
  }
  const remarks = (list ?? [])
    .map((item, i) => checkText(item, childPath('remarks', i), { label: `비고${i + 1}`, max: FIELD_MAX_LENGTHS.remark, multiline: true }))
    .filter((r): r is string => r !== undefined);
  if (buyer.idType === 'foreigner' && remarks.length === 0) {
    throw requiredError('remarks', '외국인 공급받는자의 여권번호 또는 외국인등록번호(비고)');
  }
  return remarks.length > 0 ? remarks : undefined;
}

function readAmounts(root: InputObject): DocumentAmounts {
  const obj = readObject(root, 'amounts', '', '금액', true);
  return {
    supply: readMoney(obj, 'supply', 'amounts', '공급가액 합계', true),
    tax: readMoney(obj, 'tax', 'amounts', '세액 합계', true),
    total: readMoney(obj, 'total', 'amounts', '합계금액', true),
  };
}

function readPayments(root: InputObject): DocumentPayments | undefined {
  const obj = readObject(root, 'payments', '', '결제 방법');
  if (obj === undefined) return undefined;
  const payments: DocumentPayments = {};
  for (const mean of PAYMENT_MEANS) {
    const amount = readMoney(obj, mean, 'payments', `${PAYMENT_MEAN_LABELS[mean]} 금액`);
    if (amount !== undefined) payments[mean] = amount;
  }
  return payments;
}

function readAlimtalk(root: InputObject, buyer: BuyerParty): { notify: boolean } | undefined {
  const obj = readObject(root, 'alimtalk', '', '알림톡');
  if (obj === undefined) return undefined;
  const notify = readBoolean(obj, 'notify', 'alimtalk', '알림톡 발송 여부');
  if (notify === undefined) throw requiredError('alimtalk.notify', '알림톡 발송 여부');
  if (notify && buyer.contacts?.[0]?.mobile === undefined) {
    throw requiredError('buyer.contacts[0].mobile', '알림톡을 받을 공급받는자 담당자1 휴대전화');
  }
  return { notify };
}

/** Validate and normalize a submitted document; throws the first AppError (see the order above). */
export function validateDocument(input: unknown, opts: ValidateDocumentOptions = {}): DocumentInput {
  if (!isInputObject(input)) throw invalidError('document', '문서는 객체여야 합니다 (the document must be an object)');

  const kind = readChoice(input, 'kind', '', '문서 종류', DOCUMENT_KINDS, true)!;
  const taxType = readChoice(input, 'taxType', '', '과세 구분', TAX_TYPES, false) ?? 'regular';
  if (kind === 'invoice' && taxType === 'zero_rated') {
    throw invalidError('taxType', '계산서에는 영세율이 없습니다 (계산서 has no zero-rated variant)');
  }
  const consignment = readBoolean(input, 'consignment', '', '위수탁 여부') ?? false;
  const amendment = readAmendment(input, kind);
  const purpose = readChoice(input, 'purpose', '', '영수/청구 구분', PURPOSES, true)!;
  const writeDate = readWriteDate(input, opts.today);

  const supplier = validateBusinessParty(readObject(input, 'supplier', '', '공급자', true), 'supplier', '공급자');
  const buyer = validateBuyer(readObject(input, 'buyer', '', '공급받는자', true), 'buyer', opts.requireBuyerEmail === true);
  const trusteeInput = readObject(input, 'trustee', '', '수탁자', consignment);
  if (!consignment && trusteeInput !== undefined) {
    throw invalidError('trustee', '수탁자는 위수탁 문서에만 적습니다 (trustee only on consignment documents)');
  }
  const trustee = trusteeInput === undefined ? undefined : validateBusinessParty(trusteeInput, 'trustee', '수탁자');

  const remarks = readRemarks(input, buyer);
  const amounts = readAmounts(input);
  const payments = readPayments(input);
  const lines = validateLines(input['lines'], writeDate);

  const doc: DocumentInput = compact({
    kind,
    taxType,
    consignment,
    trustee,
    amendment,
    purpose,
    writeDate,
    supplier,
    buyer,
    amounts,
    payments,
    remarks,
    lines,
  });
  checkAmountRules(doc);

  const statementInput = readObject(input, 'statement', '', '거래명세서');
  if (statementInput !== undefined) doc.statement = validateStatement(statementInput);
  const alimtalk = readAlimtalk(input, buyer);
  if (alimtalk !== undefined) doc.alimtalk = alimtalk;
  return doc;
}
