/**
 * The command table of the legacy pages: page → cmd → handler. Handlers translate form fields to a use
 * case call and its result to answer fields; nothing else. Later modules add their pages here.
 */
import type { Ctx } from '../../platform/context.ts';
import type { LegacyAnswer, LegacyFields } from './legacy-codec.ts';
import { registerMember } from '../../modules/accounts/register-member.ts';
import { checkLoginId } from '../../modules/accounts/check-login-id.ts';
import { loginIdTaken } from '../../modules/accounts/member-input.ts';
import { applySubscription } from '../../modules/subscriptions/apply-subscription.ts';
import { getServiceKey, resetServiceKey } from '../../modules/subscriptions/get-service-key.ts';

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

/** A partner (approved API-service company) identified by one of its API keys. */
export interface CallerPartner {
  partnerId: number;
  apiKeyId: number;
}

/**
 * Checks a call before dispatch (API key, IP allow-list, suspension). Throws AppError to refuse;
 * returns the partner when a valid partner key was presented. Set by the composition root.
 */
export type ApiGuard = (req: { face: 'legacy' | 'rest'; ip: string; bearer: string | undefined; page: string; cmd: string; fields: Record<string, string> }) => Promise<CallerPartner | undefined>;

export type LegacyHandler = (call: LegacyCall) => Promise<LegacyAnswer>;
export type LegacyPage = Record<string, LegacyHandler>;

export const OK = { code: '0000', msg: '정상' } as const;

const memberPage: LegacyPage = {
  insert: async ({ ctx, fields, partner }) => {
    const m = await registerMember(ctx, fields, partner ? { partnerId: partner.partnerId } : {});
    return { ...OK, fields: { member_no: m.memberNo, bizno: m.bizno, id: m.id } };
  },
  checkid: async ({ ctx, fields }) => {
    const r = await checkLoginId(ctx, fields);
    if (!r.available) throw loginIdTaken();
    return { ...OK, msg: '사용 가능한 아이디입니다', fields: { id: r.id } };
  },
};

const servicePage: LegacyPage = {
  sinchservice: async ({ ctx, fields, ip }) => {
    const s = await applySubscription(ctx, fields, { ip });
    return { ...OK, fields: { sinchno: s.sinchno, db_name: s.dbName, state: s.state, start_date: s.startDate, end_date: s.endDate ?? '' } };
  },
};

const keyAnswer = (k: Awaited<ReturnType<typeof getServiceKey>>): LegacyAnswer => ({
  ...OK,
  fields: { sinchno: k.sinchno, svc_key: k.svcKey, com_name: k.comName, end_date: k.endDate ?? '', state: k.state },
});

const authPage: LegacyPage = {
  getsvckey: async ({ ctx, fields, ip }) => keyAnswer(await getServiceKey(ctx, fields, { ip })),
  resetkey: async ({ ctx, fields, ip }) => keyAnswer(await resetServiceKey(ctx, fields, { ip })),
};

/** Page names are matched case-insensitively; `taxinvoce.aspx` is the seed's own spelling. */
export const LEGACY_PAGES: Record<string, LegacyPage> = {
  '_member.aspx': memberPage,
  '_service.aspx': servicePage,
  '_auth.aspx': authPage,
};

export function addLegacyPage(name: string, page: LegacyPage, ...aliases: string[]): void {
  for (const n of [name, ...aliases]) LEGACY_PAGES[n.toLowerCase()] = { ...(LEGACY_PAGES[n.toLowerCase()] ?? {}), ...page };
}
