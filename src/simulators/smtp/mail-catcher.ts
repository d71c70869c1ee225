/**
 * An in-process SMTP server that keeps what it receives: the embedded default's "outbox" (shown at /dev/mailbox)
 * and the sink of tests. It speaks real SMTP on 127.0.0.1 (no TLS; AUTH accepted but only required when
 * credentials are configured) and keeps the newest messages in memory: at most 500 mails and 16 MiB of messages
 * (≈ 200 tax-invoice mails with their PDF and XML), older ones dropped first.
 *
 * A message is kept raw and parsed (mailparser) when it is first read — list(), get(), or a waitFor() waiting when it
 * arrives — then kept parsed. A server whose mail nobody reads spends nothing on parsing: it was ≈ 1.5 ms of the main
 * thread per tax-invoice mail, as much as nodemailer's whole send (docs/performance.md).
 *
 * Tests can make it misbehave: failNext() answers the next RCPT/DATA commands with an SMTP error (optionally
 * only those for one recipient, so a test's fault cannot be taken by another test's mail), setDelay() holds
 * back the reply to each message.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../platform/context.ts';

export interface CaughtAddress {
  /** Display name, '' when none. */
  name: string;
  address: string;
}

export interface CaughtAttachment {
  /** File name as the sender gave it (decoded: 세금계산서.pdf), 'attachment-<n>' when unnamed. */
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** Content-ID without brackets for inline (cid:) parts. */
  contentId: string | undefined;
  inline: boolean;
}

export interface CaughtMail {
  id: string;
  receivedAt: Date;
  /** SMTP envelope: MAIL FROM and the accepted RCPT TO addresses (includes Bcc recipients). */
  envelope: { from: string; to: string[] };
  /** AUTH user of the session, when the client authenticated. */
  authUser: string | undefined;
  from: CaughtAddress[];
  to: CaughtAddress[];
  cc: CaughtAddress[];
  replyTo: CaughtAddress[];
  subject: string;
  messageId: string | undefined;
  /** Date header. */
  date: Date | undefined;
  text: string | undefined;
  /** HTML body; cid: links to inline images are turned into data: URLs. */
  html: string | undefined;
  /** Raw header lines in order, as received (folded, encoded words untouched). */
  headerLines: { key: string; line: string }[];
  attachments: CaughtAttachment[];
  /** Size of the raw message in bytes. */
  size: number;
}

/** What a mailbox view needs: read access. */
export interface MailboxSource {
  /** Newest first. */
  list(): Promise<CaughtMail[]>;
  get(id: string): Promise<CaughtMail | undefined>;
}

export type FaultCode = 451 | 550;

export interface FaultSpec {
  code: FaultCode;
  message: string;
  /** Which command fails: 'rcpt', 'data', or (default) whichever of the two comes next. */
  stage?: 'rcpt' | 'data' | 'any';
}

export interface FaultScope {
  /**
   * Only mail to this address takes the fault (compared case-insensitively): its RCPT TO, or the DATA of a
   * message whose envelope includes it. Without it the fault is global: whichever mail comes next.
   */
  to?: string;
}

export interface MailCatcherOptions {
  /** TCP port on 127.0.0.1; 0 (default) = a free one. */
  port?: number;
  /** When given, AUTH with exactly these is required; otherwise AUTH is optional and any credentials pass. */
  auth?: { user: string; pass: string };
  /** Mails kept in memory; older ones are dropped (default 500). */
  maxMails?: number;
  /**
   * Bytes of kept mails (their raw sizes) in memory; older ones are dropped beyond it, the newest is always kept
   * (default 16 MiB: a server's RSS stays within its budget, issue 13).
   */
  maxKeptBytes?: number;
  /** Largest message accepted in bytes (default 25 MiB); larger ones get 552. */
  maxMessageBytes?: number;
  logger?: Logger;
}

interface PendingFault {
  remaining: number;
  spec: Required<FaultSpec>;
  /** Lower-cased recipient the fault is limited to; undefined = any mail. */
  to: string | undefined;
}

