/**
 * The carrier gateway, chosen here and only here: CARRIER_GATEWAY_URL (our carrier relay protocol, with
 * CARRIER_REPORT_SECRET), or — unset — the shipped carrier simulator started in-process with a random report
 * secret (HANBILL_CARRIER_SIM_DELAY_MS, HANBILL_CARRIER_SIM_FAULTS).
 */
import crypto from 'node:crypto';
import type { Ctx } from '../platform/context.ts';
import { HttpCarrierGateway } from '../modules/messaging/delivery/http-carrier-gateway.ts';
import { createMessageDelivery, type MessageDelivery } from '../modules/messaging/delivery/message-delivery.ts';
import type { CarrierFaults, CarrierSimulator } from '../simulators/carrier/carrier-simulator.ts';

export interface CarrierSystem {
  delivery: MessageDelivery;
  /** The in-process simulator (embedded default), when CARRIER_GATEWAY_URL is not set. */
  simulator: CarrierSimulator | undefined;
  /** The api role's base URL, once listening (default report URL = <it>/carrier/reports). */
  setApiUrl(url: string | undefined): void;
  close(): Promise<void>;
}

export async function startCarrier(ctx: Ctx): Promise<CarrierSystem> {
  const cfg = ctx.config.carrier;
  // once at start: a real carrier without the notice sender sends no document notices (each is kept as skipped)
  if (!ctx.config.notices.sender) ctx.log.warn({ reason: ctx.config.notices.offReason }, 'document notices are off: set HANBILL_NOTICE_SENDER_KEY and HANBILL_NOTICE_SENDER_NUMBER');
  let apiUrl: string | undefined;
  const reportUrl = () => cfg.reportUrl ?? (apiUrl ? `${apiUrl}/carrier/reports` : undefined);
  const setApiUrl = (url: string | undefined) => {
    apiUrl = url;
  };
  if (cfg.gatewayUrl) {
    const gateway = new HttpCarrierGateway({ baseUrl: cfg.gatewayUrl, timeoutMs: cfg.timeoutMs });
    return { delivery: createMessageDelivery(ctx, { gateway, reportSecret: cfg.reportSecret!, reportUrl }), simulator: undefined, setApiUrl, close: async () => {} };
  }
  // loaded only here: with CARRIER_GATEWAY_URL set the simulator is never loaded
  const { startCarrierSimulator } = await import('../simulators/carrier/carrier-simulator.ts');
  const reportSecret = cfg.reportSecret ?? crypto.randomBytes(32).toString('base64url');
  const simulator = await startCarrierSimulator({
    resultDelayMs: cfg.simDelayMs,
    reportSecret,
    faults: cfg.simFaults as Partial<CarrierFaults>,
    pushRetryMs: 500,
    log: ctx.log,
  });
  if (ctx.config.databaseUrl) ctx.log.warn({ simulator: simulator.url }, 'CARRIER_GATEWAY_URL is not set: messages go to an in-process carrier simulator');
  const gateway = new HttpCarrierGateway({ baseUrl: simulator.url, timeoutMs: cfg.timeoutMs });
  return { delivery: createMessageDelivery(ctx, { gateway, reportSecret, reportUrl }), simulator, setApiUrl, close: () => simulator.close() };
}
