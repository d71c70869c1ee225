/**
 * The legacy face's command kit (the call, its handlers, the OK answer) and the account pages' command tables
 * (cmd → handler). Handlers translate form fields to a use case call and its result to answer fields; nothing
 * else. Every page's table is put in the static page table of `legacy-routes.ts`; later modules add theirs there.
 */
import type { Ctx } from '../../platform/context.ts';
import type { LegacyAnswer, LegacyFields } from './legacy-codec.ts';
import type { CallerPartner } from '../../modules/access/api-guard.ts';
import { registerMember } from '../../modules/accounts/register-member.ts';
import { checkLoginId } from '../../modules/accounts/check-login-id.ts';
import { loginIdTaken } from '../../modules/accounts/member-input.ts';
import { applySubscription } from '../../modules/subscriptions/apply-subscription.ts';
import { getServiceKey, resetServiceKey } from '../../modules/subscriptions/get-service-key.ts';
import { withFieldNames } from '../../platform/errors.ts';
import { formInput, formNames } from './form-fields.ts';
import { CREDENTIAL_FORM, MEMBER_FORM } from './member-form.ts';
import { SUBSCRIPTION_FORM, subscriptionFormNames, subscriptionIdInput } from './subscription-form.ts';

export interface LegacyCall {
  ctx: Ctx;
  fields: LegacyFields;
  /** Caller's IP address (for partner key allow-lists and logs). */
  ip: string;
  /** `Authorization: Bearer …` of a partner, when sent. */
  bearer: string | undefined;
  /** The partner the call acts for, once the API guard has accepted its key (undefined: no partner key). */
  partner?: CallerPartner;
}

/** The partner of a call (approved API-service company), as the API guard accepted its key. */
export type { CallerPartner };

export type LegacyHandler = (call: LegacyCall) => Promise<LegacyAnswer>;
export type LegacyPage = Record<string, LegacyHandler>;

export const OK = { code: '0000', msg: '정상' } as const;

// member fields under their core names and back (`id`, `pwd`, `com_name` … in every answer)
const MEMBER_NAMES = formNames(MEMBER_FORM);

export const memberPage: LegacyPage = {
  insert: async ({ ctx, fields, partner }) => {
    const m = await withFieldNames(MEMBER_NAMES, () => registerMember(ctx, formInput(fields, MEMBER_FORM), partner ? { partnerId: partner.partnerId } : {}));
    return { ...OK, fields: { member_no: m.memberNo, bizno: m.bizno, id: m.loginId } };
  },
  checkid: async ({ ctx, fields }) =>
    withFieldNames(MEMBER_NAMES, async () => {
      const r = await checkLoginId(ctx, formInput(fields, MEMBER_FORM));
      if (!r.available) throw loginIdTaken();
      return { ...OK, msg: '사용 가능한 아이디입니다', fields: { id: r.loginId } };
    }),
};

// SINCHSERVICE: the member's credentials and the application, under their core names and back
const SERVICE_NAMES = subscriptionFormNames('sinch_no', CREDENTIAL_FORM);
// GETSVCKEY / RESETKEY answer `sinchno`, so that is the id's name in their errors too
const AUTH_NAMES = subscriptionFormNames('sinchno', CREDENTIAL_FORM);
const keyInput = (fields: LegacyFields) => ({ ...formInput(fields, CREDENTIAL_FORM), ...subscriptionIdInput(fields) });

export const servicePage: LegacyPage = {
  sinchservice: async ({ ctx, fields, ip }) => {
    const s = await withFieldNames(SERVICE_NAMES, () => applySubscription(ctx, formInput(fields, CREDENTIAL_FORM, SUBSCRIPTION_FORM), { ip }));
    return { ...OK, fields: { sinchno: s.sinchno, db_name: s.dbName, state: s.state, start_date: s.startDate, end_date: s.endDate ?? '' } };
  },
};

const keyAnswer = (k: Awaited<ReturnType<typeof getServiceKey>>): LegacyAnswer => ({
  ...OK,
  fields: { sinchno: k.sinchno, svc_key: k.svcKey, com_name: k.comName, end_date: k.endDate ?? '', state: k.state },
});

export const authPage: LegacyPage = {
  getsvckey: async ({ ctx, fields, ip }) => keyAnswer(await withFieldNames(AUTH_NAMES, async () => getServiceKey(ctx, keyInput(fields), { ip }))),
  resetkey: async ({ ctx, fields, ip }) => keyAnswer(await withFieldNames(AUTH_NAMES, async () => resetServiceKey(ctx, keyInput(fields), { ip }))),
};
