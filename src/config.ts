/**
 * Configuration: every environment variable the system reads, parsed and validated once at start.
 * A bad configuration fails with one error that lists every bad variable.
 * The table below is the single source of truth; README.md's configuration table mirrors it.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { parseMasterKey } from './platform/secret-box.ts';

export type Role = 'api' | 'worker';

export interface Config {
  port: number;
  /** Interface to listen on; loopback by default so a fresh install (dev mailbox, generated admin) is not on the network. */
  host: string;
  /** Strict-Transport-Security max-age in seconds, or undefined for no HSTS header (plain-HTTP installs). */
  hstsMaxAge?: number | undefined;
  /** REST answers checked against their route's response schema: off, log (a mismatch is logged), strict (a mismatch is a 500: tests). */
  responseCheck: 'off' | 'log' | 'strict';
  /** Public base URL used in links sent to recipients (mail, view page). */
  publicUrl: string;
  /** Job channel: jobs of a channel are run only by workers of that channel (installations or test systems sharing one database). */
  channel: string;
  /** false when publicUrl is the default derived from PORT (an ephemeral port then means the real one). */
  publicUrlExplicit: boolean;
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl: string | undefined;
  /** Repeated queries as named prepared statements, parsed once per connection (src/platform/db/prepared-statements.ts); off behind a pooler that cannot keep them. */
  databasePreparedStatements: boolean;
  /** Seconds a PostgreSQL connection of the pool may stay idle before it is closed; 0: never (DATABASE_POOL_IDLE_SECONDS). */
  databasePoolIdleSeconds: number;
  roles: ReadonlySet<Role>;
  /** 64 hex chars / base64 of 32 bytes; embedded default generates one in dataDir. */
  masterKey: string | undefined;
  /** Bearer token for the operator (CRM) REST endpoints; embedded default generates one in dataDir. */
  operatorToken: string | undefined;
  /** Bearer token of GET /metrics (docs/observability.md); unset: only loopback callers are answered. */
  metricsToken: string | undefined;
  /** Port of a process without the api role that serves only GET /metrics (a worker's counters); undefined: none. */
  metricsPort: number | undefined;
  /** SMTP URL for outgoing mail; absent on the embedded default = in-process mail catcher. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Attach the document's PDF to its issuance mail (the standard XML is always attached; the PDF stays downloadable from 문서보기). */
  mailPdf: boolean;
  /** Period of the event-log retention sweep (events older than 30 days deleted; docs/events.md); 0: not on this installation. */
  eventRetentionSweepMs: number;
  /** SIGTERM: how long in-flight requests and running jobs get before jobs are handed back and the process exits (docs/deploy.md). */
  shutdownTimeoutMs: number;
  /** Reverse proxies whose X-Forwarded-For is believed (addresses, CIDRs or loopback / linklocal / uniquelocal); empty: none, the client is the socket's peer. */
  trustProxy: string[];
  /** Request rate limits (src/faces/rate-limits.ts): per window of `windowSeconds`, per API key / session and per client IP; 0 turns a limit off. */
  rateLimit: { windowSeconds: number; perKey: number; perIp: number };
  /** 8-digit issuer code used in NTS approval numbers (ASP code). */
  ntsIssuerCode: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest request body accepted (bytes). */
  bodyLimit: number;
  /** NTS filing (docs/nts.md). */
  nts: NtsConfig;
  /** Password of the `admin` operator created at first start when no operator exists (embedded default: generated). */
  adminPassword?: string | undefined;
  /** Message delivery through the carrier gateway (docs/messaging.md "Delivery"). */
  carrier: CarrierConfig;
  /** Document notices: the platform's own AlimTalk sender (docs/messaging.md "Document notices"). */
  notices: NoticeConfig;
  /** The bank: virtual accounts, CMS debits, deposit notices (docs/settlement.md "Bank"). */
  bank: BankConfig;
  /** Monthly billing: the run on the billing day, due dates, the invoice issuer, the tick (docs/settlement.md "Monthly billing"). */
  billing: BillingConfig;
  /** Signed webhooks (docs/webhooks.md). */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Time-out of one delivery attempt (connect to last byte of the answer). */
  timeoutMs: number;
  /** Accept http:// endpoint URLs (tests, a local receiver); https only otherwise. */
  allowHttp: boolean;
  /** Deliver to private, loopback, link-local … addresses (tests); refused otherwise, also after DNS resolution. */
  allowPrivate: boolean;
  /** Period of the dispatcher loop: new events fanned out, due deliveries started. */
  pollMs: number;
}

export interface NoticeConfig {
  /** The notice channel's Kakao sender key and the LMS fallback's sender number; undefined when notices are off. */
  sender: { senderKey: string; senderNumber: string } | undefined;
  /** Why notices are off (logged once at start, kept on each skipped notice). */
  offReason: string | undefined;
}

export interface BillingConfig {
  /** KST day of the month on which the previous month is billed (1–28). */
  day: number;
  /** Payment is due at the end of the billing date + this many days (KST). */
  dueDays: number;
  /** Period of the billing tick (run, pending invoices, due debits, arrears); 0 = not scheduled here (POST /dev/clock still runs it). */
  tickMs: number;
  /** Subscription that issues the bills' tax invoices; undefined = bootstrapped on the embedded default / in-process NTS simulator. */
  issuerSubscription: number | undefined;
  /** The platform company (the bootstrapped issuer). */
  platformBizno: string;
  platformName: string;
}

