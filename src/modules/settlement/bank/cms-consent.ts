/**
 * CMS direct debit (추심) consent: the partner registers the account to be debited with the bank, after giving its
 * prior withdrawal consent (전자금융거래법 §15: consent must be true; its time and evidence are kept). Only the
 * masked account number is stored; the full number stays with the bank. The method becomes cms: its bills are then
 * debited on their due date (request-due-debits.ts). Withdrawing the consent switches back to the virtual account.
 * Both are audited.
 */
import type { Ctx } from '../../../platform/context.ts';
import { AppError, invalidError, requiredError } from '../../../platform/errors.ts';
import { optionalString, type Input } from '../../../platform/input.ts';
import { audit, type Actor } from '../../access/audit-log.ts';
import { BANK_NAMES, type BankGateway } from './bank-gateway.ts';
import { bankError, ensureBillingAccount, readBillingAccount, type BillingAccountView } from './billing-account.ts';

export interface CmsConsentInput {
  bankCode?: unknown;
  accountNo?: unknown;
  holder?: unknown;
  consent?: unknown;
  evidence?: unknown;
}

export async function registerCmsConsent(ctx: Ctx, gateway: BankGateway, partnerId: number, actor: Actor, input: CmsConsentInput): Promise<BillingAccountView> {
  if (input.bankCode === undefined || input.bankCode === null || input.bankCode === '') throw requiredError('bankCode', '은행 코드');
  if (typeof input.bankCode !== 'string' || !BANK_NAMES[input.bankCode]) throw invalidError('bankCode', '3자리 은행 코드여야 합니다, 예: 088 신한은행 (expected a 3-digit bank code, e.g. 088)');
  if (input.accountNo === undefined || input.accountNo === null || input.accountNo === '') throw requiredError('accountNo', '출금 계좌번호');
  if (typeof input.accountNo !== 'string' || !/^[0-9-]{10,20}$/.test(input.accountNo) || !/^\d{10,16}$/.test(input.accountNo.replace(/-/g, ''))) {
    throw invalidError('accountNo', '계좌번호는 숫자 10~16자리입니다, 하이픈 허용 (expected 10 to 16 digits, hyphens allowed)');
  }
  const holder = optionalString(input as Input, 'holder', { max: 60, textOnly: true });
  if (holder === undefined) throw requiredError('holder', '예금주');
  if (input.consent !== true) throw new AppError('cms_consent_required', '출금 동의(consent: true)가 있어야 추심을 등록할 수 있습니다 (prior withdrawal consent is required: Electronic Financial Transactions Act §15)', { field: 'consent' });
  const givenEvidence = optionalString(input as Input, 'evidence', { max: 500, multiline: true, textOnly: true });
  const accountNo = input.accountNo.replace(/-/g, '');
  const now = ctx.clock.now();
  const evidence = givenEvidence ?? `REST 동의 ${now.toISOString()} (${actor.label ?? actor.kind}${actor.ip ? `, ${actor.ip}` : ''})`;
  // the bank first: a refusal (bad account, holder) leaves nothing changed here; then the account row (and the
  // virtual account, which stays valid beside CMS) and the consent. A failure between them is repaired by the retry:
  // the bank registers the same payerRef once.
  let payer;
  try {
    payer = await gateway.registerPayer({ payerRef: `partner:${partnerId}`, bankCode: input.bankCode, accountNo, holder, consentEvidence: evidence });
  } catch (err) {
    // the protocol's refusal codes name what the bank could not accept
    const e = bankError(err);
    const field = { unknown_bank: 'bankCode', no_such_account: 'accountNo', holder_mismatch: 'holder' }[String(e.details?.['bankReason'] ?? '')];
    throw field ? e.withField(field) : e;
  }
  await ensureBillingAccount(ctx, gateway, partnerId);
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('billing_accounts')
      .set({
        method: 'cms',
        cms_bank_code: input.bankCode as string,
        cms_account_masked: payer.accountMasked,
        cms_holder: holder,
        cms_payer_ref: payer.payerId,
        cms_consent_at: now,
        cms_consent_evidence: evidence,
        cms_withdrawn_at: null,
        updated_at: now,
      })
      .where('partner_id', '=', partnerId)
      .execute();
    await audit(tx, actor, { action: 'billing.cms_consented', targetKind: 'partner', targetId: partnerId, details: { bank: input.bankCode, account: payer.accountMasked, holder, evidence } });
  });
  return (await readBillingAccount(ctx, partnerId))!;
}

export async function withdrawCmsConsent(ctx: Ctx, gateway: BankGateway, partnerId: number, actor: Actor): Promise<BillingAccountView> {
  await ensureBillingAccount(ctx, gateway, partnerId);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('billing_accounts')
      .set({ method: 'virtual_account', cms_withdrawn_at: now, updated_at: now })
      .where('partner_id', '=', partnerId)
      .where('cms_consent_at', 'is not', null)
      .where((eb) => eb.or([eb('cms_withdrawn_at', 'is', null), eb('cms_withdrawn_at', '<', eb.ref('cms_consent_at'))]))
      .returning('partner_id')
      .executeTakeFirst();
    if (r) await audit(tx, actor, { action: 'billing.cms_withdrawn', targetKind: 'partner', targetId: partnerId, details: {} });
  });
  return (await readBillingAccount(ctx, partnerId))!;
}
