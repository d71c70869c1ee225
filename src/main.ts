/**
 * Composition root: configuration → database (migrated) → context → roles (api: HTTP server; worker:
 * job worker). Embedded default: PGlite in the data folder, one process owns it, both roles in-process.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createLogger } from './platform/log-redaction.ts';
import { contextualLogger } from './platform/log-context.ts';
import { startMetricsServer } from './faces/rest/metrics-server.ts';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Ctx, Logger } from './platform/context.ts';
import { openDatabase, type Database } from './platform/db/database.ts';
import { startEmbeddedVacuum } from './platform/db/embedded-vacuum.ts';
import { migrate } from './platform/db/migrate.ts';
import { JobWorker, settlesWithin, type QueueHandler } from './platform/jobs.ts';
import { WorkInFlight } from './platform/foreground.ts';
import { bulkIssueHandlers } from './modules/bulk-issue/bulk-issue-job.ts';
import { resolveSecrets } from './platform/secrets.ts';
import { buildHttpServer } from './faces/http-server.ts';
import { makeApiGuard } from './modules/access/api-guard.ts';
import { bootstrapOperator } from './modules/accounts/bootstrap-operator.ts';
import { portalPlugin } from './faces/portal/portal-plugin.ts';
import { startNts, type NtsSystem } from './composition/nts.ts';
import { databaseTarget } from './composition/database-target.ts';
import { startKakao, type KakaoSystem } from './composition/kakao.ts';
import { startCarrier, type CarrierSystem } from './composition/carrier.ts';
import { carrierReportRoutes } from './faces/rest/carrier-report-routes.ts';
import { createBilling, type BillingSystem } from './composition/billing.ts';
import { billingRunRoutes } from './faces/portal/rest/billing-run-routes.ts';
import { devClockPlugin } from './faces/dev-clock/dev-clock-routes.ts';
import { loadOffsetClock } from './faces/dev-clock/clock-offset-file.ts';
import { expireUnreported } from './modules/messaging/delivery/sweep-deliveries.ts';
import { releaseDueReservations } from './modules/messaging/sending/release-reservation.ts';
import { startBank, type BankSystem } from './composition/bank.ts';
import { bankNoticeRoutes } from './faces/rest/bank-notice-routes.ts';
import { billingAccountRoutes } from './faces/rest/billing-account-routes.ts';
import { bankDepositPlugin } from './faces/dev-bank/bank-deposit-routes.ts';
import { senderNumberRoutes } from './faces/rest/sender-number-routes.ts';
import { kakaoChannelRoutes } from './faces/rest/kakao-channel-routes.ts';
import { kakaoTemplateRoutes } from './faces/rest/kakao-template-routes.ts';
import { messageRoutes } from './faces/rest/message-routes.ts';
import { reservationRoutes } from './faces/rest/reservation-routes.ts';
import { messageAcceptance } from './modules/messaging/sending/release-reservation.ts';
import { messageHistoryRoutes } from './faces/rest/message-history-routes.ts';
import { settlementRoutes } from './faces/rest/settlement-routes.ts';
import { billRoutes } from './faces/rest/bill-routes.ts';
import { eventRoutes } from './faces/rest/event-routes.ts';
import { createEventRetention } from './modules/events/event-retention.ts';
import { kakaoTokenPlugin } from './faces/dev-kakao/kakao-token-routes.ts';
import { ntsRoutes } from './faces/rest/nts-routes.ts';
import { certificateRoutes } from './faces/rest/certificate-routes.ts';
import { documentRoutes } from './faces/rest/document-routes.ts';
import { reverseIssueRoutes } from './faces/rest/reverse-issue-routes.ts';
import { viewRoutes } from './faces/view/view-routes.ts';
import { memberPlugin } from './faces/member/member-plugin.ts';
import { memberResetQueue, passwordResetMailHandler } from './modules/member-web/password-reset.ts';
import { secondFactorClearedMailHandler, secondFactorClearedQueue } from './modules/member-web/clear-member-second-factor.ts';
import { mailboxPlugin } from './faces/dev-mailbox/mailbox-routes.ts';
import { createWebhooks, type Webhooks } from './modules/webhooks/webhooks.ts';
import { webhookRoutes } from './faces/rest/webhook-routes.ts';
import { createDocumentBatches } from './modules/document-batches/document-batches.ts';
import { documentBatchRoutes } from './faces/rest/document-batch-routes.ts';
import { requireOperator } from './faces/portal/portal-http.ts';
import { createSmtpTransport, type MailTransport } from './modules/mail/mail-transport.ts';
import type { MailCatcher } from './simulators/smtp/mail-catcher.ts';
import { mailQueue } from './modules/documents/issue-document.ts';
import { sendDocumentMailsHandler } from './modules/documents/send-document-mail.ts';
import { noticeMailQueue, sendNoticeMailHandler } from './modules/documents/notice-mails.ts';
import { closePdfRenderPool } from './modules/documents/render/pdf-render-pool.ts';
import { closeSealPool } from './modules/nts/seal-pool.ts';
import { memorySettings } from './platform/process-metrics.ts';

export interface System {
  ctx: Ctx;
  database: Database;
  app: FastifyInstance | undefined;
  worker: JobWorker | undefined;
  /** Base URL the api role listens on (undefined without the api role). */
  url: string | undefined;
  operatorToken: string;
  /** NTS filing: gateway, pipeline and (embedded default) the in-process NTS simulator. */
  nts: NtsSystem;
  /** Kakao (channel registration): the gateway, today the in-process Kakao simulator. */
  kakao: KakaoSystem;
  /** Message delivery: the carrier gateway, the pipeline and (embedded default) the in-process carrier simulator. */
  carrier: CarrierSystem;
  /** The bank: virtual accounts, CMS debits, notices; (embedded default) the in-process bank simulator. */
  bank: BankSystem;
  /** Outgoing mail; `catcher` is the in-process SMTP server of the embedded default (SMTP_URL unset). */
  mail: { transport: MailTransport; catcher: MailCatcher | undefined };
  /** Monthly billing: the tick (run on the billing day, invoices, arrears) and the arrears notice mail. */
  billing: BillingSystem;
  /** Signed webhooks: the dispatcher loop (worker role) and its job handlers. */
  webhooks: Webhooks;
  close(): Promise<void>;
  /**
   * Graceful stop (SIGTERM): the listener closes (no new connection; a request arriving on an open keep-alive
   * connection, /readyz included, is answered 503), requests in flight finish; no job is claimed any more; running
   * jobs finish, or at `timeoutMs` are handed back (lease released, another worker claims them at once); then the
   * rest closes. Never longer than `timeoutMs` plus the closing of the parts.
   */
  shutdown(timeoutMs: number): Promise<ShutdownResult>;
}

