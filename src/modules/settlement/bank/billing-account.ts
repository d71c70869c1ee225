/**
 * A partner's billing account (docs/settlement.md "Bank"): how it pays — its fixed virtual account (가상계좌),
 * issued once by the bank, or CMS direct debit (추심) after its withdrawal consent — and its credit.
 *
 * ensureBillingAccount creates the billing_accounts row if missing and issues the virtual account once: the bank
 * answers the same account for the same partnerRef ("partner:<id>"), and only the first answer is stored (WHERE
 * va_account_no IS NULL), so concurrent calls leave one account. The holder is the partner company's name.
 */
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { bankName, BankRefusedError, BankTransientError, type BankGateway } from './bank-gateway.ts';
import type { PaymentMethod } from '../tables.ts';
import '../tables.ts';
import '../../access/access-tables.ts';
import '../../accounts/account-tables.ts';

export interface BillingAccountView {
  partnerId: number;
  method: PaymentMethod;
  virtualAccount: { bankCode: string; bankName: string; accountNo: string; holder: string; issuedAt: Date } | null;
  cms: { bankCode: string; bankName: string; accountMasked: string; holder: string; consentAt: Date; evidence: string } | null;
  /** The last withdrawal of the CMS consent, if any. */
  cmsWithdrawnAt: Date | null;
  creditKrw: number;
}

export const partnerRefOf = (partnerId: number): string => `partner:${partnerId}`;

export async function ensureBillingAccount(ctx: Ctx, gateway: BankGateway, partnerId: number): Promise<BillingAccountView> {
  let view = await readBillingAccount(ctx, partnerId);
  if (view?.virtualAccount) return view;
  const partner = await ctx.db
    .selectFrom('partners as p')
    .innerJoin('portal_users as u', 'u.id', 'p.user_id')
    .select(['p.id', 'u.com_name', 'u.name'])
    .where('p.id', '=', partnerId)
    .executeTakeFirst();
  if (!partner) throw new AppError('partner_not_found', '파트너가 없습니다 (no such partner)');
  const now = ctx.clock.now();
  if (!view) await ctx.db.insertInto('billing_accounts').values({ partner_id: partnerId, created_at: now, updated_at: now }).onConflict((oc) => oc.column('partner_id').doNothing()).execute();
  const holder = (partner.com_name ?? partner.name ?? '').trim() || `파트너 ${partnerId}`;
  let va;
  try {
    va = await gateway.issueVirtualAccount({ partnerRef: partnerRefOf(partnerId), holder });
  } catch (err) {
    throw bankError(err);
  }
  await ctx.db
    .updateTable('billing_accounts')
    .set({ va_bank_code: va.bankCode, va_account_no: va.accountNo.replace(/\D/g, ''), va_holder: va.holder || holder, va_issued_at: now, updated_at: now })
    .where('partner_id', '=', partnerId)
    .where('va_account_no', 'is', null)
    .execute();
  view = await readBillingAccount(ctx, partnerId);
  return view!;
}

/** The billing account as it is stored (undefined: none yet). */
export async function readBillingAccount(ctx: Ctx, partnerId: number): Promise<BillingAccountView | undefined> {
  const r = await ctx.db.selectFrom('billing_accounts').selectAll().where('partner_id', '=', partnerId).executeTakeFirst();
  if (!r) return undefined;
  const consented = r.cms_consent_at !== null && (r.cms_withdrawn_at === null || new Date(r.cms_withdrawn_at) < new Date(r.cms_consent_at));
  return {
    partnerId,
    method: r.method,
    virtualAccount: r.va_account_no ? { bankCode: r.va_bank_code ?? '', bankName: bankName(r.va_bank_code), accountNo: r.va_account_no, holder: r.va_holder ?? '', issuedAt: new Date(r.va_issued_at ?? r.created_at) } : null,
    cms: consented
      ? { bankCode: r.cms_bank_code ?? '', bankName: bankName(r.cms_bank_code), accountMasked: r.cms_account_masked ?? '', holder: r.cms_holder ?? '', consentAt: new Date(r.cms_consent_at!), evidence: r.cms_consent_evidence ?? '' }
      : null,
    cmsWithdrawnAt: r.cms_withdrawn_at ? new Date(r.cms_withdrawn_at) : null,
    creditKrw: Number(r.credit_krw),
  };
}

/** A gateway failure as the API shows it: the bank refused (400) or could not be reached (502); nothing changed. */
export function bankError(err: unknown): AppError {
  if (err instanceof BankRefusedError) {
    const said = err.message.replace(/\s*\([^()]*\)$/, '');
    return new AppError('bank_refused', `은행이 요청을 거절했습니다: ${said} (the bank refused: ${err.code})`, { details: { bankReason: err.code } });
  }
  if (err instanceof BankTransientError) return new AppError('bank_unavailable', '은행에 연결할 수 없습니다, 잠시 후 다시 시도하세요 (the bank cannot be reached; try again later)', { cause: err });
  throw err;
}
