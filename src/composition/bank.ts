/**
 * The bank gateway, chosen here and only here: BANK_GATEWAY_URL (our bank relay protocol, with BANK_NOTICE_SECRET),
 * or — unset — the shipped bank simulator started in-process with a random notice secret (HANBILL_BANK_SIM_DELAY_MS,
 * HANBILL_BANK_SIM_FAULTS). Notices are pushed to <api URL>/bank/notices (bank-notice-routes.ts).
 */
import crypto from 'node:crypto';
import type { Ctx } from '../platform/context.ts';
import type { BankGateway } from '../modules/settlement/bank/bank-gateway.ts';
import { HttpBankGateway } from '../modules/settlement/bank/http-bank-gateway.ts';
import { receiveBankNotice, type NoticeAnswer } from '../modules/settlement/bank/receive-bank-notice.ts';
import type { BankFaults, BankSimulator } from '../simulators/bank/bank-simulator.ts';

export interface BankSystem {
  gateway: BankGateway;
  /** The in-process simulator (embedded default), when BANK_GATEWAY_URL is not set. */
  simulator: BankSimulator | undefined;
  /** The notice receiver behind POST /bank/notices (verifies the shared secret). */
  receiveNotice(body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<NoticeAnswer>;
  /** The api role's base URL, once listening (notice URL = <it>/bank/notices). */
  setApiUrl(url: string | undefined): void;
  close(): Promise<void>;
}

export async function startBank(ctx: Ctx): Promise<BankSystem> {
  const cfg = ctx.config.bank;
  let apiUrl: string | undefined;
  const noticeUrl = () => (apiUrl ? `${apiUrl}/bank/notices` : undefined);
  if (cfg.gatewayUrl) {
    const secret = cfg.noticeSecret!;
    return {
      gateway: new HttpBankGateway({ baseUrl: cfg.gatewayUrl, timeoutMs: cfg.timeoutMs, noticeUrl }),
      simulator: undefined,
      receiveNotice: (body, timestamp, signature) => receiveBankNotice(ctx, secret, body, timestamp, signature),
      setApiUrl: (url) => {
        apiUrl = url;
      },
      close: async () => {},
    };
  }
  // loaded only here: with BANK_GATEWAY_URL set the simulator is never loaded
  const { startBankSimulator } = await import('../simulators/bank/bank-simulator.ts');
  const secret = cfg.noticeSecret ?? crypto.randomBytes(32).toString('base64url');
  const simulator = await startBankSimulator({
    noticeSecret: secret,
    noticeDelayMs: cfg.simDelayMs,
    faults: cfg.simFaults as Partial<BankFaults>,
    pushRetryMs: 500,
    clock: () => ctx.clock.now(),
    log: ctx.log,
  });
  if (ctx.config.databaseUrl) ctx.log.warn({ simulator: simulator.url }, 'BANK_GATEWAY_URL is not set: virtual accounts and debits go to an in-process bank simulator');
  return {
    gateway: new HttpBankGateway({ baseUrl: simulator.url, timeoutMs: cfg.timeoutMs, noticeUrl }),
    simulator,
    receiveNotice: (body, timestamp, signature) => receiveBankNotice(ctx, secret, body, timestamp, signature),
    setApiUrl: (url) => {
      apiUrl = url;
      simulator.setNoticeUrl(noticeUrl());
    },
    close: () => simulator.close(),
  };
}
