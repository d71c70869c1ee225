/** Shared TypeBox pieces of the REST schemas (they become the OpenAPI document). */
import { Type, type TSchema } from 'typebox';
import { ErrorBody } from './rest-errors.ts';

export const Bizno = Type.String({ description: '사업자등록번호, 10 digits (hyphens allowed), checksum-valid', examples: ['2048631263'] });
export const Krw = Type.Integer({ description: 'amount in KRW (won), integer' });
export const YyyyMmDd = Type.String({ pattern: '^\\d{8}$', description: 'date YYYYMMDD (KST)' });

export const Credentials = {
  bizno: Bizno,
  loginId: Type.String({ description: 'login ID' }),
  password: Type.String({ description: 'password' }),
};

/** Standard error responses to attach to a route's `response`. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')]));
}

export { ErrorBody };