export interface BankConfig {
  /** Base URL of the bank relay (our protocol); undefined = the shipped bank simulator, in-process. */
  gatewayUrl: string | undefined;
  /** HMAC secret of the notices the bank pushes; required with gatewayUrl, random per start for the in-process simulator. */
  noticeSecret: string | undefined;
  timeoutMs: number;
  /** In-process simulator: delay between a deposit / debit and its notice. */
  simDelayMs: number;
  /** In-process simulator: fault knobs (name=value list, docs/settlement.md "Bank"). */
  simFaults: Record<string, number>;
}

/** Embedded defaults of the notice sender: accepted by the in-process carrier simulator only. */
export const NOTICE_DEFAULTS = { senderKey: 'HANBILLNOTICESIMULATOR000000000000000000', senderNumber: '15880000' } as const;

export interface CarrierConfig {
  /** Base URL of the carrier relay (our protocol); undefined = the shipped carrier simulator, in-process. */
  gatewayUrl: string | undefined;
  /** HMAC secret of pushed reports; required with gatewayUrl, random per start for the in-process simulator. */
  reportSecret: string | undefined;
  /** Where the carrier pushes reports; undefined = <api URL>/carrier/reports. */
  reportUrl: string | undefined;
  timeoutMs: number;
  /** First retry delay of a failed send or poll (its job's backoff; doubles, at most 10 minutes). */
  retryMs: number;
  /** Poll for results this long after a send when no report was pushed (and between polls). */
  pollMs: number;
  /** Period of the delivery sweeper. */
  sweepMs: number;
  /** A message without a result this long after sending fails with HB4800 and is not charged (the 48-hour rule). */
  resultTimeoutHours: number;
  /** In-process simulator: delay between acceptance and the result. */
  simDelayMs: number;
  /**
   * The daily drop of message-history partitions older than 12 months. It is database-wide: of several
   * installations (channels) sharing one database, one should do it (HANBILL_MESSAGE_HISTORY_PURGE=off elsewhere).
   */
  historyPurge: boolean;
  /** In-process simulator: fault knobs (name=value list, docs/messaging.md). */
  simFaults: Record<string, number | boolean>;
}

