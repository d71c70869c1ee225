/**
 * Input of a Kakao channel registration (발신 프로필, MESSAGING-AND-BILLING-FACTS.md §2.7): `searchId` is `@` and at
 * most 30 characters (letters, digits, Hangul, `_`, `.`, `-`), `adminPhone` a mobile number (digits only),
 * `categoryCode` 11 digits; the token sent to the admin's KakaoTalk is 4 to 10 digits.
 */
import { invalidError, requiredError } from '../../platform/errors.ts';
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { isMobileNumber } from './sender-number-rules.ts';
import type { ChannelTokenRequest } from './kakao-gateway.ts';

export const SEARCH_ID = /^@[0-9A-Za-z가-힣_.-]{1,30}$/;

export function readChannelRequest(input: Input): ChannelTokenRequest {
  const searchId = requiredString(input, 'searchId', { max: 64 });
  if (!searchId.startsWith('@')) throw invalidError('searchId', '@로 시작해야 합니다 (must start with @, e.g. @hanbill)');
  if (!SEARCH_ID.test(searchId)) throw invalidError('searchId', '@ 뒤에 30자 이하의 영문, 숫자, 한글, _ . -만 쓸 수 있습니다 (@ and at most 30 letters, digits, Hangul, _ . -)');
  const adminPhone = requiredString(input, 'adminPhone', { max: 20 });
  if (!/^\d+$/.test(adminPhone)) throw invalidError('adminPhone', '숫자만 입력하세요, 하이픈 없이 (digits only, without hyphens)');
  if (!isMobileNumber(adminPhone)) throw invalidError('adminPhone', '카카오톡을 쓰는 휴대폰 번호여야 합니다, 010 등 (a mobile number with KakaoTalk, e.g. 01012345678)');
  const categoryCode = requiredString(input, 'categoryCode', { max: 20 });
  if (!/^\d{11}$/.test(categoryCode)) throw invalidError('categoryCode', '11자리 숫자 카테고리 코드여야 합니다 (an 11-digit category code, e.g. 00100010001)');
  return { searchId, adminPhone, categoryCode };
}

export function readToken(input: Input): string {
  const token = optionalString(input, 'token', { max: 10 });
  if (token === undefined) throw requiredError('token');
  if (!/^\d{4,10}$/.test(token)) throw invalidError('token', '카카오톡으로 받은 숫자 토큰이어야 합니다 (the digits sent to the admin\'s KakaoTalk)');
  return token;
}
