/**
 * Legacy form fields ⇄ the core's camelCase input, through one table per module (form name → core name;
 * see member-form.ts, subscription-form.ts; documents have document-form.ts). The same table read backwards
 * names a core error's field as the form does, so answers say `pwd`, `sinch_no` … while the core says
 * `password`, `subscriptionId`.
 */
import type { Input } from '../../platform/input.ts';
import type { LegacyFields } from './legacy-codec.ts';

/** Form field → core field. */
export type FormTable = Readonly<Record<string, string>>;

/**
 * The core input of a form: only the fields the tables know, under their core names (an unknown or a
 * core-named form field is not read, so a form cannot reach the core by another name).
 */
export function formInput(fields: LegacyFields, ...tables: FormTable[]): Input {
  const input: Input = {};
  for (const table of tables) {
    for (const [form, core] of Object.entries(table)) if (Object.hasOwn(fields, form)) input[core] = fields[form];
  }
  return input;
}

/** Core field → form field, for naming errors (the first table naming a core field wins). */
export function formNames(...tables: FormTable[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const table of tables) for (const [form, core] of Object.entries(table)) names[core] ??= form;
  return names;
}