export interface NtsConfig {
  /** Base URL of the NTS web services; undefined = the shipped simulator, started in-process. */
  gatewayUrl: string | undefined;
  /** File with the NTS encryption certificate (DER or PEM); undefined = fetched from <gatewayUrl>/kmCert.der (simulator). */
  gatewayCertFile: string | undefined;
  /** Where the NTS pushes results (kec:ReplyTo); undefined = <api URL>/nts/results. */
  replyUrl: string | undefined;
  /** Our (the ASP's) business number in the KEC message header. */
  aspBizno: string;
  /**
   * Our WS-Security private key and certificate (PEM text or a file path each; both or neither): the certificate
   * registered with the NTS. Unset: a self-signed key in the data folder (embedded default, in-process simulator).
   */
  aspKey: string | undefined;
  aspCert: string | undefined;
  /** Jobs and submissions of one channel are handled only by workers of the same channel. */
  channel: string;
  timeoutMs: number;
  /** First retry delay after a failed transmission or poll (doubles, capped at 10 minutes). */
  retryMs: number;
  /** First poll for results this long after the receipt (push is the normal path). */
  pollMs: number;
  /** Sweeper period (auto-filing, stuck states). */
  sweepMs: number;
  /** Auto-file issued documents not filed by the next day (per subscription: subscriptions.auto_file_nts). */
  autoFile: boolean;
  /** In-process simulator: delay between receipt and results. */
  simResultDelayMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface VariableDoc {
  name: string;
  default: string;
  meaning: string;
}

/** Documented variables (README table is generated from / checked against this list). */
export const VARIABLES: readonly VariableDoc[] = [
  { name: 'PORT', default: '8080', meaning: 'HTTP port of the api role' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'interface to listen on (loopback only by default; 0.0.0.0 for every interface, e.g. behind a TLS proxy or in a container)' },
  { name: 'HANBILL_PUBLIC_URL', default: 'http://localhost:$PORT', meaning: 'base URL put in links sent to recipients' },
  { name: 'HANBILL_RESPONSE_CHECK', default: 'log', meaning: 'REST answers validated against their documented response schema: off, log (a mismatch is logged as an error and sent), strict (a mismatch answers 500; the test suite runs so)' },
  { name: 'HANBILL_HSTS', default: 'on when HANBILL_PUBLIC_URL is https, else off', meaning: 'Strict-Transport-Security on every answer: on (1 year), off, or a max-age in seconds' },
  { name: 'HANBILL_DATA_DIR', default: './data', meaning: 'embedded data folder (PGlite database, generated keys)' },
  { name: 'DATABASE_URL', default: '(unset)', meaning: 'PostgreSQL URL (postgres://…); when set, PGlite is not used' },
  { name: 'DATABASE_PREPARED_STATEMENTS', default: 'on', meaning: "on: the queries the system repeats are sent as named prepared statements, parsed and planned once per connection (half of PostgreSQL's CPU per issue; docs/performance.md); off: every query is parsed afresh, for a connection pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21)" },
  { name: 'DATABASE_POOL_IDLE_SECONDS', default: '300', meaning: 'PostgreSQL: seconds a connection of the pool may stay idle before it is closed (0: never). A closed connection is opened again on the next burst and prepares its statements afresh: at 200 issues/s after 15 s of quiet, p99 43–173 ms with 10 s against 16–35 ms with 300 (docs/performance.md)' },
  { name: 'HANBILL_ROLES', default: 'api,worker', meaning: 'process roles run here: api, worker (comma-separated)' },
  { name: 'HANBILL_TRUST_PROXY', default: '(unset: none)', meaning: 'reverse proxies (TLS termination) whose X-Forwarded-For names the client: comma-separated addresses or CIDRs (10.0.0.5, 10.0.0.0/8) or loopback, linklocal, uniquelocal; the client IP of API-key allow-lists, rate limits, login throttles and the audit log is then the address the nearest untrusted hop gave (docs/deploy.md "TLS termination")' },
  { name: 'HANBILL_SHUTDOWN_TIMEOUT_MS', default: '25000', meaning: 'on SIGTERM: time given to requests in flight and running jobs; jobs still running then are handed back to the queue, and the process exits 0 (docs/deploy.md "Processes and roles")' },
  { name: 'HANBILL_MASTER_KEY', default: 'generated in data dir (embedded only)', meaning: '32-byte key (64 hex or base64) that encrypts secrets at rest; required with DATABASE_URL' },
  { name: 'HANBILL_OPERATOR_TOKEN', default: 'generated in data dir (embedded only)', meaning: 'bearer token of the operator REST endpoints (/v1/catalog/…); required with DATABASE_URL' },
  { name: 'HANBILL_METRICS_PORT', default: '(unset: none)', meaning: 'in a process without the api role (HANBILL_ROLES=worker): a port on HOST that serves only GET /metrics, so its job and outcome counters can be scraped' },
  { name: 'HANBILL_METRICS_TOKEN', default: '(unset: /metrics answers loopback callers only)', meaning: 'bearer token of the Prometheus endpoint GET /metrics (at least 24 characters; docs/observability.md)' },
  { name: 'SMTP_URL', default: '(unset: in-process catcher)', meaning: 'outgoing mail server, e.g. smtp://user:pass@host:587; a pool of 5 connections, 100 messages each, unless the URL says otherwise (?maxConnections=10&maxMessages=500)' },
  { name: 'MAIL_FROM', default: 'Hanbill <no-reply@hanbill.local>', meaning: 'sender address of outgoing mail' },
  { name: 'HANBILL_MAIL_PDF', default: 'on', meaning: "on: a document's issuance mail carries its PDF beside the standard XML; off: only the XML (the mail says the PDF is on the 문서보기 page)" },
  { name: 'HANBILL_NTS_ISSUER_CODE', default: '41000001', meaning: '8-digit issuer (ASP) code inside NTS approval numbers' },
  { name: 'NTS_GATEWAY_URL', default: '(unset: in-process NTS simulator)', meaning: 'base URL of the NTS web services (…/services/SubmitEtaxInvoice, …/services/RequestResults are appended), e.g. a standalone `hanbill nts-sim`' },
  { name: 'NTS_GATEWAY_CERT', default: '(unset: <NTS_GATEWAY_URL>/kmCert.der)', meaning: 'file with the NTS encryption certificate (DER or PEM) packages are encrypted for' },
  { name: 'HANBILL_NTS_REPLY_URL', default: '<api URL>/nts/results', meaning: 'URL the NTS pushes filing results to (kec:ReplyTo)' },
  { name: 'HANBILL_NTS_ASP_BIZNO', default: '0000000000', meaning: 'our business number in the KEC message header (From/PartyID)' },
  { name: 'HANBILL_NTS_ASP_KEY', default: '(unset: self-signed in the data dir; embedded or in-process simulator only)', meaning: 'our WS-Security private key for the NTS: PEM text or a file (PEM or PKCS#8 DER); required with DATABASE_URL and NTS_GATEWAY_URL' },
  { name: 'HANBILL_NTS_ASP_CERT', default: '(unset: with HANBILL_NTS_ASP_KEY)', meaning: 'the certificate of that key registered with the NTS: PEM text or a file (PEM or DER)' },
  { name: 'HANBILL_CHANNEL', default: 'main', meaning: 'job channel: mail, message (and, unless HANBILL_NTS_CHANNEL is set, filing) jobs are run only by workers of the same channel; give installations that share one database different channels' },
  { name: 'HANBILL_NTS_CHANNEL', default: 'nts (or HANBILL_CHANNEL when set)', meaning: 'filing channel: jobs and submissions of a channel are handled only by workers of that channel (installations sharing one database)' },
  { name: 'HANBILL_NTS_TIMEOUT_MS', default: '30000', meaning: 'time-out of one call to the NTS' },
  { name: 'HANBILL_NTS_RETRY_MS', default: '5000', meaning: 'first retry delay after a failed NTS call (doubles, at most 10 minutes)' },
  { name: 'HANBILL_NTS_POLL_MS', default: '60000', meaning: 'poll for results this long after the NTS receipt when no push arrived (and between polls)' },
  { name: 'HANBILL_NTS_SWEEP_MS', default: '60000', meaning: 'period of the filing sweeper (auto-filing of unfiled issued documents, stuck filings)' },
  { name: 'HANBILL_NTS_AUTO_FILE', default: 'on', meaning: 'off: this installation never auto-files issued documents not filed by the next day (the per-subscription switch is subscriptions.auto_file_nts)' },
  { name: 'CARRIER_GATEWAY_URL', default: '(unset: in-process carrier simulator)', meaning: 'base URL of the carrier relay (Kakao, SMS/LMS/MMS; our protocol, docs/messaging.md), e.g. a standalone `hanbill carrier-sim`' },
  { name: 'CARRIER_REPORT_SECRET', default: '(unset: random per start, in-process simulator only)', meaning: 'shared HMAC secret of the reports the carrier pushes to /carrier/reports; required with CARRIER_GATEWAY_URL' },
  { name: 'HANBILL_CARRIER_REPORT_URL', default: '<api URL>/carrier/reports', meaning: 'URL the carrier pushes delivery reports to' },
  { name: 'HANBILL_CARRIER_TIMEOUT_MS', default: '10000', meaning: 'time-out of one call to the carrier gateway' },
  { name: 'HANBILL_CARRIER_RETRY_MS', default: '1000', meaning: 'first retry delay after a failed carrier call, a send or a poll (doubles, at most 10 minutes)' },
  { name: 'HANBILL_CARRIER_POLL_MS', default: '60000', meaning: 'poll the carrier for results this long after a send when no report was pushed (and between polls)' },
  { name: 'HANBILL_CARRIER_SWEEP_MS', default: '60000', meaning: 'period of the delivery sweeper (48-hour rule, lost jobs, daily template dormancy and history purge)' },
  { name: 'HANBILL_CARRIER_RESULT_TIMEOUT_HOURS', default: '48', meaning: 'a message without a result this long after sending fails with HB4800 and is not charged' },
  { name: 'HANBILL_RATE_LIMIT_WINDOW_S', default: '60', meaning: 'length in seconds of the request rate-limit window (a counter per window in the database, shared by every API process; docs/deploy.md "Rate limits and tenant isolation")' },
  { name: 'HANBILL_RATE_LIMIT_PER_KEY', default: '60000', meaning: 'requests per window with one credential (partner API key, operator token, portal / member session): more → 429 too_many_requests with Retry-After (legacy: code 2007); 0: no per-key limit' },
  { name: 'HANBILL_RATE_LIMIT_PER_IP', default: '120000', meaning: 'requests per window from one client IP (behind a proxy: set HANBILL_TRUST_PROXY, or all clients share the proxy\'s count); callbacks (/nts, /carrier, /bank) count apart from other traffic; 0: no per-IP limit' },
  { name: 'HANBILL_EVENT_RETENTION_SWEEP_MS', default: '3600000', meaning: 'period of the event-log retention sweep: events older than 30 days are deleted (database-wide); 0: not on this installation (docs/events.md)' },
  { name: 'HANBILL_MESSAGE_HISTORY_PURGE', default: 'on', meaning: 'on: drop the message-history partitions of months older than 12 months once a day (database-wide: one of several installations sharing a database does it); off: keep them' },
  { name: 'HANBILL_CARRIER_SIM_DELAY_MS', default: '100', meaning: 'in-process carrier simulator: delay between a send and its result' },
  { name: 'HANBILL_CARRIER_SIM_FAULTS', default: '(none)', meaning: 'in-process carrier simulator faults, e.g. failRate=0.3,timeoutRate=0.1,duplicateRate=0.5,lateRate=0.1,lateMs=5000,dropPushRate=0.2,pushDisabled=1,hangMs=2000' },
  { name: 'BANK_GATEWAY_URL', default: '(unset: in-process bank simulator)', meaning: 'base URL of the bank relay (virtual accounts, CMS debits; our protocol, docs/settlement.md "Bank"), e.g. a standalone `hanbill bank-sim`; set, POST /dev/bank/deposits does not exist' },
  { name: 'BANK_NOTICE_SECRET', default: '(unset: random per start, in-process simulator only)', meaning: 'shared HMAC secret of the notices (deposits, cancellations, debit results) the bank pushes to /bank/notices; required with BANK_GATEWAY_URL' },
  { name: 'HANBILL_BANK_TIMEOUT_MS', default: '10000', meaning: 'time-out of one call to the bank gateway' },
  { name: 'HANBILL_BANK_SIM_DELAY_MS', default: '100', meaning: 'in-process bank simulator: delay between a deposit, cancellation or debit and its notice' },
  { name: 'HANBILL_BANK_SIM_FAULTS', default: '(none)', meaning: 'in-process bank simulator faults, e.g. failRate=0.2,duplicateRate=0.5,pushFailRate=0.3,lostAckRate=0.2,lateRate=0.1,lateMs=5000' },
  { name: 'HANBILL_NOTICE_SENDER_KEY', default: `${NOTICE_DEFAULTS.senderKey} (in-process carrier simulator only)`, meaning: 'Kakao sender key (40 letters and digits) of the platform\'s own channel that sends document notices (AlimTalk HANBILL_DOC_ISSUED); with CARRIER_GATEWAY_URL and without it (or HANBILL_NOTICE_SENDER_NUMBER) notices are not sent: logged at start, each one kept as skipped' },
  { name: 'HANBILL_NOTICE_SENDER_NUMBER', default: `${NOTICE_DEFAULTS.senderNumber} (in-process carrier simulator only)`, meaning: 'registered sender number (digits) of the document notices\' LMS fallback' },
  { name: 'HANBILL_BILLING_DAY', default: '5', meaning: 'KST day of the month (1–28) on which the previous month is billed (docs/settlement.md "Monthly billing")' },
  { name: 'HANBILL_BILLING_DUE_DAYS', default: '7', meaning: 'payment is due at the end (24:00 KST) of the billing date plus this many days; unpaid after it the bill is 미납 and the partner suspended' },
  { name: 'HANBILL_BILLING_TICK_MS', default: '60000', meaning: 'period of the billing tick (the run on the billing day, pending bill invoices, due CMS debits, arrears); 0: not scheduled on this installation (another one sharing the database runs it; POST /dev/clock still does; the test suite runs so)' },
  { name: 'HANBILL_BILLING_ISSUER_SUBSCRIPTION', default: '(unset: a platform member bootstrapped with a test certificate, in-process NTS simulator only)', meaning: 'subscription id (sinchno) of the platform company\'s own member, with its certificate, that issues the bills\' tax invoices; unset with NTS_GATEWAY_URL: bills are made and their invoices wait (logged)' },
  { name: 'HANBILL_PLATFORM_BIZNO', default: '2208812340', meaning: 'business number of the platform company (the bootstrapped invoice issuer)' },
  { name: 'HANBILL_PLATFORM_NAME', default: '(주)한빌플랫폼', meaning: 'company name of the platform company (the bootstrapped invoice issuer)' },
  { name: 'NTS_SIM_RESULT_DELAY_MS', default: '2000', meaning: 'in-process NTS simulator: delay between receipt and results' },
  { name: 'HANBILL_WEBHOOK_TIMEOUT_MS', default: '10000', meaning: 'time-out of one webhook delivery attempt (docs/webhooks.md); a time-out is retried like a 5xx' },
  { name: 'HANBILL_WEBHOOK_ALLOW_HTTP', default: '0', meaning: '1: webhook endpoints may be http:// URLs (tests, a local receiver); 0: https only' },
  { name: 'HANBILL_WEBHOOK_ALLOW_PRIVATE', default: '0', meaning: '1: webhooks may go to private, loopback, link-local and other internal addresses (tests); 0: refused at registration and, after DNS resolution, at every delivery' },
  { name: 'HANBILL_WEBHOOK_POLL_MS', default: '200', meaning: 'period of the webhook dispatcher of a worker: new events fanned out to endpoints, due deliveries started' },
  { name: 'LOG_LEVEL', default: 'info', meaning: 'fatal, error, warn, info, debug, trace or silent' },
  { name: 'HANBILL_BODY_LIMIT', default: '10485760', meaning: 'largest request body in bytes (larger: HTTP 413)' },
  { name: 'HANBILL_ADMIN_PASSWORD', default: 'generated in data dir (embedded only)', meaning: 'password of the admin operator created at first start when none exists (console /console)' },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };

