/**
 * Filling the supplier (공급자) from the member's registered profile before validation: the legacy API
 * says supplier fields default to the member (LEGACY-API.md, document.aspx). Only absent fields
 * (undefined, null, blank string) are filled; what the caller sent wins.
 *
 * Authorization is NOT decided here: whether a member may issue for a supplier bizno other than its own
 * (e.g. as 수탁자 of a 위수탁 document) is the issuing service's check.
 */
import { isInputObject, type InputObject } from './input-reader.ts';
import type { BusinessParty } from './model.ts';

/** The member's business profile, in the model's supplier shape. */
export type SupplierProfile = BusinessParty;

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function fill(target: InputObject, defaults: object): InputObject {
  const out: InputObject = { ...target };
  for (const [key, value] of Object.entries(defaults)) {
    if (value === undefined) continue;
    if (isInputObject(value)) {
      const current = out[key];
      out[key] = fill(isInputObject(current) ? current : {}, value);
    } else if (isBlank(out[key])) {
      out[key] = value;
    }
  }
  return out;
}

/** A copy of `input` whose `supplier` has the profile's values where the input left them blank. */
export function applySupplierDefaults(input: unknown, profile: SupplierProfile): unknown {
  if (!isInputObject(input)) return input;
  const supplier = isInputObject(input['supplier']) ? input['supplier'] : {};
  return { ...input, supplier: fill(supplier, profile) };
}
