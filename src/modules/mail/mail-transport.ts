/**
 * Outgoing mail: one small interface over a pooled nodemailer SMTP transport.
 *
 * Failures come back as MailSendError with `permanent` telling a retrying caller whether sending the
 * same message again can ever work: an SMTP 5xx reply (the message or every recipient refused) is
 * permanent; a connection failure, a timeout or a 4xx reply is temporary. Error messages never carry
 * the credentials of the SMTP URL.
 */
import { metrics } from '../../platform/metrics.ts';
import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { Logger } from '../../platform/context.ts';

export interface OutgoingAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMail {
  /** Sender; the transport's default `from` (MAIL_FROM) when absent. */
  from?: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: OutgoingAttachment[];
  /** Extra headers (e.g. X-Hanbill-Document-Id); names must be RFC 5322 field names. */
  headers?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients the server refused while accepting the message for others. */
  rejected: string[];
}

export interface MailTransport {
  send(message: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

/** What went wrong, coarsely: lets callers log and alert without parsing messages. */
export type MailFailureKind =
  /** The server answered a command with a negative SMTP reply (see responseCode). */
  | 'rejected'
  /** Could not connect, or the connection broke (refused, reset, DNS, proxy, protocol garbage). */
  | 'connection'
  /** Connecting, the greeting or a reply took too long. */
  | 'timeout'
  /** The server refused our credentials, or wants some we do not have. A configuration problem. */
  | 'auth'
  /** STARTTLS / TLS handshake failed. A configuration problem. */
  | 'tls'
  /** The message itself is unusable before anything is sent (bad address, no recipients, …). */
  | 'message'
  | 'unknown';

export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    /** true: sending this message again will fail the same way; do not retry. */
    readonly permanent: boolean,
    readonly kind: MailFailureKind,
    /** nodemailer error code (ECONNECTION, ETIMEDOUT, EENVELOPE, …) when there was one. */
    readonly code: string | undefined,
    /** SMTP reply code when the server answered (550, 451, …). */
    readonly responseCode: number | undefined,
    /** SMTP command that failed (RCPT TO, DATA, CONN, …) when known. */
    readonly command: string | undefined,
    /** Recipients the server refused, when the failure is about recipients. */
    readonly rejected: string[] = [],
  ) {
    super(message);
  }
}

export interface SmtpTransportOptions {
  /** Parallel SMTP connections of the pool (default: the URL's ?maxConnections=, else 5). */
  maxConnections?: number;
  /** Messages sent over one connection before it is recycled (default: the URL's ?maxMessages=, else 100). */
  maxMessages?: number;
  /** Defaults: connection 10 s, greeting 10 s, socket inactivity 30 s. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  logger?: Logger;
}

/** The subset of a nodemailer error we read (nodemailer sets these as own properties). */
interface SmtpErrorLike {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  rejected?: unknown;
}

const TEMPORARY_CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'EPROXY', 'EPROTOCOL', 'EMAXLIMIT', 'EABORT']);
const MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'ESTREAM', 'EFILEACCESS', 'EURLACCESS', 'EFETCH']);

/**
 * Classify a nodemailer (or socket) error.
 * - an SMTP reply: 5xx permanent (503 "bad sequence" excepted: a session-state problem, not a refusal), 4xx temporary;
 *   "all recipients rejected" carries the reply of a deferred (4xx) recipient when there was one, else the 5xx one;
 * - connection problems and timeouts: temporary;
 * - authentication and TLS failures: temporary — they are configuration problems that an operator fixes, after
 *   which the very same message goes through, so a queue must not give up on it (kind tells them apart);
 * - a message refused before any SMTP exchange (invalid address, no recipients): permanent.
 */
export function classifySmtpError(err: unknown): { permanent: boolean; kind: MailFailureKind } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code === 'ETIMEDOUT') return { permanent: false, kind: 'timeout' };
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') return { permanent: false, kind: 'auth' };
  if (code === 'ETLS' || code === 'EREQUIRETLS') return { permanent: false, kind: 'tls' };
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    return { permanent: responseCode >= 500 && responseCode !== 503, kind: 'rejected' };
  }
  if (code !== undefined && TEMPORARY_CONNECTION_CODES.has(code)) return { permanent: false, kind: 'connection' };
  if (code !== undefined && MESSAGE_CODES.has(code)) return { permanent: true, kind: 'message' };
  // plain socket errors that did not go through nodemailer's wrapping
  if (code !== undefined && /^(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(code)) {
    return { permanent: false, kind: 'connection' };
  }
  return { permanent: false, kind: 'unknown' };
}

