/**
 * Validation of the parties: supplier (공급자) and trustee (수탁자) share the business-party shape; the
 * buyer (공급받는자) may be a business, a resident or a foreigner. Field order inside a party is the
 * order of the model: id, subBizno, name, ceoName, address, businessType, businessItem, contact(s).
 */
import { invalidError, requiredError } from '../../platform/errors.ts';
import { FOREIGNER_PLACEHOLDER_ID, isValidBizno, isValidResidentNo, normalizeDigits } from '../shared/korean-ids.ts';
import { FIELD_MAX_LENGTHS as MAX } from './field-limits.ts';
import { childPath, compact, readArray, readChoice, readObject, readText, type InputObject } from './input-reader.ts';
import { BUYER_ID_TYPES, DOCUMENT_LIMITS, type BusinessParty, type BuyerContact, type BuyerParty, type PartyContact } from './model.ts';

/** Deliberately simple: one @, no spaces, a dot in the domain. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** Korean mobile numbers (010, 011, 016–019), hyphens optional. */
const MOBILE_PATTERN = /^01[016789]-?\d{3,4}-?\d{4}$/;

export function isValidEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}

export function isValidMobile(value: string): boolean {
  return MOBILE_PATTERN.test(value);
}

function readEmail(parent: InputObject, path: string, label: string): string | undefined {
  const email = readText(parent, 'email', path, { label, max: MAX.email });
  if (email !== undefined && !isValidEmail(email)) {
    throw invalidError(childPath(path, 'email'), `${label} 형식이 올바르지 않습니다 (invalid e-mail address)`);
  }
  return email;
}

function readMobile(parent: InputObject, path: string, label: string): string | undefined {
  const mobile = readText(parent, 'mobile', path, { label, max: MAX.contactMobile });
  if (mobile !== undefined && !isValidMobile(mobile)) {
    throw invalidError(childPath(path, 'mobile'), `${label} 형식이 올바르지 않습니다 (invalid mobile number, e.g. 010-1234-5678)`);
  }
  return mobile;
}

function readBizno(parent: InputObject, key: string, path: string, label: string): string {
  const field = childPath(path, key);
  const raw = readText(parent, key, path, { label, max: 20, required: true });
  const bizno = normalizeDigits(raw);
  if (!isValidBizno(bizno)) {
    throw invalidError(field, `${label}는 검증번호가 맞는 10자리 숫자여야 합니다 (10 digits with a valid checksum)`);
  }
  return bizno;
}

function readSubBizno(parent: InputObject, path: string, label: string): string | undefined {
  const sub = readText(parent, 'subBizno', path, { label, max: 10 });
  if (sub !== undefined && !/^\d{4}$/.test(sub)) {
    throw invalidError(childPath(path, 'subBizno'), `${label}는 4자리 숫자여야 합니다 (4 digits)`);
  }
  return sub;
}

function readPartyContact(parent: InputObject, path: string, role: string): PartyContact | undefined {
  const obj = readObject(parent, 'contact', path, `${role} 담당자`);
  if (!obj) return undefined;
  const p = childPath(path, 'contact');
  return compact({
    department: readText(obj, 'department', p, { label: `${role} 담당 부서`, max: MAX.contactDepartment }),
    name: readText(obj, 'name', p, { label: `${role} 담당자명`, max: MAX.contactName }),
    tel: readText(obj, 'tel', p, { label: `${role} 담당자 전화번호`, max: MAX.contactTel }),
    email: readEmail(obj, p, `${role} 담당자 이메일`),
  });
}

/**
 * A 사업자 party (supplier or trustee) at `path` (e.g. 'supplier'); `role` is its Korean name for messages.
 * Required: bizno (checksum), name, ceoName (INV122/124, INV154/156).
 */
export function validateBusinessParty(value: InputObject, path: string, role: string): BusinessParty {
  return compact({
    bizno: readBizno(value, 'bizno', path, `${role} 사업자등록번호`),
    subBizno: readSubBizno(value, path, `${role} 종사업장번호`),
    name: readText(value, 'name', path, { label: `${role} 상호`, max: MAX.partyName, required: true }),
    ceoName: readText(value, 'ceoName', path, { label: `${role} 대표자명`, max: MAX.ceoName, required: true }),
    address: readText(value, 'address', path, { label: `${role} 주소`, max: MAX.address }),
    businessType: readText(value, 'businessType', path, { label: `${role} 업태`, max: MAX.businessType }),
    businessItem: readText(value, 'businessItem', path, { label: `${role} 종목`, max: MAX.businessItem }),
    contact: readPartyContact(value, path, role),
  });
}

