/** The person fields of a portal user (sign-up and profile): name, e-mail, mobile. */
import { optionalString, requiredString, type Input } from '../../platform/input.ts';
import { readEmail } from './member-input.ts';

const PHONE = { max: 20, pattern: /^[0-9+\-() ]{2,20}$/, expected: '전화번호 형식이 올바르지 않습니다 (digits and - only)' };

export function readPersonFields(input: Input) {
  return {
    name: requiredString(input, 'name', { max: 30 }),
    email: readEmail(input, 'email', true)!,
    phone: optionalString(input, 'phone', PHONE) ?? '',
  };
}
