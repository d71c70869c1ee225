/**
 * The subscription that issues the bills' tax invoices (docs/settlement.md "Monthly billing: the invoice"):
 *  - HANBILL_BILLING_ISSUER_SUBSCRIPTION: the platform company's own member's subscription (with its certificate);
 *  - unset, with the NTS simulator in process (no NTS_GATEWAY_URL): bootstrapped once — a member `hanbill-platform`
 *    of HANBILL_PLATFORM_BIZNO / HANBILL_PLATFORM_NAME, a subscription, and a test NPKI certificate that the
 *    simulator trusts (valid ten years from the clock's now);
 *  - unset with a real NTS: none. Bills are made, their invoices wait (logged; the bill shows "invoice pending").
 */
import crypto from 'node:crypto';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Tenant } from '../../subscriptions/authenticate-subscription.ts';
import { registerMember } from '../../accounts/register-member.ts';
import { applySubscription } from '../../subscriptions/apply-subscription.ts';
import { uploadCertificate } from '../../certificates/upload-certificate.ts';
import { hashPassword } from '../../../platform/passwords.ts';
import '../../certificates/tables.ts';

export const PLATFORM_LOGIN_ID = 'hanbill-platform';
const DAY_MS = 86_400_000;

/** A certificate the in-process NTS simulator trusts, for the bootstrapped platform member. */
export type TestCertificateSource = (bizno: string, validity: { notBefore: Date; notAfter: Date }) => Promise<{ signCert: Buffer; signPri: Buffer; password: string }>;
const testCertificates = new WeakMap<object, TestCertificateSource>();

/**
 * The composition root, with the NTS simulator in process, gives the test PKI the simulator trusts (modules never
 * load simulators: test/architecture/layers.test.ts). Keyed by the system's database handle.
 */
export function provideTestCertificates(db: object, source: TestCertificateSource): void {
  testCertificates.set(db, source);
}

/** Single flight per context: a tick and a run asking at once bootstrap once. */
const pending = new WeakMap<object, Promise<Tenant | undefined>>();
const warned = new WeakSet<object>();

export async function billingIssuer(ctx: Ctx): Promise<Tenant | undefined> {
  const configured = ctx.config.billing.issuerSubscription;
  if (configured !== undefined) {
    const sub = await ctx.db.selectFrom('subscriptions').select(['id', 'member_id', 'package_id']).where('id', '=', configured).executeTakeFirst();
    if (!sub) throw new AppError('subscription_not_found', `HANBILL_BILLING_ISSUER_SUBSCRIPTION ${configured}: 그런 서비스가 없습니다 (no such subscription)`, { field: 'HANBILL_BILLING_ISSUER_SUBSCRIPTION' });
    return { subscriptionId: Number(sub.id), memberId: Number(sub.member_id), packageId: Number(sub.package_id) };
  }
  if (ctx.config.nts.gatewayUrl !== undefined) {
    if (!warned.has(ctx.config)) {
      warned.add(ctx.config);
      ctx.log.warn('HANBILL_BILLING_ISSUER_SUBSCRIPTION is not set: bills are made, their tax invoices wait until it is');
    }
    return undefined;
  }
  const key = ctx.db as object;
  let p = pending.get(key);
  if (!p) {
    p = bootstrapPlatformIssuer(ctx).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function findPlatformMember(ctx: Ctx) {
  return ctx.db.selectFrom('members').select(['id', 'bizno']).where((eb) => eb(eb.fn('lower', ['login_id']), '=', PLATFORM_LOGIN_ID)).executeTakeFirst();
}

/** Embedded default / in-process NTS simulator only: the platform member, its subscription and certificate. */
async function bootstrapPlatformIssuer(ctx: Ctx): Promise<Tenant> {
  const { platformBizno, platformName } = ctx.config.billing;
  let member = await findPlatformMember(ctx);
  let password: string | undefined;
  if (!member) {
    password = `Pf${crypto.randomBytes(18).toString('base64url')}1!`;
    try {
      await registerMember(ctx, {
        bizno: platformBizno, companyName: platformName, ceoName: '대표이사', businessType: '서비스', businessItem: '전자세금계산서·메시징 API',
        address1: '서울특별시', loginId: PLATFORM_LOGIN_ID, password, userName: '정산담당', email: 'billing@hanbill.local',
      });
    } catch (err) {
      // another process won the race: use its member
      if (!(err instanceof AppError && err.code === 'login_id_taken')) throw err;
      password = undefined;
    }
    member = await findPlatformMember(ctx);
    if (!member) throw new Error('platform member not found after registering it');
    ctx.log.info({ memberId: member.id, bizno: member.bizno }, 'platform member bootstrapped: it issues the bills\' tax invoices (HANBILL_BILLING_ISSUER_SUBSCRIPTION unset, in-process NTS simulator)');
  }
  let sub = await ctx.db.selectFrom('subscriptions').select(['id', 'package_id']).where('member_id', '=', member.id).where('state', '=', 'active').orderBy('id').executeTakeFirst();
  if (!sub) {
    if (password === undefined) {
      // the member exists without a subscription (a start stopped midway): a new password to apply with
      password = `Pf${crypto.randomBytes(18).toString('base64url')}1!`;
      await ctx.db.updateTable('members').set({ password_hash: await hashPassword(password) }).where('id', '=', member.id).execute();
    }
    await applySubscription(ctx, { bizno: member.bizno, loginId: PLATFORM_LOGIN_ID, password, packageId: 1, unitIds: '1', amount: 0, vat: 0, totalAmount: 0 }, { ip: '127.0.0.1' });
    sub = await ctx.db.selectFrom('subscriptions').select(['id', 'package_id']).where('member_id', '=', member.id).where('state', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
  }
  const tenant: Tenant = { subscriptionId: Number(sub.id), memberId: Number(member.id), packageId: Number(sub.package_id) };
  const now = ctx.clock.now();
  const cert = await ctx.db
    .selectFrom('signing_certificates')
    .select('id')
    .where('member_id', '=', member.id)
    .where('replaced_at', 'is', null)
    .where('not_before', '<=', now)
    .where('not_after', '>', new Date(now.getTime() + 30 * DAY_MS))
    .executeTakeFirst();
  const source = testCertificates.get(ctx.db);
  if (!cert && !source) ctx.log.warn({ memberId: member.id }, 'platform member has no certificate: bill invoices are issued but cannot be filed until one is uploaded');
  if (!cert && source) {
    const id = await source(member.bizno, { notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + 3650 * DAY_MS) });
    await uploadCertificate(ctx, tenant, { signCert: id.signCert, signPri: id.signPri, password: id.password });
    ctx.log.info({ memberId: member.id }, 'platform member: a test certificate the in-process NTS simulator trusts');
  }
  return tenant;
}