  const port = int('PORT', 8080, 0, 65535);
  const bodyLimit = int('HANBILL_BODY_LIMIT', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024);

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }

  const trustProxy: string[] = [];
  for (const entry of (get('HANBILL_TRUST_PROXY') ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const [addr = '', bits, extra] = entry.split('/');
    const family = isIP(addr);
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if ((['loopback', 'linklocal', 'uniquelocal'].includes(entry)) || (family !== 0 && okBits && extra === undefined)) trustProxy.push(entry);
    else problems.push(`HANBILL_TRUST_PROXY: "${entry}" is not an address, a CIDR or loopback / linklocal / uniquelocal`);
  }

  const roles = new Set<Role>();
  for (const r of (get('HANBILL_ROLES') ?? 'api,worker').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (r === 'api' || r === 'worker') roles.add(r);
    else problems.push(`HANBILL_ROLES: unknown role "${r}" (expected api, worker)`);
  }
  if (roles.size === 0) problems.push('HANBILL_ROLES: at least one role is needed (api, worker)');

  const masterKey = get('HANBILL_MASTER_KEY');
  if (masterKey !== undefined && !isKeyText(masterKey)) {
    problems.push('HANBILL_MASTER_KEY: expected 32 bytes as 64 hex characters or base64');
  }
  const operatorToken = get('HANBILL_OPERATOR_TOKEN');
  if (operatorToken !== undefined && operatorToken.length < 24) {
    problems.push('HANBILL_OPERATOR_TOKEN: expected at least 24 characters');
  }
  const metricsToken = get('HANBILL_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 24) problems.push('HANBILL_METRICS_TOKEN: expected at least 24 characters');
  if (databaseUrl !== undefined) {
    if (masterKey === undefined) problems.push('HANBILL_MASTER_KEY: required when DATABASE_URL is set (generate with `openssl rand -hex 32`)');
    if (operatorToken === undefined) problems.push('HANBILL_OPERATOR_TOKEN: required when DATABASE_URL is set');
  }

  const smtpUrl = get('SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL: expected smtp:// or smtps:// URL');

  const ntsIssuerCode = get('HANBILL_NTS_ISSUER_CODE') ?? '41000001';
  if (!/^\d{8}$/.test(ntsIssuerCode)) problems.push('HANBILL_NTS_ISSUER_CODE: expected 8 digits');

  const logLevel = (get('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}`);

  const publicUrl = (get('HANBILL_PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(publicUrl)) problems.push('HANBILL_PUBLIC_URL: expected an http:// or https:// URL');

  const hstsMaxAge = hstsOf(get('HANBILL_HSTS'), publicUrl, problems);

  const responseCheck = (get('HANBILL_RESPONSE_CHECK') ?? 'log') as Config['responseCheck'];
  if (!['off', 'log', 'strict'].includes(responseCheck)) problems.push('HANBILL_RESPONSE_CHECK: expected off, log or strict');

  const jobChannel = get('HANBILL_CHANNEL');
  if (jobChannel !== undefined && !/^[a-z0-9_-]{1,40}$/i.test(jobChannel)) problems.push('HANBILL_CHANNEL: expected 1 to 40 letters, digits, - or _');

  const adminPassword = get('HANBILL_ADMIN_PASSWORD');
  if (adminPassword !== undefined && (adminPassword.length < 8 || !/[A-Za-z]/.test(adminPassword) || !/[^A-Za-z]/.test(adminPassword))) {
    problems.push('HANBILL_ADMIN_PASSWORD: expected at least 8 characters mixing letters with digits or symbols');
  }

  const nts = ntsConfig(get, int, problems);
  // A self-signed ASP key is per data folder: fine for the embedded default and for the in-process simulator (which
  // accepts any certificate), never for the real NTS from a production database (every host would sign with its own).
  if (databaseUrl !== undefined && nts.gatewayUrl !== undefined && nts.aspKey === undefined && nts.aspCert === undefined) {
    problems.push(
      'HANBILL_NTS_ASP_KEY: required when DATABASE_URL and NTS_GATEWAY_URL are set (with HANBILL_NTS_ASP_CERT: the key and certificate registered with the NTS; a self-signed key is made only on the embedded default or for the in-process simulator)',
    );
  }

  const carrier = carrierConfig(get, int, problems);
  const notices = noticeConfig(get, carrier.gatewayUrl, problems);
  const bank = bankConfig(get, int, problems);
  const billing = billingConfig(get, int, problems);
  const databasePreparedStatements = onOff('DATABASE_PREPARED_STATEMENTS', get('DATABASE_PREPARED_STATEMENTS'), true, problems);
  const databasePoolIdleSeconds = int('DATABASE_POOL_IDLE_SECONDS', 300, 0, 86_400);
  const mailPdf = onOff('HANBILL_MAIL_PDF', get('HANBILL_MAIL_PDF'), true, problems);
  const webhooks: WebhookConfig = {
    timeoutMs: int('HANBILL_WEBHOOK_TIMEOUT_MS', 10_000, 10, 60_000),
    allowHttp: int('HANBILL_WEBHOOK_ALLOW_HTTP', 0, 0, 1) === 1,
    allowPrivate: int('HANBILL_WEBHOOK_ALLOW_PRIVATE', 0, 0, 1) === 1,
    pollMs: int('HANBILL_WEBHOOK_POLL_MS', 200, 10, 60_000),
  };

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port,
    host: get('HOST') ?? '127.0.0.1',
    hstsMaxAge,
    responseCheck,
    publicUrl,
    publicUrlExplicit: get('HANBILL_PUBLIC_URL') !== undefined,
    channel: get('HANBILL_CHANNEL') ?? 'main',
    dataDir: path.resolve(get('HANBILL_DATA_DIR') ?? './data'),
    databaseUrl,
    databasePreparedStatements,
    databasePoolIdleSeconds,
    roles,
    masterKey,
    operatorToken,
    metricsToken,
    metricsPort: get('HANBILL_METRICS_PORT') === undefined ? undefined : int('HANBILL_METRICS_PORT', 0, 0, 65535),
    smtpUrl,
    mailFrom: get('MAIL_FROM') ?? 'Hanbill <no-reply@hanbill.local>',
    mailPdf,
    eventRetentionSweepMs: int('HANBILL_EVENT_RETENTION_SWEEP_MS', 3_600_000, 0, 86_400_000),
    shutdownTimeoutMs: int('HANBILL_SHUTDOWN_TIMEOUT_MS', 25_000, 0, 600_000),
    trustProxy,
    rateLimit: { windowSeconds: int('HANBILL_RATE_LIMIT_WINDOW_S', 60, 1, 3600), perKey: int('HANBILL_RATE_LIMIT_PER_KEY', 60_000, 0, 100_000_000), perIp: int('HANBILL_RATE_LIMIT_PER_IP', 120_000, 0, 100_000_000) },
    ntsIssuerCode,
    logLevel,
    bodyLimit,
    nts,
    adminPassword,
    carrier,
    notices,
    bank,
    billing,
    webhooks,
  };
}

/**
 * The notice sender: both variables, or — with the in-process carrier simulator (no CARRIER_GATEWAY_URL) — the
 * embedded defaults for what is unset. A real carrier would refuse the defaults, so there notices are off until
 * both are set (not a configuration error: issuing works, notices are skipped and visible as such).
 */
function noticeConfig(get: (name: string) => string | undefined, carrierUrl: string | undefined, problems: string[]): NoticeConfig {
  const senderKey = get('HANBILL_NOTICE_SENDER_KEY');
  const senderNumber = get('HANBILL_NOTICE_SENDER_NUMBER');
  if (senderKey !== undefined && !/^[0-9A-Za-z]{40}$/.test(senderKey)) problems.push('HANBILL_NOTICE_SENDER_KEY: expected a Kakao sender key of 40 letters and digits');
  if (senderNumber !== undefined && !/^(0\d{8,10}|1[568]\d{6})$/.test(senderNumber)) problems.push('HANBILL_NOTICE_SENDER_NUMBER: expected a registered sender number in digits, e.g. 0212345678 or 15881234');
  if (senderKey !== undefined && senderNumber !== undefined) return { sender: { senderKey, senderNumber }, offReason: undefined };
  if (carrierUrl === undefined) return { sender: { senderKey: senderKey ?? NOTICE_DEFAULTS.senderKey, senderNumber: senderNumber ?? NOTICE_DEFAULTS.senderNumber }, offReason: undefined };
  const missing = [senderKey === undefined ? 'HANBILL_NOTICE_SENDER_KEY' : undefined, senderNumber === undefined ? 'HANBILL_NOTICE_SENDER_NUMBER' : undefined].filter(Boolean).join(' and ');
  return { sender: undefined, offReason: `${missing} not set with CARRIER_GATEWAY_URL: document notices are not sent` };
}

const SIM_FAULT_NAMES = ['failRate', 'failAfterRate', 'timeoutRate', 'duplicateRate', 'lateRate', 'lateMs', 'dropPushRate', 'pushDisabled', 'hangMs'];

function onOff(name: string, value: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (value === undefined) return fallback;
  if (value === 'on') return true;
  if (value === 'off') return false;
  problems.push(`${name}: expected on or off`);
  return fallback;
}

function carrierConfig(get: (name: string) => string | undefined, int: (name: string, fallback: number, min: number, max: number) => number, problems: string[]): CarrierConfig {
  const gatewayUrl = get('CARRIER_GATEWAY_URL')?.replace(/\/+$/, '');
  if (gatewayUrl !== undefined && !/^https?:\/\//.test(gatewayUrl)) problems.push('CARRIER_GATEWAY_URL: expected an http:// or https:// URL');
  const reportSecret = get('CARRIER_REPORT_SECRET');
  if (reportSecret !== undefined && reportSecret.length < 16) problems.push('CARRIER_REPORT_SECRET: expected at least 16 characters');
  if (gatewayUrl !== undefined && reportSecret === undefined) problems.push('CARRIER_REPORT_SECRET: required with CARRIER_GATEWAY_URL (the carrier signs pushed reports with it)');
  const reportUrl = get('HANBILL_CARRIER_REPORT_URL');
  if (reportUrl !== undefined && !/^https?:\/\//.test(reportUrl)) problems.push('HANBILL_CARRIER_REPORT_URL: expected an http:// or https:// URL');
  const simFaults: Record<string, number | boolean> = {};
  for (const part of (get('HANBILL_CARRIER_SIM_FAULTS') ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=([0-9.]+)$/.exec(part);
    if (!m || !SIM_FAULT_NAMES.includes(m[1]!) || !Number.isFinite(Number(m[2]))) {
      problems.push(`HANBILL_CARRIER_SIM_FAULTS: expected name=number items of ${SIM_FAULT_NAMES.join(', ')}, got "${part}"`);
      continue;
    }
    simFaults[m[1]!] = m[1] === 'pushDisabled' ? Number(m[2]) !== 0 : Number(m[2]);
  }
  return {
    gatewayUrl,
    reportSecret,
    reportUrl,
    timeoutMs: int('HANBILL_CARRIER_TIMEOUT_MS', 10_000, 50, 600_000),
    retryMs: int('HANBILL_CARRIER_RETRY_MS', 1_000, 10, 3_600_000),
    pollMs: int('HANBILL_CARRIER_POLL_MS', 60_000, 10, 86_400_000),
    sweepMs: int('HANBILL_CARRIER_SWEEP_MS', 60_000, 100, 86_400_000),
    resultTimeoutHours: int('HANBILL_CARRIER_RESULT_TIMEOUT_HOURS', 48, 1, 24 * 30),
    simDelayMs: int('HANBILL_CARRIER_SIM_DELAY_MS', 100, 0, 3_600_000),
    simFaults,
    historyPurge: onOff('HANBILL_MESSAGE_HISTORY_PURGE', get('HANBILL_MESSAGE_HISTORY_PURGE'), true, problems),
  };
}

function ntsConfig(get: (name: string) => string | undefined, int: (name: string, fallback: number, min: number, max: number) => number, problems: string[]): NtsConfig {
  const gatewayUrl = get('NTS_GATEWAY_URL')?.replace(/\/+$/, '');
  if (gatewayUrl !== undefined && !/^https?:\/\//.test(gatewayUrl)) problems.push('NTS_GATEWAY_URL: expected an http:// or https:// URL');
  const replyUrl = get('HANBILL_NTS_REPLY_URL');
  if (replyUrl !== undefined && !/^https?:\/\//.test(replyUrl)) problems.push('HANBILL_NTS_REPLY_URL: expected an http:// or https:// URL');
  const aspBizno = get('HANBILL_NTS_ASP_BIZNO') ?? '0000000000';
  if (!/^\d{10}$/.test(aspBizno)) problems.push('HANBILL_NTS_ASP_BIZNO: expected 10 digits');
  const channel = get('HANBILL_NTS_CHANNEL') ?? get('HANBILL_CHANNEL') ?? 'nts';
  if (!/^[a-z0-9_-]{1,40}$/i.test(channel)) problems.push('HANBILL_NTS_CHANNEL: expected 1 to 40 letters, digits, - or _');
  const aspKey = get('HANBILL_NTS_ASP_KEY');
  const aspCert = get('HANBILL_NTS_ASP_CERT');
  if (aspKey !== undefined && aspCert === undefined) problems.push('HANBILL_NTS_ASP_CERT: required with HANBILL_NTS_ASP_KEY (the certificate of that key)');
  if (aspCert !== undefined && aspKey === undefined) problems.push('HANBILL_NTS_ASP_KEY: required with HANBILL_NTS_ASP_CERT (the private key of that certificate)');
  const autoFileText = (get('HANBILL_NTS_AUTO_FILE') ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(autoFileText)) problems.push('HANBILL_NTS_AUTO_FILE: expected on or off');
  return {
    gatewayUrl,
    gatewayCertFile: get('NTS_GATEWAY_CERT'),
    replyUrl,
    aspBizno,
    aspKey,
    aspCert,
    channel,
    timeoutMs: int('HANBILL_NTS_TIMEOUT_MS', 30_000, 50, 600_000),
    retryMs: int('HANBILL_NTS_RETRY_MS', 5_000, 10, 3_600_000),
    pollMs: int('HANBILL_NTS_POLL_MS', 60_000, 10, 86_400_000),
    sweepMs: int('HANBILL_NTS_SWEEP_MS', 60_000, 100, 86_400_000),
    autoFile: ['on', 'true', '1'].includes(autoFileText),
    simResultDelayMs: int('NTS_SIM_RESULT_DELAY_MS', 2_000, 0, 3_600_000),
  };
}

const HSTS_YEAR = 31_536_000;

/**
 * HSTS only makes sense when browsers reach us over https, which only the operator knows: an https public URL
 * says so; HANBILL_HSTS overrides it either way (e.g. off while a TLS proxy is being set up).
 */
function hstsOf(text: string | undefined, publicUrl: string, problems: string[]): number | undefined {
  if (text === undefined) return publicUrl.startsWith('https://') ? HSTS_YEAR : undefined;
  const v = text.toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(v)) return HSTS_YEAR;
  if (['off', 'false', '0', 'no'].includes(v)) return undefined;
  if (/^\d{2,9}$/.test(v)) return Number(v);
  problems.push(`HANBILL_HSTS: expected on, off or a max-age in seconds, got "${text}"`);
  return undefined;
}

function isKeyText(text: string): boolean {
  try {
    parseMasterKey(text);
    return true;
  } catch {
    return false;
  }
}

function billingConfig(get: (name: string) => string | undefined, int: (name: string, fallback: number, min: number, max: number) => number, problems: string[]): BillingConfig {
  const issuer = get('HANBILL_BILLING_ISSUER_SUBSCRIPTION');
  if (issuer !== undefined && !/^[1-9]\d{0,15}$/.test(issuer)) problems.push('HANBILL_BILLING_ISSUER_SUBSCRIPTION: expected a subscription id (a positive integer)');
  const tick = get('HANBILL_BILLING_TICK_MS');
  if (tick !== undefined && /^\d+$/.test(tick) && Number(tick) > 0 && Number(tick) < 100) problems.push('HANBILL_BILLING_TICK_MS: expected 0 (off) or at least 100');
  const platformBizno = get('HANBILL_PLATFORM_BIZNO') ?? '2208812340';
  if (!/^\d{10}$/.test(platformBizno)) problems.push('HANBILL_PLATFORM_BIZNO: expected 10 digits');
  return {
    day: int('HANBILL_BILLING_DAY', 5, 1, 28),
    dueDays: int('HANBILL_BILLING_DUE_DAYS', 7, 0, 60),
    tickMs: int('HANBILL_BILLING_TICK_MS', 60_000, 0, 86_400_000),
    issuerSubscription: issuer !== undefined && /^[1-9]\d{0,15}$/.test(issuer) ? Number(issuer) : undefined,
    platformBizno,
    platformName: get('HANBILL_PLATFORM_NAME') ?? '(주)한빌플랫폼',
  };
}

const BANK_SIM_FAULT_NAMES = ['failRate', 'duplicateRate', 'pushFailRate', 'lostAckRate', 'lateRate', 'lateMs'];

function bankConfig(get: (name: string) => string | undefined, int: (name: string, fallback: number, min: number, max: number) => number, problems: string[]): BankConfig {
  const gatewayUrl = get('BANK_GATEWAY_URL')?.replace(/\/+$/, '');
  if (gatewayUrl !== undefined && !/^https?:\/\//.test(gatewayUrl)) problems.push('BANK_GATEWAY_URL: expected an http:// or https:// URL');
  const noticeSecret = get('BANK_NOTICE_SECRET');
  if (noticeSecret !== undefined && noticeSecret.length < 16) problems.push('BANK_NOTICE_SECRET: expected at least 16 characters');
  if (gatewayUrl !== undefined && noticeSecret === undefined) problems.push('BANK_NOTICE_SECRET: required with BANK_GATEWAY_URL (the bank signs its notices with it)');
  const simFaults: Record<string, number> = {};
  for (const part of (get('HANBILL_BANK_SIM_FAULTS') ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=([0-9.]+)$/.exec(part);
    if (!m || !BANK_SIM_FAULT_NAMES.includes(m[1]!) || !Number.isFinite(Number(m[2]))) {
      problems.push(`HANBILL_BANK_SIM_FAULTS: expected name=number items of ${BANK_SIM_FAULT_NAMES.join(', ')}, got "${part}"`);
      continue;
    }
    simFaults[m[1]!] = Number(m[2]);
  }
  return {
    gatewayUrl,
    noticeSecret,
    timeoutMs: int('HANBILL_BANK_TIMEOUT_MS', 10_000, 50, 600_000),
    simDelayMs: int('HANBILL_BANK_SIM_DELAY_MS', 100, 0, 3_600_000),
    simFaults,
  };
}
