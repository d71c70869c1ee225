/**
 * The API guard of the legacy and REST faces (`Authorization: Bearer <Access Key>`).
 *
 * With a key: it must exist, be ON, not be deleted or replaced by a reissue; its partner must not be
 * suspended; the caller's IP must be on the key's allow-list (an empty list refuses every call: a key
 * without a registered server IP is not usable). A partner reaches only its own members: a subscription or
 * member login of another partner's (or of no partner's) member is refused as not found.
 *
 * Without a key, a call about a subscription or member login of a partner's member obeys that partner:
 * refused while the partner is suspended, and, when the partner has live keys, only from an IP on one of
 * their allow-lists (LEGACY-API.md, Transport).
 *
 * The request is face-neutral: each face says what the call is about (`subject`), read with the same reader
 * its handler then uses (the legacy face: `readSubscriptionId` on `sinch_no`/`sinchno`, or the `id` of
 * _service.aspx/_auth.aspx; REST: the path's subscription id), so the guard authorises exactly the
 * subscription the handler acts on. `field` is the face's name of that input, so a refusal names it.
 *
 * Every refusal is a clear AppError (REST 401/403, legacy 2005/2006) and is written to the audit log.
 */
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { kstDateTime } from '../../platform/clock.ts';
import { audit } from './audit-log.ts';
import { accessKeyHash, visiblePrefix } from './api-key-secrets.ts';
import { callerIp } from './ip-address.ts';

/** What a call acts on, as its face read it; `field` is the face's name of that input (named by a refusal). */
export type GuardSubject = { subscriptionId: number; field: string } | { loginId: string; field: string };

export interface GuardRequest {
  face: 'legacy' | 'rest';
  ip: string;
  bearer: string | undefined;
  /** Undefined: the call names no subscription or member (e.g. registering a new member). */
  subject: GuardSubject | undefined;
  /** What was called (`_member.aspx insert`, `GET /v1/partner/me`): for the audit log and the warning only. */
  operation: string;
  /**
   * A read of the partner's own billing (bills, billing account, expected charges): still answered while the partner
   * is suspended for arrears, so that it can see what to pay and where. An operator's suspension refuses it too.
   */
  readsOwnBilling?: boolean;
}

/** A partner (approved API-service company) identified by one of its API keys. */
export interface CallerPartner {
  partnerId: number;
  apiKeyId: number;
}

/**
 * Checks a call before dispatch (API key, IP allow-list, suspension). Throws AppError to refuse; returns the
 * partner when a valid partner key was presented. Built by the composition root, required by both faces.
 */
export type ApiGuard = (req: GuardRequest) => Promise<CallerPartner | undefined>;

const TOUCH_EVERY_MS = 60_000;

