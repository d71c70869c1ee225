/**
 * Wiring of NTS filing for the composition root: the gateway (NTS_GATEWAY_URL, or the shipped simulator
 * started in-process on the embedded default), our ASP signing key, and the filing pipeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../platform/context.ts';
import { pemOrDer } from '../signing/asn1-der.ts';
import { startNtsSimulator, type NtsSimulator } from '../../simulators/nts/nts-simulator.ts';
import { aspSignerProvider } from './asp-credentials.ts';
import { createNtsFiling, type NtsFiling } from './nts-filing.ts';
import { SoapNtsGateway, type NtsGateway } from './nts-gateway.ts';
import type { Party } from './transport/soap-message.ts';

export interface NtsRuntime {
  filing: NtsFiling;
  gateway: NtsGateway;
  /** The in-process simulator (embedded default), when NTS_GATEWAY_URL is not set. */
  simulator: NtsSimulator | undefined;
  /** The api role's base URL, once listening (default reply URL = <it>/nts/results). */
  setApiUrl(url: string | undefined): void;
  close(): Promise<void>;
}

export async function startNtsRuntime(ctx: Ctx): Promise<NtsRuntime> {
  const cfg = ctx.config.nts;
  let simulator: NtsSimulator | undefined;
  let baseUrl = cfg.gatewayUrl;
  let ntsCertificate: Buffer | (() => Promise<Buffer>);
  if (!baseUrl) {
    simulator = await startNtsSimulator({
      registrationIds: [ctx.config.ntsIssuerCode],
      resultDelayMs: cfg.simResultDelayMs,
      stateDir: path.join(ctx.config.dataDir, 'nts-sim'),
      pushRetryMs: Math.min(cfg.retryMs, 5_000),
      log: ctx.log,
    });
    baseUrl = simulator.url;
    const sim = simulator;
    ntsCertificate = async () => sim.certDer;
    if (ctx.config.databaseUrl) ctx.log.warn({ simulator: sim.url }, 'NTS_GATEWAY_URL is not set: filing goes to an in-process NTS simulator');
  } else if (cfg.gatewayCertFile) {
    ntsCertificate = pemOrDer(fs.readFileSync(cfg.gatewayCertFile), ['CERTIFICATE']);
  } else {
    const url = `${baseUrl}/kmCert.der`;
    ntsCertificate = async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(cfg.timeoutMs) });
      if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    };
  }
  const aspParty: Party = { partyId: cfg.aspBizno, partyName: 'Hanbill' };
  const aspSigner = aspSignerProvider(ctx.config.dataDir, cfg.aspBizno);
  const gateway = new SoapNtsGateway({ baseUrl, ntsCertificate, aspSigner, aspParty, timeoutMs: cfg.timeoutMs });
  let apiUrl: string | undefined;
  const filing = createNtsFiling(ctx, {
    gateway,
    aspSigner,
    aspParty,
    replyTo: () => cfg.replyUrl ?? `${apiUrl ?? ctx.config.publicUrl}/nts/results`,
  });
  return {
    filing,
    gateway,
    simulator,
    setApiUrl: (url) => {
      apiUrl = url;
    },
    close: async () => {
      await simulator?.close();
    },
  };
}
