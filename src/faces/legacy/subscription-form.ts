/**
 * The legacy form of the subscriptions module (`_service.aspx cmd=SINCHSERVICE`, `_auth.aspx`, and
 * `sinch_no` + `svc_key` on every document call, LEGACY-API.md) ⇄ its camelCase input.
 */
import type { Ctx } from '../../platform/context.ts';
import { withFieldNames } from '../../platform/errors.ts';
import type { Input } from '../../platform/input.ts';
import { readSubscriptionId } from '../../modules/subscriptions/subscription-id.ts';
import { authenticateSubscription, type Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import type { LegacyFields } from './legacy-codec.ts';
import type { CallerPartner } from './legacy-commands.ts';
import { formInput, formNames, type FormTable } from './form-fields.ts';

export const SUBSCRIPTION_FORM: FormTable = {
  pack_code: 'packageId',
  svcunit_code: 'unitIds',
  amount: 'amount',
  vat: 'vat',
  total_amount: 'totalAmount',
  start_date: 'startDate',
  end_date: 'endDate',
  svc_key: 'serviceKey',
};

/**
 * The subscription id of a call (`sinch_no`, alias `sinchno`) read by the one canonical reader the API
 * guard uses too, so the id authorised there is the id acted on here. Its own errors name the form field.
 */
export function subscriptionIdInput(fields: LegacyFields): Input {
  const id = readSubscriptionId(fields);
  return id === undefined ? {} : { subscriptionId: id };
}

/**
 * Core → form names. The id is `sinch_no` on document calls and `sinchno` where the page itself answers
 * with `sinchno` (`_auth.aspx`).
 */
export function subscriptionFormNames(idField: 'sinch_no' | 'sinchno', ...more: FormTable[]): Record<string, string> {
  return { ...formNames(SUBSCRIPTION_FORM, ...more), subscriptionId: idField };
}

const DOCUMENT_CALL_NAMES = subscriptionFormNames('sinch_no');

/** The subscription a document call acts for: its `sinch_no` + `svc_key`, errors named as the form does. */
export async function legacyTenant(ctx: Ctx, fields: LegacyFields, partner: CallerPartner | undefined): Promise<Tenant> {
  const input = { ...formInput(fields, SUBSCRIPTION_FORM), ...subscriptionIdInput(fields) };
  return withFieldNames(DOCUMENT_CALL_NAMES, () =>
    authenticateSubscription(ctx, input['subscriptionId'] as number | undefined, input['serviceKey'] as string | undefined, partner ? { partnerId: partner.partnerId } : undefined),
  );
}
