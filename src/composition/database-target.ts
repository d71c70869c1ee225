/**
 * Which database a configuration names: PostgreSQL at DATABASE_URL, else the embedded PGlite folder under the
 * data folder. Its own module so the command line can open the database before it loads the rest of the system.
 */
import path from 'node:path';
import type { Config } from '../config.ts';
import type { DatabaseTarget } from '../platform/db/database.ts';

export function databaseTarget(config: Config): DatabaseTarget {
  const preparedStatements = config.databasePreparedStatements;
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, preparedStatements, idleSeconds: config.databasePoolIdleSeconds } : { kind: 'pglite', dataDir: path.join(config.dataDir, 'pgdata'), preparedStatements };
}
