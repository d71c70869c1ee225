/**
 * POST /bank/notices — deposits, deposit cancellations and CMS debit results pushed by the bank (our bank relay
 * protocol; not under /v1, not for partners). The body is read raw in this plugin's scope to verify its HMAC
 * signature. 200 once applied (and again for a notice already applied), 401 for a bad signature, 400 naming the
 * field of a malformed notice, 503 while applying fails (the bank retries).
 */
import type { FastifyInstance } from 'fastify';
import { BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER } from '../../modules/settlement/bank/bank-notice-signature.ts';
import type { NoticeAnswer } from '../../modules/settlement/bank/receive-bank-notice.ts';

export interface BankNoticeRoutesOptions {
  receiveNotice(body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<NoticeAnswer>;
}

export async function bankNoticeRoutes(instance: FastifyInstance, opts: BankNoticeRoutesOptions): Promise<void> {
  await instance.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post<{ Body: Buffer }>('/bank/notices', { schema: { hide: true } as Record<string, unknown>, logLevel: 'warn' }, async (req, reply) => {
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      try {
        const answer = await opts.receiveNotice(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), header(BANK_TIMESTAMP_HEADER), header(BANK_SIGNATURE_HEADER));
        if (answer.status === 200) return reply.code(200).send({ applied: answer.applied, outcome: answer.outcome });
        if (answer.status === 400) return reply.code(400).send({ error: answer.error, field: answer.field });
        return reply.code(answer.status).send({ error: answer.error });
      } catch (err) {
        req.log.error({ err: String(err) }, 'bank notice could not be applied');
        return reply.code(503).send({ error: 'the notice could not be applied; send it again' });
      }
    });
  });
}
