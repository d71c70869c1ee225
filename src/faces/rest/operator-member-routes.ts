/**
 * REST (operator): confirming a member's business number, which opens its purchase ledger (docs/documents.md);
 * clearing a member's 보안로그인 when the member lost the device (docs/member-web.md).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.ts';
import { confirmBiznoByOperator } from '../../modules/accounts/bizno-proofs.ts';
import { clearMemberSecondFactor, MAX_CLEAR_REASON_LENGTH } from '../../modules/member-web/clear-member-second-factor.ts';
import type { Actor } from '../../modules/access/audit-log.ts';
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
const SecondFactorCleared = Type.Object(
  {
    memberNo: Type.Integer({ description: '회원번호' }),
    clearedAt: Type.String({ format: 'date-time' }),
    sessionsEnded: Type.Integer({ description: 'member-web sessions of the member ended' }),
  },
  { $id: 'SecondFactorCleared' },
);
const security = [{ operatorToken: [] }];
const MemberNoParams = Type.Object({ memberNo: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
/** The operator token names no operator: the audit log records it as such, with the caller's address. */
const tokenActor = (ip: string): Actor => ({ kind: 'operator', id: null, label: 'operator-token', ip });

export async function operatorMemberRoutes(instance: FastifyInstance, opts: { ctx: Ctx; operatorToken: string }): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = opts;
  app.addSchema(BiznoProof);
  app.addSchema(SecondFactorCleared);
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
        params: MemberNoParams,
        body: Type.Object({ bizno: Bizno, note: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: Type.Ref('BiznoProof'), ...errors(400, 401, 404) },
      },
    },
    async (req) => confirmBiznoByOperator(ctx, req.params.memberNo, req.body),
  );
  app.delete(
    '/v1/operator/members/:memberNo/second-factor',
    {
      schema: {
        tags: ['members (operator)'],
        security,
        summary: '보안로그인 해제 (operator clears a member\'s second factor after a lost device)',
        description:
          'For a member who lost the device of its 보안로그인 (members have no recovery codes): turns the second factor off, ends every member-web session of the member, clears its code lockout, records the operator and `reason` in the audit log and mails the member (Korean, then English) to turn it on again. A member without 보안로그인 answers 409 and nothing changes.',
        params: MemberNoParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: MAX_CLEAR_REASON_LENGTH, description: '해제 사유 (kept in the audit log)' }) }),
        response: { 200: Type.Ref('SecondFactorCleared'), ...errors(400, 401, 404, 409) },
      },
    },
    async (req) => clearMemberSecondFactor(ctx, tokenActor(req.ip), { memberNo: req.params.memberNo, input: req.body }),
  );
}
