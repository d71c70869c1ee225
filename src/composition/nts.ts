/**
 * The NTS adapters, chosen here and only here (the filing module is handed them, it never picks them):
 *  - the gateway: NTS_GATEWAY_URL, or — on the embedded default — the shipped NTS simulator, started in-process;
 *  - our ASP WS-Security key: HANBILL_NTS_ASP_KEY / HANBILL_NTS_ASP_CERT, or a self-signed one kept in the data
 *    folder, said in the log. config.ts refuses a production database (DATABASE_URL) talking to a real NTS
 *    without a configured key; the in-process simulator accepts any certificate, so it may self-sign.
 */
import path from 'node:path';
import { ConfigError } from '../config.ts';
import type { Ctx } from '../platform/context.ts';
import { AspCredentialsError, loadAspSigner, selfSignedAspSigner } from '../modules/nts/asp-credentials.ts';
import { createNtsRuntime, type NtsRuntime } from '../modules/nts/nts-runtime.ts';
import type { SoapSigner } from '../modules/nts/transport/soap-message.ts';
import type { NtsSimulator } from '../simulators/nts/nts-simulator.ts';

export interface NtsSystem extends NtsRuntime {
  /** The in-process simulator (embedded default), when NTS_GATEWAY_URL is not set. */
  simulator: NtsSimulator | undefined;
  close(): Promise<void>;
}

export async function startNts(ctx: Ctx): Promise<NtsSystem> {
  const cfg = ctx.config.nts;
  // the key first: a configuration that cannot be used stops the start before anything is listening
  const aspSigner = aspSignerOf(ctx);
  if (cfg.gatewayUrl) return { ...createNtsRuntime(ctx, { baseUrl: cfg.gatewayUrl, aspSigner }), simulator: undefined, close: async () => {} };

  // loaded only here: with NTS_GATEWAY_URL set the simulator (and its XML schema rules) is never loaded
  const { startNtsSimulator } = await import('../simulators/nts/nts-simulator.ts');
  const simulator = await startNtsSimulator({
    registrationIds: [ctx.config.ntsIssuerCode],
    resultDelayMs: cfg.simResultDelayMs,
    stateDir: path.join(ctx.config.dataDir, 'nts-sim'),
    pushRetryMs: Math.min(cfg.retryMs, 5_000),
    // its signature checks off the server's event loop (issue 13: they took about a fifth of it while filing)
    checkOnWorker: true,
    log: ctx.log,
    // the system's clock: a sandbox clock moved forward (POST /dev/clock) files invoices written "today" without
    // the simulator refusing them as written after their receipt (BIZ009)
    clock: () => ctx.clock.now(),
  });
  if (ctx.config.databaseUrl) ctx.log.warn({ simulator: simulator.url }, 'NTS_GATEWAY_URL is not set: filing goes to an in-process NTS simulator');
  return {
    ...createNtsRuntime(ctx, { baseUrl: simulator.url, ntsCertificate: simulator.certDer, aspSigner }),
    simulator,
    close: () => simulator.close(),
  };
}

/** The configured ASP key (read and checked now), or the self-signed default (minted on first use), logged as such. */
export function aspSignerOf(ctx: Ctx): () => Promise<SoapSigner> {
  const { aspKey, aspCert, gatewayUrl, aspBizno } = ctx.config.nts;
  if (aspKey !== undefined && aspCert !== undefined) {
    let signer: SoapSigner;
    try {
      signer = loadAspSigner({ key: aspKey, cert: aspCert });
    } catch (err) {
      if (err instanceof AspCredentialsError) throw new ConfigError([err.message]);
      throw err;
    }
    return async () => signer;
  }
  const dir = path.join(ctx.config.dataDir, 'nts');
  if (gatewayUrl) {
    // only without DATABASE_URL (config.ts): an embedded install pointed at an NTS it has no registered key for
    ctx.log.warn({ dir, gateway: gatewayUrl }, 'HANBILL_NTS_ASP_KEY is not set: messages to NTS_GATEWAY_URL are signed with a self-signed ASP certificate (embedded default), which the real NTS does not accept');
  } else {
    ctx.log.info({ dir }, 'NTS ASP key: self-signed, kept in the data folder (in-process NTS simulator; set HANBILL_NTS_ASP_KEY and HANBILL_NTS_ASP_CERT for the real NTS)');
  }
  return selfSignedAspSigner(ctx.config.dataDir, aspBizno, ctx.log);
}
