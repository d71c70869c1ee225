/**
 * Our (the ASP's) WS-Security key for messages to the NTS (NTS.md §4.2: signed with the ASP's certificate,
 * not the invoicer's). A real deployment registers its certificate with the NTS; until that is configured the
 * platform makes its own: created on first use and kept in `<data dir>/nts/` (asp-key.pem, asp-cert.der),
 * so it stays the same across restarts. Never logged, never returned.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { issueTestCertificate } from '../../simulators/nts/test-pki.ts';
import type { SoapSigner } from './transport/soap-message.ts';

export function aspSignerProvider(dataDir: string | undefined, aspBizno: string): () => Promise<SoapSigner> {
  let signer: Promise<SoapSigner> | undefined;
  return () => (signer ??= Promise.resolve().then(() => loadOrCreate(dataDir, aspBizno)));
}

function loadOrCreate(dataDir: string | undefined, aspBizno: string): SoapSigner {
  const dir = dataDir ? path.join(dataDir, 'nts') : undefined;
  const keyFile = dir && path.join(dir, 'asp-key.pem');
  const certFile = dir && path.join(dir, 'asp-cert.der');
  if (keyFile && certFile && fs.existsSync(keyFile) && fs.existsSync(certFile)) {
    return { privateKey: crypto.createPrivateKey(fs.readFileSync(keyFile)), certDer: fs.readFileSync(certFile) };
  }
  const made = issueTestCertificate({ commonName: `Hanbill ASP ${aspBizno}`, organization: 'Hanbill', notAfter: new Date(Date.now() + 5 * 365 * 86_400_000) });
  if (dir && keyFile && certFile) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(keyFile, made.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      fs.writeFileSync(certFile, made.certDer);
    } catch {
      // read-only data folder: keep the key in memory for this process
    }
  }
  return { privateKey: made.privateKey, certDer: made.certDer };
}
