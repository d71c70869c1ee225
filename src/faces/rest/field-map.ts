/**
 * REST speaks camelCase; some core readers speak the legacy field names. The adapter renames both
 * ways: request fields in, and the field named by an error out, so each face names its own fields.
 */
import { AppError } from '../../platform/errors.ts';

export type FieldMap = Record<string, string>; // rest name → core name

export function toCoreFields(body: Record<string, unknown>, map: FieldMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[map[k] ?? k] = v;
  return out;
}

export async function withRestFieldNames<T>(map: FieldMap, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.field) {
      const restName = Object.entries(map).find(([, core]) => core === err.field)?.[0];
      if (restName) {
        throw new AppError(err.code, err.message.replace(new RegExp(`^${err.field}:`), `${restName}:`), { field: restName, details: err.details, cause: err });
      }
    }
    throw err;
  }
}