/** Secrets of an SMTP URL, in every form they could show up in a message (plain, %-encoded, base64 of AUTH PLAIN/LOGIN). */
function secretsOf(url: string): string[] {
  const secrets = new Set<string>();
  let user = '';
  let pass = '';
  try {
    const u = new URL(url);
    user = decodeURIComponent(u.username);
    pass = decodeURIComponent(u.password);
    if (u.username) secrets.add(u.username);
    if (u.password) secrets.add(u.password);
  } catch {
    // not a URL: the whole text is treated as a secret below
  }
  if (pass) {
    secrets.add(pass);
    secrets.add(Buffer.from(pass).toString('base64'));
    secrets.add(Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'));
  }
  if (user.length >= 3) {
    secrets.add(user);
    secrets.add(Buffer.from(user).toString('base64'));
  }
  secrets.add(url);
  // longest first, so a secret containing another is removed whole
  return [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** `smtp://host:port` of a URL, without credentials or query (safe to log). */
export function safeSmtpTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'smtp://(unparsable URL)';
  }
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

const HEADER_NAME = /^[!-9;-~]+$/; // RFC 5322 field name: printable ASCII except ':'

function toNodemailerHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new MailSendError(`invalid header name ${JSON.stringify(name)}`, true, 'message', undefined, undefined, 'API');
    // a CR or LF in a value would start a new header line (header injection)
    out[name] = value.replace(/[\r\n]+/g, ' ');
  }
  return out;
}

function addressText(a: unknown): string {
  if (typeof a === 'string') return a;
  if (typeof a === 'object' && a !== null && 'address' in a && typeof (a as { address: unknown }).address === 'string') {
    return (a as { address: string }).address;
  }
  return String(a);
}

/** A pool size given in the URL's query (nodemailer parses numbers), when it is a positive number. */
function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? value : undefined;
}

/**
 * A pooled SMTP transport for `url` (smtp:// or smtps://, credentials in the URL, nodemailer query options such as
 * `?ignoreTLS=true` or the pool's `?maxConnections=10&maxMessages=500` honoured). `from` is used when a message
 * names no sender.
 */
export function createSmtpTransport(url: string, from: string, options: SmtpTransportOptions = {}): MailTransport {
  const secrets = secretsOf(url);
  const target = safeSmtpTarget(url);
  const log = options.logger;
  let parsed: ReturnType<typeof parseConnectionUrl>;
  try {
    parsed = parseConnectionUrl(url);
  } catch {
    throw new MailSendError(`SMTP URL for ${target} could not be parsed`, false, 'unknown', 'ECONFIG', undefined, 'API');
  }
  const transporter = nodemailer.createTransport(
    {
      ...parsed,
      pool: true,
      maxConnections: options.maxConnections ?? positive(parsed.maxConnections) ?? 5,
      maxMessages: options.maxMessages ?? positive(parsed.maxMessages) ?? 100,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
      // attachments are Buffers only: never let message content make the process read files or fetch URLs
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
    },
    { from },
  );
  // an idle pooled connection that breaks is reported here; without a listener it would crash the process
  transporter.on('error', (err: Error) => {
    log?.warn({ smtp: target, err: redact(String(err.message), secrets) }, 'SMTP pool connection error');
  });

  let closed = false;

  return {
    async send(message: OutgoingMail): Promise<SendResult> {
      if (closed) throw new MailSendError(`SMTP transport to ${target} is closed`, false, 'connection', 'ECONNECTION', undefined, 'API');
      const headers = toNodemailerHeaders(message.headers);
      try {
        const info = await transporter.sendMail({
          ...(message.from !== undefined ? { from: message.from } : {}),
          to: message.to,
          ...(message.cc && message.cc.length > 0 ? { cc: message.cc } : {}),
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(headers ? { headers } : {}),
          ...(message.attachments && message.attachments.length > 0
            ? {
                attachments: message.attachments.map((a) => ({
                  filename: a.filename,
                  content: a.content,
                  contentType: a.contentType,
                })),
              }
            : {}),
        });
        metrics.inc('hanbill_mails_total', { outcome: 'sent' });
        return {
          messageId: String(info.messageId),
          accepted: (info.accepted ?? []).map(addressText),
          rejected: (info.rejected ?? []).map(addressText),
        };
      } catch (err) {
        const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorLike;
        const { permanent, kind } = classifySmtpError(err);
        const code = typeof e.code === 'string' ? e.code : undefined;
        const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
        const command = typeof e.command === 'string' ? e.command : undefined;
        const rejected = Array.isArray(e.rejected) ? e.rejected.map(addressText) : [];
        const detail = redact(String(e.message ?? err), secrets);
        const text = `mail to ${target} failed (${permanent ? 'permanent' : 'temporary'}, ${kind}${code ? `, ${code}` : ''}${command ? `, ${command}` : ''}): ${detail}`;
        const sendError = new MailSendError(text, permanent, kind, code, responseCode, command, rejected);
        log?.warn({ smtp: target, permanent, kind, code, responseCode, command }, 'mail send failed');
        metrics.inc('hanbill_mails_total', { outcome: 'failed' });
        throw sendError;
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      transporter.close();
    },
  };
}
