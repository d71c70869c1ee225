/**
 * Composition root: configuration → database (migrated) → context → roles (api: HTTP server; worker:
 * job worker). Embedded default: PGlite in the data folder, one process owns it, both roles in-process.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Ctx, Logger } from './platform/context.ts';
import { openDatabase, type Database } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { JobWorker, type JobHandler } from './platform/jobs.ts';
import { resolveSecrets } from './platform/secrets.ts';
import { buildHttpServer } from './faces/http-server.ts';

export interface System {
  ctx: Ctx;
  database: Database;
  app: FastifyInstance | undefined;
  worker: JobWorker | undefined;
  /** Base URL the api role listens on (undefined without the api role). */
  url: string | undefined;
  operatorToken: string;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** An already open database (tests: a clone of a migrated template). */
  database?: Database;
  listen?: boolean;
  logger?: Logger;
}

export function databaseTarget(config: Config) {
  return config.databaseUrl
    ? ({ kind: 'postgres', url: config.databaseUrl } as const)
    : ({ kind: 'pglite', dataDir: path.join(config.dataDir, 'pgdata') } as const);
}

export async function startSystem(config: Config, opts: StartOptions = {}): Promise<System> {
  const log: Logger = opts.logger ?? pino({ level: config.logLevel, redact: ['*.password', '*.pwd', '*.svcKey', '*.svc_key', '*.authorization'] });
  const secrets = resolveSecrets(config);
  const database = opts.database ?? (await openDatabase(databaseTarget(config)));
  const migrated = await migrate(database.pool);
  if (migrated.applied.length) log.info({ applied: migrated.applied }, 'migrations applied');

  const ctx: Ctx = { db: database.db, clock: opts.clock ?? systemClock, config, masterKey: secrets.masterKey, log };

  let worker: JobWorker | undefined;
  if (config.roles.has('worker')) {
    const handlers: Record<string, JobHandler> = {};
    worker = new JobWorker(database.db, {
      handlers,
      concurrency: database.engine === 'pglite' ? 1 : 4,
      onError: (job, err) => log.warn({ jobId: job.id, queue: job.queue, attempt: job.attempts, err: String(err) }, 'job failed'),
    });
    if (Object.keys(handlers).length > 0) worker.start();
  }

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.roles.has('api')) {
    app = await buildHttpServer({ ctx, operatorToken: secrets.operatorToken, logger: opts.logger ? false : { level: config.logLevel } });
    if (opts.listen !== false) {
      url = await app.listen({ port: config.port, host: config.host });
      log.info({ url, engine: database.engine, roles: [...config.roles], secretsFile: secrets.file }, 'hanbill is ready');
    } else {
      await app.ready();
    }
  }

  let closed = false;
  return {
    ctx,
    database,
    app,
    worker,
    url,
    operatorToken: secrets.operatorToken,
    close: async () => {
      if (closed) return;
      closed = true;
      await app?.close();
      await worker?.stop();
      await database.close();
    },
  };
}
