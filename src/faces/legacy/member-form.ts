/**
 * The legacy form of the accounts module (`_member.aspx`, and the member's credentials on `_service.aspx`
 * and `_auth.aspx`, LEGACY-API.md) ⇄ its camelCase input. Answers keep the form's names (`id`, `pwd` …).
 */
import type { FormTable } from './form-fields.ts';

/** The credentials a member proves itself with. */
export const CREDENTIAL_FORM: FormTable = { bizno: 'bizno', id: 'loginId', pwd: 'password' };

/** `_member.aspx cmd=INSERT`, in the order of the legacy table. */
export const MEMBER_FORM: FormTable = {
  bizno: 'bizno',
  sub_bizno: 'subBizno',
  com_name: 'companyName',
  ceo_name: 'ceoName',
  uptae: 'businessType',
  jongmok: 'businessItem',
  zipcode: 'zipcode',
  addr1: 'address1',
  addr2: 'address2',
  tel: 'tel',
  fax: 'fax',
  id: 'loginId',
  pwd: 'password',
  user_name: 'userName',
  email: 'email',
  dept: 'department',
  user_tel: 'userTel',
  hp: 'mobile',
  reseller_code: 'resellerCode',
};