export interface ShutdownResult {
  /** Jobs still running at the deadline and handed back to the queue. */
  handedBack: number[];
  /** false: requests were still in flight at the deadline (their connections are cut when the process exits). */
  requestsFinished: boolean;
}

export interface StartOptions {
  clock?: Clock;
  /** An already open database (tests: a clone of a migrated template). */
  database?: Database;
  listen?: boolean;
  logger?: Logger;
}

export async function startSystem(config: Config, opts: StartOptions = {}): Promise<System> {
  // a start that fails stops what it had started, newest first: no open database, port or timer is left behind
  const started: (() => Promise<unknown>)[] = [];
  try {
    return await startParts(config, opts, started);
  } catch (err) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw err;
  }
}

async function startParts(config: Config, opts: StartOptions, started: (() => Promise<unknown>)[]): Promise<System> {
  const log: Logger = opts.logger ?? createLogger(config.logLevel);
  const secrets = resolveSecrets(config);
  const database = opts.database ?? (await openDatabase(databaseTarget(config)));
  started.push(() => database.close());
  // an idle pooled connection that the server ends (a PostgreSQL restart, an administrator's terminate) is dropped by
  // the pool and replaced on the next query; without a listener its 'error' event would end the process
  database.pool.on('error', (err) => log.warn({ err: String(err) }, 'idle database connection lost'));
  const migrated = await migrate(database.pool);
  if (migrated.applied.length) log.info({ applied: migrated.applied }, 'migrations applied');
  // PGlite is one standalone backend, without autovacuum: the embedded database is vacuumed and analyzed from here
  const vacuum = database.engine === 'pglite' ? startEmbeddedVacuum(database.db, log) : undefined;
  started.push(async () => vacuum?.stop());

  // the embedded default's clock can be moved forward (POST /dev/clock); production runs on the system clock
  const clock = opts.clock ?? (config.databaseUrl ? systemClock : loadOffsetClock(config.dataDir));
  // modules' lines carry the request id or job id of the work they run for (platform/log-context.ts)
  const ctx: Ctx = { db: database.db, clock, config, masterKey: secrets.masterKey, log: contextualLogger(log) };
  await bootstrapOperator(ctx, { embedded: !config.databaseUrl, dataDir: config.dataDir, adminPassword: config.adminPassword });
  const kakao = await startKakao(ctx);
  const nts = await startNts(ctx);
  started.push(() => nts.close());
  const carrier = await startCarrier(ctx);
  started.push(() => carrier.close());
  const bank = await startBank(ctx);
  started.push(() => bank.close());
  const mail = await startMail(config, log);
  started.push(async () => {
    await mail.transport.close();
    await mail.catcher?.stop();
  });
  const billing = createBilling(ctx, { transport: mail.transport, bankGateway: bank.gateway });

  let worker: JobWorker | undefined;
  let workerHasHandlers = false;
  const requests = new WorkInFlight();
  const eventRetention = createEventRetention(ctx);
  const webhooks = createWebhooks(ctx);
  started.push(() => webhooks.stop());
  const documentBatches = createDocumentBatches(ctx);
  if (config.roles.has('worker')) {
    const handlers: Record<string, QueueHandler> = { ...nts.filing.handlers, ...carrier.delivery.handlers, ...messageAcceptance(ctx).handlers, [mailQueue(config)]: sendDocumentMailsHandler(ctx, mail.transport), [noticeMailQueue(config)]: sendNoticeMailHandler(ctx, mail.transport), ...billing.handlers, ...bulkIssueHandlers(ctx), ...webhooks.handlers, ...documentBatches.handlers, [memberResetQueue(ctx)]: passwordResetMailHandler(ctx, mail.transport), [secondFactorClearedQueue(ctx)]: secondFactorClearedMailHandler(ctx, mail.transport) };
    Object.assign(handlers, eventRetention.handlers);
    worker = new JobWorker(database.db, {
      handlers,
      // mail, billing and bulk files run one job at a time while this process answers requests
      yieldTo: requests,
      concurrency: database.engine === 'pglite' ? 2 : 4,
      lanes: [
        // message jobs (dispatch, poll, release, sweep) run in a lane of their own: a bulk does not wait behind mail
        { queues: [...Object.keys(carrier.delivery.handlers), ...Object.keys(messageAcceptance(ctx).handlers)], concurrency: database.engine === 'pglite' ? 2 : 4 },
        // so does NTS filing (dispatch, transmit, poll, sweep): filed right after a bulk issue, it does not wait behind
        // the 1,000 mails that issue queued (issue 13: 17 documents/s settled while mail was pending, 95/s after);
        // and the mail yields to it (`first`): while a filing job runs, the mail runs one at a time
        { queues: Object.keys(nts.filing.handlers), concurrency: database.engine === 'pglite' ? 2 : 4, first: true },
        // webhook deliveries: a slow receiver (up to HANBILL_WEBHOOK_TIMEOUT_MS an attempt) holds only this lane
        { queues: webhooks.laneQueues, concurrency: database.engine === 'pglite' ? 4 : 8 },
        // document batches (≤ 10,000 documents, 100 per job): neither waits behind the other work, nor it behind them
        { queues: Object.keys(documentBatches.handlers), concurrency: database.engine === 'pglite' ? 1 : 2 },
      ],
      // a failed carrier call (dispatch, poll) is tried again on the carrier's schedule, as a failed NTS call is on the NTS's
      retryFirstMs: Object.fromEntries(Object.keys(carrier.delivery.handlers).map((q) => [q, config.carrier.retryMs])),
      onError: (job, err) => log.warn({ jobId: job.id, queue: job.queue, attempt: job.attempts, err: String(err) }, 'job failed'),
    });
    workerHasHandlers = Object.keys(handlers).length > 0;
    const running = worker;
    started.push(() => running.stop());
  }

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.roles.has('api')) {
    const guard = makeApiGuard(ctx);
    app = await buildHttpServer({
      ctx,
      requests,
      operatorToken: secrets.operatorToken,
      guard,
      plugins: [
        portalPlugin({ ctx, operatorToken: secrets.operatorToken, guard, bankGateway: bank.gateway }),
        (instance) => certificateRoutes(instance, { ctx, guard }),
        (instance) => ntsRoutes(instance, { ctx, receiver: nts.filing.receiver, guard }),
        (instance) => carrierReportRoutes(instance, { receivePush: carrier.delivery.receivePush }),
        (instance) => bankNoticeRoutes(instance, { receiveNotice: bank.receiveNotice }),
        (instance) => billingAccountRoutes(instance, { ctx, guard, gateway: bank.gateway }),
        (instance) => documentRoutes(instance, { ctx, guard }),
        (instance) => webhookRoutes(instance, { ctx, guard }),
        (instance) => documentBatchRoutes(instance, { ctx, guard }),
        (instance) => reverseIssueRoutes(instance, { ctx, guard }),
        (instance) => viewRoutes(instance, { ctx }),
        memberPlugin({ ctx }),
        (instance) => senderNumberRoutes(instance, { ctx, guard, operatorToken: secrets.operatorToken }),
        (instance) => kakaoChannelRoutes(instance, { ctx, guard, operatorToken: secrets.operatorToken, gateway: kakao.gateway }),
        (instance) => kakaoTemplateRoutes(instance, { ctx, guard, operatorToken: secrets.operatorToken }),
        (instance) => messageRoutes(instance, { ctx, guard }),
        (instance) => reservationRoutes(instance, { ctx, guard }),
        (instance) => messageHistoryRoutes(instance, { ctx, guard }),
        (instance) => settlementRoutes(instance, { ctx, guard }),
        (instance) => billingRunRoutes(instance, { ctx, operatorToken: secrets.operatorToken }),
        // the sandbox clock: embedded default with the simulators in process only, loopback callers only
        ...(!config.databaseUrl && nts.simulator && carrier.simulator
          ? [devClockPlugin({ ctx, billingTick: () => billing.tick(), messageSweep: async () => ({ expired: await expireUnreported(ctx), released: await releaseDueReservations(ctx) }) })]
          : []),
        (instance) => billRoutes(instance, { ctx, guard }),
        (instance) => eventRoutes(instance, { ctx, guard }),
        // the tokens "sent to KakaoTalk" by the in-process simulator: loopback callers only
        ...(kakao.simulator ? [kakaoTokenPlugin(kakao.simulator)] : []),
        // sandbox money: the in-process bank simulator sends a deposit notice (loopback callers only; absent with BANK_GATEWAY_URL)
        ...(bank.simulator ? [bankDepositPlugin(bank.simulator)] : []),
        // the mailbox: loopback callers, or a console operator's session (never the operator bearer token in a browser)
        ...(mail.catcher ? [mailboxPlugin(mail.catcher, { isOperator: async (req) => (await requireOperator(ctx, req, { csrf: false })).operator !== undefined })] : []),
      ],
      // one logger for the application and Fastify's request lines, with the same redaction (platform/log-redaction.ts);
      // a bare Logger without child loggers (tests' silentLogger) turns request logging off
      ...(isFullLogger(log) ? { loggerInstance: log } : { logger: false }),
    });
    const server = app;
    started.push(() => server.close());
    if (opts.listen !== false) {
      url = await app.listen({ port: config.port, host: config.host });
      // an ephemeral port (tests) is only known now: links sent to recipients must point at it
      if (config.port === 0 && !config.publicUrlExplicit) ctx.config = { ...config, publicUrl: url };
      log.info({ url, engine: database.engine, roles: [...config.roles], secretsFile: secrets.file, memory: memorySettings() }, 'hanbill is ready');
    } else {
      await app.ready();
    }
  }

  nts.setApiUrl(url);
  if (worker) await nts.filing.start();
  carrier.setApiUrl(url);
  bank.setApiUrl(url);
  // the worker starts once the API listens: work left from before a restart (a due reservation, a pending
  // filing) gives the carrier and the NTS this process's report URLs, not none
  if (worker && workerHasHandlers) worker.start();
  if (worker) await carrier.delivery.start();
  if (worker) await billing.start();
  if (worker) await eventRetention.start();
  if (worker) await webhooks.start();
  // a worker-only process listens on nothing but, with HANBILL_METRICS_PORT, GET /metrics (faces/rest/metrics-server.ts)
  let metricsServer: FastifyInstance | undefined;
  if (!app && config.metricsPort !== undefined) {
    const served = await startMetricsServer(ctx, config.metricsPort, config.host);
    metricsServer = served.app;
    started.push(() => served.app.close());
    log.info({ metrics: `${served.url}/metrics` }, 'metrics listening');
  }
  // a worker-only process listens on nothing: its log is where it says it is ready
  if (!app) log.info({ engine: database.engine, roles: [...config.roles], memory: memorySettings() }, 'hanbill is ready');

  let closed = false;
  const closeParts = async () => {
    await nts.close();
    await carrier.close();
    await bank.close();
    await mail.transport.close();
    await mail.catcher?.stop();
    await closePdfRenderPool();
    await closeSealPool();
    await vacuum?.stop();
    await database.close();
  };
  // close(): everything, waiting as long as it takes; shutdown(timeoutMs): the same, bounded (System.shutdown)
  const stop = async (timeoutMs: number | undefined): Promise<ShutdownResult> => {
    if (closed) return { handedBack: [], requestsFinished: true };
    closed = true;
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const left = () => (deadline === undefined ? undefined : Math.max(0, deadline - Date.now()));
    // the listeners close now; app.close() resolves when the requests in flight have been answered
    const requests = Promise.all([app?.close(), metricsServer?.close()]);
    requests.catch(() => {}); // awaited below, after the worker: a failure is thrown there, not left unhandled
    await webhooks.stop();
    const { handedBack } = worker ? await worker.stop({ deadlineMs: left() }) : { handedBack: [] };
    const requestsFinished = await settlesWithin(requests, left());
    if (handedBack.length > 0) log.warn({ jobs: handedBack }, 'shutdown deadline: running jobs handed back to the queue');
    if (!requestsFinished) log.warn({ timeoutMs }, 'shutdown deadline: requests still in flight are cut');
    // the database stays open for a handler still running past the deadline only if the requests finished:
    // otherwise the process exits right after (the caller's process.exit) and closing it would wait for them
    if (requestsFinished) await closeParts();
    return { handedBack, requestsFinished };
  };
  return {
    ctx,
    database,
    app,
    worker,
    url,
    operatorToken: secrets.operatorToken,
    nts,
    kakao,
    carrier,
    billing,
    bank,
    mail,
    webhooks,
    close: async () => {
      await stop(undefined);
    },
    shutdown: (timeoutMs) => stop(timeoutMs),
  };
}

/** A pino-compatible logger Fastify can log requests with (child loggers, every level). */
function isFullLogger(log: Logger): log is Logger & FastifyBaseLogger {
  const l = log as unknown as Record<string, unknown>;
  return ['child', 'fatal', 'trace', 'info', 'error', 'warn', 'debug'].every((m) => typeof l[m] === 'function');
}

/** SMTP_URL → that server; unset → an in-process SMTP catcher (a real SMTP exchange over a socket), shown at /dev/mailbox. */
async function startMail(config: Config, log: Logger): Promise<{ transport: MailTransport; catcher: MailCatcher | undefined }> {
  if (config.smtpUrl) return { transport: createSmtpTransport(config.smtpUrl, config.mailFrom), catcher: undefined };
  // loaded only here: with SMTP_URL set (production) smtp-server and mailparser are never loaded
  const { createMailCatcher } = await import('./simulators/smtp/mail-catcher.ts');
  const catcher = createMailCatcher();
  const { url } = await catcher.start();
  log.info({ smtp: url }, 'mail catcher listening (caught mail at /dev/mailbox)');
  return { transport: createSmtpTransport(url, config.mailFrom), catcher };
}