/** A received message: raw until first read, then parsed. */
interface Kept {
  id: string;
  receivedAt: Date;
  envelope: CaughtMail['envelope'];
  authUser: string | undefined;
  /** Bytes of the raw message. */
  size: number;
  /** Dropped once parsed. */
  raw: Buffer | undefined;
  parsed: Promise<CaughtMail> | undefined;
}

interface Waiter {
  /** Called with each mail that arrives while it waits. */
  offer: (kept: Kept) => void;
}

const HOST = '127.0.0.1';

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** A throwing predicate counts as a non-match (the waiter then times out with its own message). */
function matches(predicate: (mail: CaughtMail) => boolean, mail: CaughtMail): boolean {
  try {
    return predicate(mail);
  } catch {
    return false;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function flattenAddresses(value: AddressObject | AddressObject[] | undefined): CaughtAddress[] {
  if (!value) return [];
  const out: CaughtAddress[] = [];
  const visit = (entries: AddressObject['value']): void => {
    for (const e of entries) {
      if (e.group) visit(e.group);
      else if (e.address !== undefined) out.push({ name: e.name ?? '', address: e.address });
    }
  };
  for (const obj of Array.isArray(value) ? value : [value]) visit(obj.value);
  return out;
}

/** What the SMTP session told about a message, kept at DATA. */
function sessionFields(kept: Kept): Pick<CaughtMail, 'id' | 'receivedAt' | 'envelope' | 'authUser' | 'size'> {
  return { id: kept.id, receivedAt: kept.receivedAt, envelope: kept.envelope, authUser: kept.authUser, size: kept.size };
}

function toCaught(kept: Kept, parsed: ParsedMail): CaughtMail {
  return {
    ...sessionFields(kept),
    from: flattenAddresses(parsed.from),
    to: flattenAddresses(parsed.to),
    cc: flattenAddresses(parsed.cc),
    replyTo: flattenAddresses(parsed.replyTo),
    subject: parsed.subject ?? '',
    messageId: parsed.messageId,
    date: parsed.date,
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    headerLines: parsed.headerLines.map((h) => ({ key: h.key, line: h.line })),
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename ?? `attachment-${i + 1}`,
      contentType: a.contentType,
      size: a.size,
      content: a.content,
      contentId: a.cid,
      inline: a.contentDisposition === 'inline' || a.related === true,
    })),
  };
}

/** A message mailparser refused: what the session told, and the raw message with the reason as its text. */
function unparsed(kept: Kept, raw: Buffer, reason: string): CaughtMail {
  const text = `(this message could not be parsed: ${reason})\n\n${raw.toString('latin1')}`;
  return { ...sessionFields(kept), from: [], to: [], cc: [], replyTo: [], subject: '', messageId: undefined, date: undefined, text, html: undefined, headerLines: [], attachments: [] };
}

export class MailCatcher implements MailboxSource {
  private readonly opts: MailCatcherOptions;
  private readonly maxMails: number;
  private readonly maxKeptBytes: number;
  /** Raw bytes of the kept mails. */
  private keptBytes = 0;
  private readonly maxMessageBytes: number;
  /** Oldest first. */
  private mails: Kept[] = [];
  private readonly byId = new Map<string, Kept>();
  private seq = 0;
  private faults: PendingFault[] = [];
  private delayMs = 0;
  private waiters = new Set<Waiter>();
  private server: SMTPServer | undefined;
  private url: string | undefined;
  /** Prefix of ids, so ids of one catcher are not mistaken for another's after a restart. */
  private readonly idPrefix = randomBytes(3).toString('hex');

  constructor(opts: MailCatcherOptions = {}) {
    this.opts = opts;
    this.maxMails = Math.max(1, opts.maxMails ?? 500);
    this.maxKeptBytes = opts.maxKeptBytes ?? 16 * 1024 * 1024;
    this.maxMessageBytes = opts.maxMessageBytes ?? 25 * 1024 * 1024;
  }

