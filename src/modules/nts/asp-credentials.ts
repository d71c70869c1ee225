/**
 * Our (the ASP's) WS-Security key for messages to the NTS (NTS.md §4.2: signed with the ASP's certificate,
 * not the invoicer's). Two sources, chosen by the composition root:
 *  - configured (HANBILL_NTS_ASP_KEY / HANBILL_NTS_ASP_CERT, each PEM text or a file path): the certificate
 *    registered with the NTS. Read and checked (the key must belong to the certificate) at start, so a wrong
 *    configuration stops the start instead of the first filing;
 *  - self-signed: the embedded default (and the in-process simulator, which accepts any certificate) mints
 *    one on first use and keeps it in `<data dir>/nts/` (asp-key.pem, asp-cert.der), so it stays the same
 *    across restarts. It is minted by modules/signing, never by the simulator's test PKI.
 * The key is never logged, never returned.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../platform/context.ts';
import { pemOrDer } from '../signing/asn1-der.ts';
import { issueSelfSignedCertificate } from '../signing/self-signed-certificate.ts';
import type { SoapSigner } from './transport/soap-message.ts';

const generateRsaKeyPair = promisify(crypto.generateKeyPair);

/** A configured key or certificate that cannot be used; `variable` names the setting to fix. */
export class AspCredentialsError extends Error {
  constructor(
    readonly variable: 'HANBILL_NTS_ASP_KEY' | 'HANBILL_NTS_ASP_CERT',
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'AspCredentialsError';
  }
}

const isPemText = (value: string) => value.includes('-----BEGIN ');

function readSource(variable: AspCredentialsError['variable'], value: string): Buffer {
  if (isPemText(value)) return Buffer.from(value.replace(/\\n/g, '\n'), 'utf8'); // one-line PEM in an env file: \n escapes
  try {
    return fs.readFileSync(value);
  } catch (err) {
    throw new AspCredentialsError(variable, `cannot read the file ${value} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** The configured key and certificate (PEM text or file paths; the key PEM or PKCS#8 DER, the certificate PEM or DER). */
export function loadAspSigner(source: { key: string; cert: string }): SoapSigner {
  const keyBytes = readSource('HANBILL_NTS_ASP_KEY', source.key);
  const certBytes = readSource('HANBILL_NTS_ASP_CERT', source.cert);
  let privateKey: crypto.KeyObject;
  try {
    privateKey = isPemText(keyBytes.toString('latin1')) ? crypto.createPrivateKey(keyBytes) : crypto.createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8' });
  } catch {
    throw new AspCredentialsError('HANBILL_NTS_ASP_KEY', 'not an unencrypted private key (PEM, or PKCS#8 DER)');
  }
  let certDer: Buffer;
  let certificate: crypto.X509Certificate;
  try {
    certDer = pemOrDer(certBytes, ['CERTIFICATE']);
    certificate = new crypto.X509Certificate(certDer);
  } catch {
    throw new AspCredentialsError('HANBILL_NTS_ASP_CERT', 'not an X.509 certificate (PEM or DER)');
  }
  const spki = (k: crypto.KeyObject) => k.export({ format: 'der', type: 'spki' });
  if (!spki(crypto.createPublicKey(privateKey)).equals(spki(certificate.publicKey))) {
    throw new AspCredentialsError('HANBILL_NTS_ASP_KEY', 'the key does not belong to the certificate of HANBILL_NTS_ASP_CERT');
  }
  return { privateKey, certDer };
}

/** A self-signed ASP key kept in `<dataDir>/nts/`, minted on first use (undefined dataDir: in memory only). */
export function selfSignedAspSigner(dataDir: string | undefined, aspBizno: string, log: Logger): () => Promise<SoapSigner> {
  let signer: Promise<SoapSigner> | undefined;
  return () => (signer ??= loadOrMint(dataDir, aspBizno, log));
}

async function loadOrMint(dataDir: string | undefined, aspBizno: string, log: Logger): Promise<SoapSigner> {
  const dir = dataDir ? path.join(dataDir, 'nts') : undefined;
  const keyFile = dir && path.join(dir, 'asp-key.pem');
  const certFile = dir && path.join(dir, 'asp-cert.der');
  if (keyFile && certFile && fs.existsSync(keyFile) && fs.existsSync(certFile)) {
    return { privateKey: crypto.createPrivateKey(fs.readFileSync(keyFile)), certDer: fs.readFileSync(certFile) };
  }
  // the RSA key pair on libuv's thread pool, not the event loop: minted on the first filing, it held the loop for
  // ≈ 0.4 s (7 % of the main thread's samples in the filing window of the issue 13 benchmark)
  const keyPair = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const made = issueSelfSignedCertificate({ commonName: `Hanbill ASP ${aspBizno}`, organization: 'Hanbill', notAfter: new Date(Date.now() + 5 * 365 * 86_400_000), keyPair });
  if (dir && keyFile && certFile) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(keyFile, made.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      fs.writeFileSync(certFile, made.certDer);
    } catch (err) {
      // not fatal (the simulator accepts any certificate), but said: the next start signs with another key
      log.warn({ dir, err: String(err) }, 'self-signed ASP key not kept (data folder not writable): this process signs with a key of its own');
    }
  }
  return { privateKey: made.privateKey, certDer: made.certDer };
}
