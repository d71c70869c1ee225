/**
 * The one reader of subscription ids (신청번호: legacy `sinch_no`, alias `sinchno`; REST `subscriptionId`).
 *
 * The API guard and every handler read the id of a call through `readSubscriptionId` on the same fields,
 * so the id the guard authorises is the id the handler acts on. Two readers that normalised differently
 * were a bypass: a `sinch_no` zero-padded to 16 digits skipped the guard's partner checks (IP allow-list,
 * suspension) and still authenticated in the handler.
 *
 * So an id is only a canonical positive integer: ASCII digits, no sign, no spaces, no leading zeros, at most
 * Number.MAX_SAFE_INTEGER (which also keeps it inside PostgreSQL bigint: no 22003 overflow reaches SQL).
 * Anything else is refused (1002 / 400 naming the field), never normalised. Blank counts as absent.
 */
import { invalidError } from '../../platform/errors.ts';

/** The legacy names of the id, in the order they are reported. */
export const SUBSCRIPTION_ID_FIELDS = ['sinch_no', 'sinchno'] as const;

const CANONICAL = /^[1-9][0-9]{0,15}$/;

/** A subscription id given as a form string or a JSON number; throws naming `field` unless canonical. */
export function parseSubscriptionId(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && CANONICAL.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw invalidError(field, '신청번호는 앞에 0이 없는 양의 정수입니다 (a positive integer without sign, spaces or leading zeros)');
  }
  return n;
}

/**
 * The subscription id of a call: `sinch_no` or `sinchno` (undefined when neither is given or both are
 * blank). Given both, they must be the same canonical number.
 */
export function readSubscriptionId(input: Record<string, unknown>): number | undefined {
  let found: { field: string; id: number } | undefined;
  for (const field of SUBSCRIPTION_ID_FIELDS) {
    const raw = input[field];
    if (raw === undefined || raw === null || raw === '') continue;
    const id = parseSubscriptionId(raw, field);
    if (found && found.id !== id) {
      throw invalidError(field, `${found.field}(${found.id})와 ${field}(${id})가 다릅니다. 하나만 보내세요 (${found.field} and ${field} differ; send one)`);
    }
    found ??= { field, id };
  }
  return found?.id;
}