  /** Listen on 127.0.0.1; resolves with the URL to give createSmtpTransport (credentials included when configured). */
  async start(): Promise<{ url: string }> {
    if (this.url) return { url: this.url };
    const log = this.opts.logger;
    const auth = this.opts.auth;
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      hideSTARTTLS: true,
      authOptional: auth === undefined,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: this.maxMessageBytes,
      maxClients: 100,
      banner: 'Hanbill mail catcher (development)',
      logger: false,
      closeTimeout: 1000,
      onAuth: (a, _session, callback) => {
        if (auth === undefined) return callback(null, { user: a.username ?? '' });
        if (sameSecret(a.username ?? '', auth.user) && sameSecret(a.password ?? '', auth.pass)) return callback(null, { user: a.username });
        return callback(smtpError(535, 'Authentication credentials invalid'));
      },
      onRcptTo: (address, _session, callback) => {
        const fault = this.takeFault('rcpt', [address.address]);
        if (fault) return callback(smtpError(fault.code, fault.message));
        callback();
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (reply) => callback(null, reply),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      },
    });
    // socket errors of single clients (reset, timeouts) are reported here; without a listener they would crash the process
    server.on('error', (err: Error) => log?.debug({ err: err.message }, 'mail catcher connection error'));

    const port = await new Promise<number>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.server.once('error', onError);
      server.listen(this.opts.port ?? 0, HOST, () => {
        server.server.off('error', onError);
        const address = server.server.address();
        if (address === null || typeof address === 'string') return reject(new Error('mail catcher: no TCP address'));
        resolve(address.port);
      });
    });
    this.server = server;
    const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
    this.url = `smtp://${credentials}${HOST}:${port}`;
    log?.info({ smtp: `smtp://${HOST}:${port}` }, 'mail catcher listening');
    return { url: this.url };
  }

  /** Stop listening and drop open client connections (they get 421). Caught mails stay readable. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.url = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const connection of server.connections) {
        try {
          connection.send(421, 'Mail catcher shutting down');
          connection.close();
        } catch {
          // already closing
        }
      }
    });
  }

  /** Caught mails, newest first. */
  list(): Promise<CaughtMail[]> {
    return Promise.all([...this.mails].reverse().map((kept) => this.read(kept)));
  }

  async get(id: string): Promise<CaughtMail | undefined> {
    const kept = this.byId.get(id);
    return kept ? this.read(kept) : undefined;
  }

  /** Forget every caught mail. */
  clear(): void {
    this.mails = [];
    this.byId.clear();
    this.keptBytes = 0;
  }

  /**
   * The newest caught mail that matches, or the next one to arrive that does; rejects after timeoutMs.
   * A predicate that throws counts as not matching.
   */
  waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs = 5000): Promise<CaughtMail> {
    return new Promise<CaughtMail>((resolve, reject) => {
      let done = false;
      const finish = (mail: CaughtMail): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(mail);
      };
      // listening before the kept mails are read: a mail that arrives meanwhile is offered too
      const waiter: Waiter = { offer: (kept) => void this.read(kept).then((mail) => matches(predicate, mail) && finish(mail)) };
      this.waiters.add(waiter);
      const timer = setTimeout(() => {
        done = true;
        this.waiters.delete(waiter);
        reject(new Error(`mail catcher: no matching mail within ${timeoutMs} ms (${this.mails.length} caught)`));
      }, timeoutMs);
      void (async () => {
        for (const kept of [...this.mails].reverse()) {
          if (done) return;
          const mail = await this.read(kept);
          if (matches(predicate, mail)) return finish(mail);
        }
      })();
    });
  }

  /**
   * Fail the next `n` RCPT TO or DATA commands (or only those of `stage`) with `code` and `message`.
   * Calls queue up: a second failNext applies after the first is used up. With `scope.to`, only commands for
   * that recipient count and fail; tests that share a catcher should always scope their faults.
   */
  failNext(n: number, spec: FaultSpec, scope: FaultScope = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('failNext: n must be a positive integer');
    if (scope.to !== undefined && !scope.to.includes('@')) throw new RangeError('failNext: scope.to must be a mail address');
    this.faults.push({ remaining: n, spec: { code: spec.code, message: spec.message, stage: spec.stage ?? 'any' }, to: scope.to?.toLowerCase() });
  }

  /** Hold back the reply to every message's DATA by `ms` (0 = no delay). */
  setDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('setDelay: ms must be ≥ 0');
    this.delayMs = ms;
  }

  /** Remove pending faults and the delay. */
  resetFaults(): void {
    this.faults = [];
    this.delayMs = 0;
  }

  /** The first pending fault for this stage that applies to one of `recipients` (the RCPT address, or the envelope's at DATA). */
  private takeFault(stage: 'rcpt' | 'data', recipients: string[]): Required<FaultSpec> | undefined {
    const lower = recipients.map((r) => r.toLowerCase());
    const index = this.faults.findIndex((f) => (f.spec.stage === 'any' || f.spec.stage === stage) && (f.to === undefined || lower.includes(f.to)));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      size += buf.length;
      // past the limit, keep reading (the client is still sending) but stop keeping
      if (size <= this.maxMessageBytes) chunks.push(buf);
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (stream.sizeExceeded) throw smtpError(552, `Message exceeds the size limit of ${this.maxMessageBytes} bytes`);
    const fault = this.takeFault('data', session.envelope.rcptTo.map((r) => r.address));
    if (fault) throw smtpError(fault.code, fault.message);

    this.seq += 1;
    const kept: Kept = {
      id: `${this.idPrefix}-${this.seq}`,
      receivedAt: new Date(),
      // the session's envelope is reset for the connection's next message: copied now
      envelope: { from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address) },
      authUser: typeof session.user === 'string' ? session.user : undefined,
      size,
      raw: Buffer.concat(chunks, Math.min(size, this.maxMessageBytes)),
      parsed: undefined,
    };
    this.store(kept);
    this.opts.logger?.debug({ mailId: kept.id, to: kept.envelope.to }, 'mail caught');
    return `Ok: queued as ${kept.id}`;
  }

  /** The kept message parsed: on its first read, then the same object. */
  private read(kept: Kept): Promise<CaughtMail> {
    kept.parsed ??= this.parse(kept);
    return kept.parsed;
  }

  private async parse(kept: Kept): Promise<CaughtMail> {
    const raw = kept.raw ?? Buffer.alloc(0);
    try {
      // mailparser (about 25 packages) is loaded with the first read, not at start-up
      const { simpleParser } = await import('mailparser');
      // no textAsHtml (nothing here reads it): its link finder was ≈ 10 % of the parse
      return toCaught(kept, await simpleParser(raw, { skipTextToHtml: true }));
    } catch (err) {
      // accepted at DATA already (parsing comes later): shown as it came, with why it could not be parsed
      this.opts.logger?.warn({ mailId: kept.id, err: (err as Error).message }, 'mail catcher could not parse a message');
      return unparsed(kept, raw, (err as Error).message);
    } finally {
      kept.raw = undefined;
    }
  }

  private store(kept: Kept): void {
    this.mails.push(kept);
    this.byId.set(kept.id, kept);
    this.keptBytes += kept.size;
    while (this.mails.length > this.maxMails || (this.keptBytes > this.maxKeptBytes && this.mails.length > 1)) {
      const dropped = this.mails.shift()!;
      this.byId.delete(dropped.id);
      this.keptBytes -= dropped.size;
    }
    for (const waiter of [...this.waiters]) waiter.offer(kept);
  }
}

/** A catcher with the given options (not started). */
export function createMailCatcher(opts: MailCatcherOptions = {}): MailCatcher {
  return new MailCatcher(opts);
}
