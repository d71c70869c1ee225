/**
 * `hanbill sign` / `hanbill verify`: sign an unsigned NTS tax invoice read on stdin, or verify a
 * signed one. Streams are parameters so the commands run in-process in tests.
 *
 *   hanbill sign --cert signCert.der --key signPri.key --password P [--bizno 2048631263] < in.xml > out.xml
 *   hanbill sign --pfx cert.p12 --password P < in.xml > out.xml
 *   hanbill verify < signed.xml
 *
 * The password may also come from an environment variable: --password-env NAME (keeps it out of
 * the process list). Exit codes: 0 ok/valid, 1 failed/invalid (reason on stderr), 2 usage error.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError, composeMessage } from '../../platform/errors.ts';
import { loadNpkiPrivateKey } from '../../modules/signing/npki-private-key.ts';
import { loadPkcs12 } from '../../modules/signing/pkcs12.ts';
import { expiryStatus, parseSigningCertificate, verifyVid, type SigningCertificate } from '../../modules/signing/signing-certificate.ts';
import { signTaxInvoice, verifyTaxInvoice } from '../../modules/signing/tax-invoice-signature.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const SIGN_USAGE = `usage: hanbill sign (--cert signCert.der --key signPri.key | --pfx file.p12) (--password P | --password-env NAME) [--bizno N] < unsigned.xml > signed.xml`;
const VERIFY_USAGE = 'usage: hanbill verify < signed.xml';

class UsageError extends Error {}

type Options = Map<string, string>;

function parseOptions(args: string[], known: readonly string[]): Options {
  const options: Options = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match || !known.includes(match[1]!)) throw new UsageError(`unknown argument "${arg}"`);
    const name = match[1]!;
    let value = match[2];
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (options.has(name)) throw new UsageError(`--${name} given twice`);
    options.set(name, value);
  }
  return options;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** NTS invoices are UTF-8; refuse anything else instead of guessing. */
function decodeXml(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^(?:\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    throw new AppError('field_invalid', `전자세금계산서 XML은 UTF-8이어야 합니다 (tax invoice XML must be UTF-8, got ${declared})`, { field: 'xml' });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('field_invalid', '입력이 올바른 UTF-8이 아닙니다 (input is not valid UTF-8)', { field: 'xml' });
  }
}

function readFileOption(options: Options, name: string): Buffer {
  const path = options.get(name)!;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new AppError('field_invalid', `파일을 읽을 수 없습니다: ${path} (cannot read file)`, { field: name, cause: err });
  }
}

function passwordFrom(options: Options): string {
  const direct = options.get('password');
  const envName = options.get('password-env');
  if ((direct === undefined) === (envName === undefined)) throw new UsageError('give exactly one of --password or --password-env');
  if (direct !== undefined) return direct;
  const value = process.env[envName!];
  if (value === undefined) throw new UsageError(`environment variable ${envName} is not set`);
  return value;
}

function describeExpiry(cert: SigningCertificate): string | undefined {
  switch (expiryStatus(cert)) {
    case 'expired':
      return `경고: 인증서가 ${cert.notAfter.toISOString()}에 만료되었습니다 (warning: certificate expired)`;
    case 'not_yet_valid':
      return `경고: 인증서 유효기간이 ${cert.notBefore.toISOString()}부터입니다 (warning: certificate not yet valid)`;
    case 'expiring':
      return `경고: 인증서가 ${cert.notAfter.toISOString()}에 만료됩니다 (warning: certificate expires soon)`;
    default:
      return undefined;
  }
}

async function reportFailure(err: unknown, stderr: NodeJS.WritableStream, usage: string): Promise<number> {
  if (err instanceof UsageError) {
    await write(stderr, `${err.message}\n${usage}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof AppError) {
    await write(stderr, `${composeMessage(err)}\n`);
    return EXIT_FAILED;
  }
  throw err;
}

export async function runSign(
  args: string[],
  stdin: NodeJS.ReadableStream,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  try {
    const options = parseOptions(args, ['cert', 'key', 'pfx', 'password', 'password-env', 'bizno']);
    const password = passwordFrom(options);
    const usePfx = options.has('pfx');
    if (usePfx ? options.has('cert') || options.has('key') : !(options.has('cert') && options.has('key'))) {
      throw new UsageError('give either --cert and --key, or --pfx');
    }

    let privateKey: KeyObject;
    let certificateDer: Buffer;
    let randomNum: Buffer | undefined;
    if (usePfx) {
      ({ privateKey, certificateDer, randomNum } = loadPkcs12(readFileOption(options, 'pfx'), password));
    } else {
      certificateDer = parseSigningCertificate(readFileOption(options, 'cert')).der;
      ({ privateKey, randomNum } = loadNpkiPrivateKey(readFileOption(options, 'key'), password));
    }
    const cert = parseSigningCertificate(certificateDer);

    const bizno = options.get('bizno');
    if (bizno !== undefined) {
      if (!randomNum) {
        throw new AppError('certificate_invalid', 'R값이 없어 사업자번호를 확인할 수 없습니다 (no R value to check the business number against)', { field: 'bizno' });
      }
      if (!verifyVid(cert, bizno, randomNum)) {
        throw new AppError('certificate_invalid', `인증서가 사업자번호 ${bizno}의 것이 아닙니다 (the certificate's VID does not match this business number)`, { field: 'bizno' });
      }
    }
    const warning = describeExpiry(cert);
    if (warning) await write(stderr, `${warning}\n`);

    const signed = signTaxInvoice(decodeXml(await readAll(stdin)), privateKey, certificateDer);
    await write(stdout, signed);
    return EXIT_OK;
  } catch (err) {
    return reportFailure(err, stderr, SIGN_USAGE);
  }
}

export async function runVerify(
  args: string[],
  stdin: NodeJS.ReadableStream,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  try {
    parseOptions(args, []);
    const result = verifyTaxInvoice(decodeXml(await readAll(stdin)));
    if (!result.valid || !result.certificateDer) {
      await write(stderr, `서명 검증 실패 (signature invalid): ${result.reason ?? 'unknown reason'}\n`);
      return EXIT_FAILED;
    }
    const cert = parseSigningCertificate(result.certificateDer);
    const subject = cert.subject.replace(/\n/g, ', ');
    await write(
      stdout,
      `서명 유효 (signature valid): ${subject}; serial ${cert.serialNumber}; certificate ${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()} (${expiryStatus(cert)})\n`,
    );
    return EXIT_OK;
  } catch (err) {
    return reportFailure(err, stderr, VERIFY_USAGE);
  }
}
