/**
 * REST: the partner's billing account (docs/settlement.md "Bank"), partner Access Key.
 *   GET    /v1/partner/billing/account   the fixed virtual account to pay into (issued on first use), the method,
 *                                        the CMS consent (masked account) and the credit
 *   PUT    /v1/partner/billing/cms       register CMS direct debit (추심) with the partner's withdrawal consent
 *   DELETE /v1/partner/billing/cms       withdraw the consent: back to the virtual account
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import type { ApiGuard } from '../../modules/access/api-guard.ts';
import type { BankGateway } from '../../modules/settlement/bank/bank-gateway.ts';
import { ensureBillingAccount, type BillingAccountView } from '../../modules/settlement/bank/billing-account.ts';
import { registerCmsConsent, withdrawCmsConsent } from '../../modules/settlement/bank/cms-consent.ts';
import { partnerCaller } from './partner-caller.ts';
import { errors, StringEnum } from './schemas.ts';

const Time = Type.String({ format: 'date-time' });

const BillingAccountSchema = Type.Object(
  {
    method: StringEnum(['virtual_account', 'cms'] as const, { description: '결제수단: virtual_account (가상계좌) or cms (추심, CMS 자동이체)' }),
    virtualAccount: Type.Union([
      Type.Object({
        bankCode: Type.String({ description: '은행 코드 (금융결제원), e.g. 088' }),
        bankName: Type.String({ description: '은행명, e.g. 신한은행' }),
        accountNo: Type.String({ description: '가상계좌 번호 (fixed: the same for every bill)' }),
        holder: Type.String({ description: '예금주' }),
        issuedAt: Time,
      }),
      Type.Null(),
    ]),
    cms: Type.Union([
      Type.Object({
        bankCode: Type.String(),
        bankName: Type.String(),
        accountMasked: Type.String({ description: '출금 계좌 (masked: the full number stays with the bank)' }),
        holder: Type.String({ description: '예금주' }),
        consentAt: Type.String({ format: 'date-time', description: '출금 동의 일시 (전자금융거래법 §15)' }),
        evidence: Type.String({ description: '동의 증빙' }),
      }),
      Type.Null(),
    ], { description: 'the live CMS consent, if any' }),
    cmsWithdrawnAt: Type.Union([Time, Type.Null()], { description: 'the last withdrawal of a CMS consent' }),
    creditKrw: Type.Integer({ description: '선수금 (credit from over-payments), spent on the next bills' }),
  },
  { $id: 'BillingAccount', additionalProperties: false },
);

const CmsBody = Type.Object({
  bankCode: Type.String({ description: '출금 은행 코드 (3 digits), e.g. 088', examples: ['088'] }),
  accountNo: Type.String({ description: '출금 계좌번호, 10–16 digits (hyphens allowed); only its masked form is kept', examples: ['110-123-456789'] }),
  holder: Type.String({ description: '예금주', examples: ['(주)파트너'] }),
  consent: Type.Boolean({ description: '출금 동의: must be true (전자금융거래법 §15 prior withdrawal consent)' }),
  evidence: Type.Optional(Type.String({ description: '동의 증빙 (e.g. an electronic-signature reference), ≤ 500 characters; default: this request' })),
});

const partnerSecurity = [{ partnerKey: [] }];

export function billingAccountJson(v: BillingAccountView) {
  return {
    method: v.method,
    virtualAccount: v.virtualAccount && { ...v.virtualAccount, issuedAt: v.virtualAccount.issuedAt.toISOString() },
    cms: v.cms && { ...v.cms, consentAt: v.cms.consentAt.toISOString() },
    cmsWithdrawnAt: v.cmsWithdrawnAt ? v.cmsWithdrawnAt.toISOString() : null,
    creditKrw: v.creditKrw,
  };
}

export async function billingAccountRoutes(instance: FastifyInstance, opts: { ctx: Ctx; guard: ApiGuard; gateway: BankGateway }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, guard, gateway } = opts;
  app.addSchema(BillingAccountSchema);
  const tags = ['settlement'];
  const actorOf = (partnerId: number, ip: string) => ({ kind: 'partner' as const, id: partnerId, label: `partner:${partnerId}`, ip });

  app.get('/v1/partner/billing/account', {
    schema: {
      tags, security: partnerSecurity,
      summary: '결제 계좌 (the partner\'s fixed virtual account to pay into, the payment method, the CMS consent and the credit)',
      description: 'The virtual account is issued by the bank on first use and never changes. A deposit into it pays the oldest unpaid bill first; more than owed becomes credit for the next bill.',
      response: { 200: Type.Ref('BillingAccount'), ...errors(401, 403, 502) },
    },
  }, async (req) => {
    const p = await partnerCaller(req, guard, { readsOwnBilling: true });
    return billingAccountJson(await ensureBillingAccount(ctx, gateway, p.partnerId));
  });

  app.put('/v1/partner/billing/cms', {
    schema: {
      tags, security: partnerSecurity,
      summary: '추심(CMS 자동이체) 등록: the account to debit on each due date, with the withdrawal consent',
      description: 'consent must be true (전자금융거래법 §15); the consent time and evidence are kept, the account number only masked. The method becomes cms. Audited.',
      body: CmsBody,
      response: { 200: Type.Ref('BillingAccount'), ...errors(400, 401, 403, 502) },
    },
  }, async (req) => {
    const p = await partnerCaller(req, guard);
    return billingAccountJson(await registerCmsConsent(ctx, gateway, p.partnerId, actorOf(p.partnerId, req.ip), req.body));
  });

  app.delete('/v1/partner/billing/cms', {
    schema: {
      tags, security: partnerSecurity,
      summary: '추심 해지: withdraw the CMS consent; bills are paid into the virtual account again. Audited.',
      response: { 200: Type.Ref('BillingAccount'), ...errors(401, 403, 502) },
    },
  }, async (req) => {
    const p = await partnerCaller(req, guard);
    return billingAccountJson(await withdrawCmsConsent(ctx, gateway, p.partnerId, actorOf(p.partnerId, req.ip)));
  });
}
