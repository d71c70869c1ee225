/**
 * REST (operator): run or resume a period's monthly billing by hand (docs/settlement.md "Monthly billing").
 *   POST /v1/operator/billing/runs { "period": "YYYY-MM" }   operator session (CSRF) or the operator token as Bearer
 * The same period again bills only partners not billed yet: one bill per partner and period, whatever happens.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../platform/context.ts';
import { runBillingByOperator } from '../../../modules/settlement/billing/operator-billing-run.ts';
import { requireOperator } from '../portal-http.ts';
import { csrfHeader, opSecurity, schema } from './schemas.ts';
import { errors } from '../../rest/schemas.ts';

export async function billingRunRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  const op = (req: FastifyRequest) => requireOperator(ctx, req, { operatorToken: opts.operatorToken });

  app.post('/v1/operator/billing/runs', schema({
    tags: ['settlement (operator)'], security: opSecurity, headers: csrfHeader,
    summary: '월 정산 실행 (run or resume the billing of a month that has ended; audited)',
    description: 'Bills every partner with usage in the KST month whose supply is above 0 and that has no bill of the period yet; each bill\'s tax invoice is issued and filed after it. Repeating the call (or running it while the schedule runs) never bills a partner twice: bills are unique per partner and period.',
    body: Type.Object({ period: Type.String({ description: '청구 기간 (KST month) YYYY-MM, ended', examples: ['2026-11'] }) }, { additionalProperties: false }),
    response: {
      200: Type.Object({
        period: Type.String({ description: 'YYYY-MM' }),
        billsCreated: Type.Integer({ description: '이번 실행에서 만든 청구서 (bills this call made)' }),
        billsTotal: Type.Integer({ description: '기간의 청구서 (bills of the period)' }),
        finished: Type.Boolean(),
      }),
      ...errors(400, 401, 403, 409),
    },
  }), async (req) => {
    const o = await op(req);
    return runBillingByOperator(ctx, o.actor, req.body);
  });
}
