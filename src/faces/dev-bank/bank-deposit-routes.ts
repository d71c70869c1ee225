/**
 * Dev: make the in-process bank simulator send a deposit notice — sandbox money, like a test clock for time.
 *
 *   POST /dev/bank/deposits  {"account": "<virtual account number>", "amount": 55000, "depositor": "홍길동"}
 *                            → 200 {"transactionId": "…"}; the signed notice reaches POST /bank/notices shortly after
 *
 * Registered only where the bank simulator is in process (BANK_GATEWAY_URL unset: the route does not exist in
 * production). It answers only a caller on this machine (the socket's loopback address — never a forwarding
 * header); anyone else gets 403. Bad input → 400 naming the field. Not part of the REST reference.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, invalidError, requiredError } from '../../platform/errors.ts';
import type { BankSimulator } from '../../simulators/bank/bank-simulator.ts';
import { isLoopback } from '../loopback.ts';

export function bankDepositPlugin(simulator: Pick<BankSimulator, 'deposit'>): (app: FastifyInstance) => Promise<void> {
  return async (app: FastifyInstance) => {
    app.post<{ Body: unknown }>('/dev/bank/deposits', { schema: { hide: true } }, async (req, reply) => {
      if (!isLoopback(req.socket.remoteAddress)) throw new AppError('forbidden', '이 서버가 실행 중인 컴퓨터에서만 쓸 수 있습니다 (loopback callers only)');
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw invalidError('body', 'JSON 객체여야 합니다 (expected a JSON object)');
      const account = body['account'];
      if (account === undefined || account === null || account === '') throw requiredError('account', '가상계좌 번호');
      if (typeof account !== 'string' || !/^[0-9-]{6,30}$/.test(account)) throw invalidError('account', '가상계좌 번호는 숫자입니다, 하이픈 허용 (expected the virtual account number: digits, hyphens allowed)');
      const amount = body['amount'];
      if (amount === undefined || amount === null) throw requiredError('amount', '입금액');
      if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || amount > 10_000_000_000) throw invalidError('amount', '입금액은 1원 이상의 정수입니다 (expected a positive integer of won)');
      const depositor = body['depositor'] ?? '';
      if (typeof depositor !== 'string' || depositor.length > 100) throw invalidError('depositor', '입금자명은 100자 이하입니다 (expected at most 100 characters)');
      const transactionId = simulator.deposit({ accountNo: account.replace(/-/g, ''), amountKrw: amount, depositor });
      return reply.header('cache-control', 'no-store').send({ transactionId });
    });
  };
}
