/** Shared TypeBox pieces of the REST schemas (they become the OpenAPI document). */
import { Type, type TSchema, type TSchemaOptions } from 'typebox';
import { ErrorBody } from './rest-errors.ts';

export const Bizno = Type.String({ description: '사업자등록번호, 10 digits (hyphens allowed), checksum-valid', examples: ['2048631263'] });
export const Krw = Type.Integer({ description: 'amount in KRW (won), integer' });
export const YyyyMmDd = Type.String({ pattern: '^\\d{8}$', description: 'date YYYYMMDD (KST)' });

export const Credentials = {
  bizno: Bizno,
  loginId: Type.String({ description: 'login ID' }),
  password: Type.String({ description: 'password' }),
};

/**
 * A string limited to `values`, typed as their union. The JSON schema is the plain `{ type, enum }` (not an
 * anyOf of constants), so OpenAPI shows one enum and a refusal names the field with one message.
 */
export function StringEnum<T extends string>(values: readonly T[], options: TSchemaOptions = {}) {
  return Type.Unsafe<T>({ ...options, type: 'string', enum: [...values] });
}

/**
 * `Idempotency-Key` as a header parameter of every POST / PUT that honours it (runIdempotent), so the
 * reference page can send it. Its format is checked by runIdempotent, which names the header in its
 * answer; the schema only declares it.
 */
export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        '재시도 키: 같은 키와 같은 요청은 한 번만 처리되고 첫 응답을 다시 받음, 출력 가능한 ASCII 1~255자 (retry key: the same key with the same request is done once and answered with the first answer; 1 to 255 printable ASCII characters)',
    }),
  ),
});

/** Standard error responses to attach to a route's `response`. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')]));
}

export { ErrorBody };
