/** `hanbill create-operator --login ID [--name NAME]`: the password from HANBILL_NEW_OPERATOR_PASSWORD or stdin. */
import { loadConfig } from '../../config.ts';
import { databaseTarget } from '../../composition/database-target.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { systemClock } from '../../platform/clock.ts';
import { silentLogger } from '../../platform/context.ts';
import { resolveSecrets } from '../../platform/secrets.ts';
import { AppError, composeMessage } from '../../platform/errors.ts';
import { createOperator } from '../../modules/accounts/create-operator.ts';

async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function runCreateOperator(args: string[], stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const login = opt('login');
  if (!login) {
    stderr.write('hanbill create-operator: --login ID is required\n');
    return 2;
  }
  const password = process.env['HANBILL_NEW_OPERATOR_PASSWORD'] ?? (await readFirstLine(stdin));
  const config = loadConfig();
  const database = await openDatabase(databaseTarget(config));
  try {
    await migrate(database.pool);
    const ctx = { db: database.db, clock: systemClock, config, masterKey: resolveSecrets(config).masterKey, log: silentLogger };
    const op = await createOperator(ctx, { kind: 'system', label: 'cli' }, { loginId: login, password, name: opt('name') });
    stdout.write(`operator ${op.loginId} created (id ${op.id})\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      stderr.write(`hanbill create-operator: ${composeMessage(err)}\n`); // the field (loginId, password …) and the message
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}
