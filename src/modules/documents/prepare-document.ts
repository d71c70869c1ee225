/**
 * From a caller's input to a valid document of this subscription: fill the issuer's own party from the
 * member's profile, validate every NTS rule, and check that the caller issues as itself (the supplier,
 * or the trustee of a 위수탁 document) — the NTS checks the signing certificate against that number.
 */
import { AppError } from '../../platform/errors.ts';
import { kstDate } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import { MEMBER_PROFILE_COLUMNS, type MemberProfileRow, type Tenant } from '../subscriptions/authenticate-subscription.ts';
import { applySupplierDefaults, type SupplierProfile } from './supplier-defaults.ts';
import { validateDocument } from './validate-document.ts';
import type { DocumentInput } from './model.ts';

export async function memberProfile(ctx: Ctx, memberId: number): Promise<SupplierProfile> {
  return profileOf(await ctx.db.selectFrom('members').select(MEMBER_PROFILE_COLUMNS).where('id', '=', memberId).executeTakeFirstOrThrow());
}

/** The issuer profile of the tenant's member: read with its authentication when it was (no query), else now. */
export async function tenantProfile(ctx: Ctx, tenant: Tenant): Promise<SupplierProfile> {
  return tenant.member ? profileOf(tenant.member) : memberProfile(ctx, tenant.memberId);
}

function profileOf(m: MemberProfileRow): SupplierProfile {
  const address = [m.addr1, m.addr2].filter(Boolean).join(' ');
  return {
    bizno: m.bizno,
    ...(m.sub_bizno ? { subBizno: m.sub_bizno } : {}),
    name: m.com_name,
    ceoName: m.ceo_name,
    ...(address ? { address } : {}),
    ...(m.uptae ? { businessType: m.uptae } : {}),
    ...(m.jongmok ? { businessItem: m.jongmok } : {}),
    contact: {
      ...(m.dept ? { department: m.dept } : {}),
      name: m.user_name,
      ...(m.user_tel || m.tel ? { tel: m.user_tel || m.tel } : {}),
      email: m.email,
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function prepareDocument(ctx: Ctx, tenant: Tenant, input: unknown, opts: { issue: boolean }): Promise<DocumentInput> {
  return prepareDocumentAs(ctx, await tenantProfile(ctx, tenant), input, opts);
}

/** prepareDocument with the member's profile already read (a bulk write reads it once for its batch). */
export function prepareDocumentAs(ctx: Ctx, profile: SupplierProfile, input: unknown, opts: { issue: boolean }): DocumentInput {
  const consignment = isRecord(input) && (input['consignment'] === true || input['consignment'] === 'true');
  let filled: unknown;
  // 위수탁 without a trustee stays without one (validateDocument refuses it naming `trustee`): filling the whole
  // trustee from the member would silently turn a missing party into the caller itself
  if (consignment && isRecord(input) && isRecord(input['trustee'])) {
    // 위수탁: the subscriber is the trustee (수탁자) who issues on the supplier's behalf
    const asTrustee = applySupplierDefaults({ ...input, supplier: input['trustee'] }, profile) as Record<string, unknown>;
    filled = { ...input, trustee: asTrustee['supplier'] };
  } else if (consignment) {
    filled = input;
  } else {
    filled = applySupplierDefaults(input, profile);
  }
  const doc = validateDocument(filled, { requireBuyerEmail: opts.issue, today: kstDate(ctx.clock.now()) });
  const issuer = doc.consignment ? doc.trustee : doc.supplier;
  const field = doc.consignment ? 'trustee.bizno' : 'supplier.bizno';
  if (issuer && issuer.bizno !== profile.bizno) {
    throw new AppError('field_invalid', `가입한 사업자등록번호(${profile.bizno})로만 발행할 수 있습니다 (you can only issue as your own business number)`, { field });
  }
  return doc;
}
