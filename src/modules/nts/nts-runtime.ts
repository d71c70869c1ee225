/**
 * NTS filing assembled from the adapters the composition root chose: the gateway's base URL and the NTS
 * encryption certificate (given, from NTS_GATEWAY_CERT, or fetched from <base URL>/kmCert.der), our ASP
 * signing key, and the filing pipeline. Which NTS that is — the real one or the shipped simulator — is not
 * this module's business: it never starts a simulator (src/composition/nts.ts does, on the embedded default).
 */
import fs from 'node:fs';
import type { Ctx } from '../../platform/context.ts';
import { pemOrDer } from '../signing/asn1-der.ts';
import { createNtsFiling, type NtsFiling } from './nts-filing.ts';
import { SoapNtsGateway, type NtsGateway } from './nts-gateway.ts';
import type { Party, SoapSigner } from './transport/soap-message.ts';

export interface NtsRuntime {
  filing: NtsFiling;
  gateway: NtsGateway;
  /** The api role's base URL, once listening (default reply URL = <it>/nts/results). */
  setApiUrl(url: string | undefined): void;
}

export interface NtsRuntimeOptions {
  /** Base URL of the NTS web services (`…/services/SubmitEtaxInvoice`, `…/services/RequestResults` are appended). */
  baseUrl: string;
  /** The NTS encryption certificate (DER); default: NTS_GATEWAY_CERT's file, else fetched from `<baseUrl>/kmCert.der`. */
  ntsCertificate?: Buffer;
  /** Our (the ASP's) WS-Security key and certificate (asp-credentials.ts). */
  aspSigner: () => Promise<SoapSigner>;
}

export function createNtsRuntime(ctx: Ctx, opts: NtsRuntimeOptions): NtsRuntime {
  const cfg = ctx.config.nts;
  const aspParty: Party = { partyId: cfg.aspBizno, partyName: 'Hanbill' };
  const gateway = new SoapNtsGateway({
    baseUrl: opts.baseUrl,
    ntsCertificate: opts.ntsCertificate ?? ntsCertificateOf(opts.baseUrl, cfg.gatewayCertFile, cfg.timeoutMs),
    aspSigner: opts.aspSigner,
    aspParty,
    timeoutMs: cfg.timeoutMs,
  });
  let apiUrl: string | undefined;
  const filing = createNtsFiling(ctx, {
    gateway,
    aspSigner: opts.aspSigner,
    aspParty,
    replyTo: () => cfg.replyUrl ?? `${apiUrl ?? ctx.config.publicUrl}/nts/results`,
  });
  return {
    filing,
    gateway,
    setApiUrl: (url) => {
      apiUrl = url;
    },
  };
}

/** The configured certificate file, or the one the service publishes (fetched on first use, not at start). */
function ntsCertificateOf(baseUrl: string, certFile: string | undefined, timeoutMs: number): Buffer | (() => Promise<Buffer>) {
  if (certFile) return pemOrDer(fs.readFileSync(certFile), ['CERTIFICATE']);
  const url = `${baseUrl}/kmCert.der`;
  return async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
}
