/** REST (operator): confirming a member's business number, which opens its purchase ledger (docs/documents.md). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { confirmBiznoByOperator } from '../../modules/accounts/bizno-proofs.ts';
import { operatorGuard } from './operator-auth.ts';
import { Bizno, errors } from './schemas.ts';

const BiznoProof = Type.Object(
  {
    memberNo: Type.Integer({ description: '회원번호' }),
    bizno: Type.String({ description: '확인된 사업자등록번호' }),
    subBizno: Type.String({ description: '회원의 종사업장번호 ("" = 없음)' }),
    method: Type.String({ enum: ['certificate', 'operator'], description: 'how it was proven first: certificate VID or operator' }),
    provenAt: Type.String({ format: 'date-time' }),
    note: Type.String(),
  },
  { $id: 'BiznoProof' },
);
const security = [{ operatorToken: [] }];

export async function operatorMemberRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  app.addSchema(BiznoProof);
  app.addHook('onRequest', operatorGuard(opts.operatorToken));
  app.post(
    '/v1/operator/members/:memberNo/bizno-verification',
    {
      schema: {
        tags: ['members (operator)'],
        security,
        summary: '사업자등록번호 확인 (operator confirms a member holds its business number)',
        description:
          'Records that an operator checked the member\'s business number (e.g. its registration certificate). Until a number is proven — by this, or by uploading a signing certificate whose VID matches it — the member\'s purchase ledger stays empty. `bizno` must be the member\'s current number. Repeating it changes nothing.',
        params: Type.Object({ memberNo: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }),
        body: Type.Object({ bizno: Bizno, note: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: Type.Ref('BiznoProof'), ...errors(400, 401, 404) },
      },
    },
    async (req) => confirmBiznoByOperator(ctx, req.params.memberNo, req.body),
  );
}