function readBuyerId(value: InputObject, path: string, idType: BuyerParty['idType']): string {
  const field = childPath(path, 'id');
  if (idType === 'foreigner') {
    // INV140: foreigners are filed under the fixed placeholder; absent means "use the placeholder".
    const raw = readText(value, 'id', path, { label: '공급받는자 등록번호', max: 20 });
    const id = raw === undefined ? FOREIGNER_PLACEHOLDER_ID : normalizeDigits(raw);
    if (id !== FOREIGNER_PLACEHOLDER_ID) {
      throw invalidError(
        field,
        `외국인 공급받는자의 등록번호는 ${FOREIGNER_PLACEHOLDER_ID}이어야 하며 여권번호 등은 비고에 적습니다 (foreigners use ${FOREIGNER_PLACEHOLDER_ID}; put the passport number in remarks)`,
      );
    }
    return id;
  }
  const label = idType === 'business' ? '공급받는자 사업자등록번호' : '공급받는자 주민등록번호';
  const id = normalizeDigits(readText(value, 'id', path, { label, max: 20, required: true }));
  if (idType === 'business' && !isValidBizno(id)) {
    throw invalidError(field, `${label}는 검증번호가 맞는 10자리 숫자여야 합니다 (10 digits with a valid checksum)`);
  }
  if (idType === 'resident' && !isValidResidentNo(id)) {
    throw invalidError(field, `${label}는 검증번호가 맞는 13자리 숫자여야 합니다 (13 digits with a valid checksum)`);
  }
  return id;
}

function readBuyerContacts(value: InputObject, path: string): BuyerContact[] | undefined {
  const list = readArray(value, 'contacts', path, '공급받는자 담당자 목록');
  if (list === undefined) return undefined;
  const listPath = childPath(path, 'contacts');
  if (list.length > DOCUMENT_LIMITS.maxBuyerContacts) {
    throw invalidError(listPath, `공급받는자 담당자는 최대 ${DOCUMENT_LIMITS.maxBuyerContacts}명입니다 (at most ${DOCUMENT_LIMITS.maxBuyerContacts} contacts)`);
  }
  return list.map((item, i) => {
    const p = childPath(listPath, i);
    const n = i + 1;
    if (item === null || item === undefined) return {};
    if (typeof item !== 'object' || Array.isArray(item)) throw invalidError(p, `공급받는자 담당자${n}은(는) 객체여야 합니다 (must be an object)`);
    const obj = item as InputObject;
    return compact({
      name: readText(obj, 'name', p, { label: `공급받는자 담당자${n} 이름`, max: MAX.contactName }),
      department: readText(obj, 'department', p, { label: `공급받는자 담당자${n} 부서`, max: MAX.contactDepartment }),
      tel: readText(obj, 'tel', p, { label: `공급받는자 담당자${n} 전화번호`, max: MAX.contactTel }),
      mobile: readMobile(obj, p, `공급받는자 담당자${n} 휴대전화`),
      email: readEmail(obj, p, `공급받는자 담당자${n} 이메일`),
    });
  });
}

/**
 * The buyer at `path` ('buyer'). idType defaults to 'business'. Rules: business → 10-digit bizno with
 * checksum; resident → 13-digit 주민등록번호 with checksum; foreigner → 9999999999999 (the default when
 * absent). subBizno only for businesses. ceoName optional (the XML falls back to the name).
 * With `requireEmail`, contacts[0].email is required (the mail recipient, INV146).
 */
export function validateBuyer(value: InputObject, path: string, requireEmail: boolean): BuyerParty {
  const idType = readChoice(value, 'idType', path, '공급받는자 구분', BUYER_ID_TYPES, false) ?? 'business';
  const id = readBuyerId(value, path, idType);
  const subBizno = readSubBizno(value, path, '공급받는자 종사업장번호');
  if (subBizno !== undefined && idType !== 'business') {
    throw invalidError(childPath(path, 'subBizno'), '종사업장번호는 사업자인 공급받는자에만 적습니다 (only for business buyers)');
  }
  const buyer: BuyerParty = compact({
    idType,
    id,
    subBizno,
    name: readText(value, 'name', path, { label: '공급받는자 상호(성명)', max: MAX.partyName, required: true }),
    ceoName: readText(value, 'ceoName', path, { label: '공급받는자 대표자명', max: MAX.ceoName }),
    address: readText(value, 'address', path, { label: '공급받는자 주소', max: MAX.address }),
    businessType: readText(value, 'businessType', path, { label: '공급받는자 업태', max: MAX.businessType }),
    businessItem: readText(value, 'businessItem', path, { label: '공급받는자 종목', max: MAX.businessItem }),
    contacts: readBuyerContacts(value, path),
  });
  if (requireEmail && buyer.contacts?.[0]?.email === undefined) {
    throw requiredError(`${path}.contacts[0].email`, '공급받는자 담당자1 이메일');
  }
  return buyer;
}
