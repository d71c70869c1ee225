/**
 * Operators of the console, first start. The embedded default bootstraps `admin` with a generated password kept in
 * `<data dir>/secrets.json` (field `adminPassword`); with DATABASE_URL, `HANBILL_ADMIN_PASSWORD` does the same, or
 * `hanbill create-operator` adds one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../platform/errors.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import type { Ctx } from '../../platform/context.ts';
import { SYSTEM_ACTOR } from '../access/audit-log.ts';
import { createOperator } from './create-operator.ts';

export interface BootstrapOperatorOptions {
  embedded: boolean;
  dataDir: string;
  adminPassword: string | undefined;
}

/**
 * First start: when no operator exists, create `admin`. Embedded default: its password is generated once
 * into `<data dir>/secrets.json`; otherwise it comes from `adminPassword` (HANBILL_ADMIN_PASSWORD), and
 * without one nothing is created (use `hanbill create-operator`).
 */
export async function bootstrapOperator(ctx: Ctx, opts: BootstrapOperatorOptions): Promise<'created' | 'exists' | 'skipped'> {
  const any = await ctx.db.selectFrom('operators').select('id').limit(1).executeTakeFirst();
  if (any) return 'exists';
  let password = opts.adminPassword;
  if (password === undefined && opts.embedded) {
    const file = path.join(opts.dataDir, 'secrets.json');
    const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    if (typeof stored['adminPassword'] === 'string') password = stored['adminPassword'];
    else {
      password = `Hb-${crypto.randomBytes(15).toString('base64url')}`;
      fs.mkdirSync(opts.dataDir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ ...stored, adminLogin: 'admin', adminPassword: password }, null, 2) + '\n', { mode: 0o600 });
    }
  }
  if (password === undefined) {
    ctx.log.warn({}, 'no operator exists: run `hanbill create-operator` (or set HANBILL_ADMIN_PASSWORD) to reach the operator console');
    return 'skipped';
  }
  try {
    await createOperator(ctx, SYSTEM_ACTOR, { loginId: 'admin', password, name: '관리자' });
  } catch (err) {
    if (err instanceof AppError && err.code === 'login_id_taken') return 'exists'; // another process won the race
    if (isUniqueViolation(err, 'operators_login_id_uq')) return 'exists';
    throw err;
  }
  ctx.log.info({ loginId: 'admin', secretsFile: opts.embedded ? path.join(opts.dataDir, 'secrets.json') : undefined }, 'operator admin created');
  return 'created';
}