export function makeApiGuard(ctx: Ctx): ApiGuard {
  const lastTouched = new Map<number, number>();

  const refuse = async (req: GuardRequest, ip: string, err: AppError, who: { partnerId?: number; keyId?: number; prefix?: string }) => {
    await audit(ctx, { kind: who.partnerId ? 'partner' : 'anonymous', id: who.partnerId ?? null, label: who.prefix ?? '', ip }, {
      action: 'api.refused',
      targetKind: who.keyId ? 'api_key' : '',
      targetId: who.keyId ?? null,
      details: { reason: err.code, face: req.face, operation: req.operation, ...(who.prefix ? { keyPrefix: who.prefix } : {}) },
    }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'audit write failed'));
    ctx.log.warn({ ip, reason: err.code, face: req.face, operation: req.operation, keyPrefix: who.prefix }, 'API call refused');
    return err;
  };

  const touch = async (keyId: number) => {
    const now = ctx.clock.now();
    const last = lastTouched.get(keyId);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    lastTouched.set(keyId, now.getTime());
    if (lastTouched.size > 10_000) lastTouched.clear();
    await ctx.db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', keyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - TOUCH_EVERY_MS))]))
      .execute();
  };

  /**
   * The member a call is about, as a subquery of its `partner_id`: no row when no such subscription or login exists;
   * undefined when the call names none. Read in the statement of each path below, so a call costs
   * the guard one statement.
   */
  const subjectMember = (subject: GuardSubject | undefined) => {
    if (subject === undefined) return undefined;
    if ('subscriptionId' in subject) {
      return sql`SELECT m.partner_id FROM subscriptions s JOIN members m ON m.id = s.member_id WHERE s.id = ${subject.subscriptionId}`;
    }
    const id = subject.loginId.trim();
    if (!id) return undefined;
    return sql`SELECT partner_id FROM members WHERE lower(login_id) = ${id.toLowerCase()} LIMIT 1`;
  };

  const notOurs = (subject: GuardSubject) =>
    'subscriptionId' in subject
      ? new AppError('subscription_not_found', `이 파트너의 회원 서비스가 아닙니다 (no such subscription among this partner’s members)`, { field: subject.field })
      : new AppError('credentials_mismatch', `이 파트너의 회원이 아닙니다 (no such member among this partner’s members)`, { field: subject.field });

  return async (req) => {
    const ip = callerIp(req.ip);
    if (req.bearer === undefined) {
      const member = subjectMember(req.subject);
      if (!member) return undefined;
      // the member's partner, whether it is suspended, and the allow-lists of its live keys
      const { rows } = await sql<{ partner_id: number | null; state: string | null; has_live_keys: boolean; allowed: string[] }>`
        SELECT m.partner_id, p.state,
               EXISTS (SELECT 1 FROM api_keys k WHERE k.partner_id = m.partner_id AND k.deleted_at IS NULL) AS has_live_keys,
               ARRAY(SELECT i.address FROM api_key_ips i JOIN api_keys k ON k.id = i.key_id WHERE k.partner_id = m.partner_id AND k.deleted_at IS NULL) AS allowed
          FROM (${member}) m LEFT JOIN partners p ON p.id = m.partner_id`.execute(ctx.db);
      const partner = rows[0];
      if (!partner?.partner_id) return undefined;
      if (partner.state === 'suspended') {
        throw await refuse(req, ip, new AppError('partner_suspended', '연동 API 서비스가 정지된 파트너의 회원입니다 (the partner of this member is suspended)', { field: 'Authorization' }), {
          partnerId: partner.partner_id,
        });
      }
      if (partner.has_live_keys && !partner.allowed.includes(ip)) {
        throw await refuse(req, ip, new AppError('ip_not_allowed', `호출한 IP ${ip}은(는) 이 회원의 파트너가 등록한 IP가 아닙니다 (caller IP ${ip} is not on the partner’s allow-lists)`, { field: 'ip' }), {
          partnerId: partner.partner_id,
        });
      }
      return undefined;
    }

    const given = req.bearer.trim();
    const hash = accessKeyHash(given);
    // the key with its partner, its allow-list and the partner of the member the call is about, in one statement
    const member = subjectMember(req.subject);
    const { rows } = await sql<{
      id: number;
      partner_id: number;
      prefix: string;
      enabled: boolean;
      deleted_at: Date | null;
      state: string;
      suspended_reason: string | null;
      suspension_kind: string | null;
      ips: string[];
      subject_partner_id: number | null;
    }>`
      SELECT k.id, k.partner_id, k.prefix, k.enabled, k.deleted_at, p.state, p.suspended_reason, p.suspension_kind,
             ARRAY(SELECT i.address FROM api_key_ips i WHERE i.key_id = k.id) AS ips,
             ${member ? sql`m.partner_id` : sql`NULL::bigint`} AS subject_partner_id
        FROM api_keys k JOIN partners p ON p.id = k.partner_id
        ${member ? sql`LEFT JOIN LATERAL (${member}) m ON true` : sql``}
       WHERE k.key_hash = ${hash}`.execute(ctx.db);
    const key = rows[0];
    if (!key) {
      const retired = await ctx.db
        .selectFrom('api_key_retired_hashes as r')
        .innerJoin('api_keys as k', 'k.id', 'r.key_id')
        .select(['r.retired_at', 'k.id', 'k.partner_id'])
        .where('r.key_hash', '=', hash)
        .executeTakeFirst();
      if (retired) {
        throw await refuse(
          req,
          ip,
          new AppError('api_key_invalid', `재발급으로 폐기된 API Key입니다 (${kstDateTime(retired.retired_at)} KST) — 새 Access Key를 사용하세요 (this key was replaced by a reissue; use the new Access Key)`, {
            field: 'Authorization',
          }),
          { partnerId: retired.partner_id, keyId: retired.id, prefix: visiblePrefix(given) },
        );
      }
      throw await refuse(req, ip, new AppError('api_key_invalid', '등록되지 않은 API Key입니다 (unknown API key)', { field: 'Authorization' }), {});
    }
    const who = { partnerId: key.partner_id, keyId: key.id, prefix: key.prefix };
    if (key.deleted_at) {
      throw await refuse(req, ip, new AppError('api_key_invalid', '삭제된 API Key입니다 (this API key was deleted)', { field: 'Authorization' }), who);
    }
    if (!key.enabled) {
      throw await refuse(req, ip, new AppError('api_key_disabled', '사용 중지(OFF)된 API Key입니다 (this API key is switched OFF)', { field: 'Authorization' }), who);
    }
    if (key.state === 'suspended' && !(req.readsOwnBilling && key.suspension_kind === 'arrears')) {
      throw await refuse(
        req,
        ip,
        new AppError('partner_suspended', `연동 API 사용이 정지되었습니다${key.suspended_reason ? ` — ${key.suspended_reason}` : ''} (API use of this partner is suspended)`, {
          field: 'Authorization',
        }),
        who,
      );
    }
    const ips = key.ips;
    if (ips.length === 0) {
      throw await refuse(req, ip, new AppError('ip_not_allowed', '이 API Key에 등록된 IP가 없습니다. IP를 등록하세요 (no IP address is registered for this key)', { field: 'ip' }), who);
    }
    if (!ips.includes(ip)) {
      throw await refuse(req, ip, new AppError('ip_not_allowed', `호출한 IP ${ip}은(는) 이 API Key에 등록되지 않았습니다 (caller IP ${ip} is not on this key’s allow-list)`, { field: 'ip' }), who);
    }
    // a subject that does not exist, or is another partner's (or no partner's) member, is refused as not found
    if (member && req.subject && key.subject_partner_id !== key.partner_id) throw await refuse(req, ip, notOurs(req.subject), who);
    await touch(key.id);
    return { partnerId: key.partner_id, apiKeyId: key.id };
  };
}
