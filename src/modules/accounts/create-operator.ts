/**
 * Operators of the console. The embedded default bootstraps `admin` with a generated password kept in
 * `<data dir>/secrets.json` (field `adminPassword`); with DATABASE_URL, `HANBILL_ADMIN_PASSWORD` does the
 * same, or `hanbill create-operator` adds one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { requiredString, optionalString, type Input } from '../../platform/input.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { readLoginId, readNewPassword } from '../accounts/member-input.ts';
import { audit, SYSTEM_ACTOR, type Actor } from './audit.ts';
import { assertNotLocked, clearFailures, recordFailure } from './throttle.ts';

export interface Operator {
  id: number;
  loginId: string;
  name: string;
}

export async function createOperator(ctx: Ctx, who: Actor, input: Input): Promise<Operator> {
  const loginId = readLoginId(input, 'loginId');
  const password = readNewPassword(input, 'password');
  const name = optionalString(input, 'name', { max: 30 }) ?? loginId;
  const taken = await ctx.db.selectFrom('operators').select('id').where(sql<string>`lower(login_id)`, '=', loginId.toLowerCase()).executeTakeFirst();
  if (taken) throw new AppError('login_id_taken', 'loginId: 이미 있는 운영자 아이디입니다 (operator ID already in use)', { field: 'loginId' });
  const row = await ctx.db
    .insertInto('operators')
    .values({ login_id: loginId, password_hash: await hashPassword(password), name })
    .returning(['id', 'login_id', 'name'])
    .executeTakeFirstOrThrow();
  await audit(ctx, who, { action: 'operator.created', targetKind: 'operator', targetId: row.id, details: { loginId } });
  return { id: row.id, loginId: row.login_id, name: row.name };
}

export async function getOperator(ctx: Ctx, id: number): Promise<Operator> {
  const row = await ctx.db.selectFrom('operators').select(['id', 'login_id', 'name', 'disabled_at']).where('id', '=', id).executeTakeFirst();
  if (!row || row.disabled_at) throw new AppError('unauthenticated', 'session: 운영자 로그인이 필요합니다 (operator login required)', { field: 'session' });
  return { id: row.id, loginId: row.login_id, name: row.name };
}

export async function checkOperatorPassword(ctx: Ctx, ip: string, input: Input): Promise<Operator> {
  const loginId = requiredString(input, 'loginId', { max: 30 });
  const password = requiredString(input, 'password', { max: 200 });
  const account = loginId.toLowerCase();
  await assertNotLocked(ctx, 'ip', ip);
  await assertNotLocked(ctx, 'operator', account);
  const row = await ctx.db
    .selectFrom('operators')
    .select(['id', 'login_id', 'name', 'password_hash', 'disabled_at'])
    .where(sql<string>`lower(login_id)`, '=', account)
    .executeTakeFirst();
  const live = row && !row.disabled_at ? row : undefined;
  const ok = await verifyPassword(live?.password_hash ?? (await dummyPasswordHash()), password);
  if (!live || !ok) {
    await recordFailure(ctx, 'operator', account);
    await recordFailure(ctx, 'ip', ip);
    await audit(ctx, { kind: 'anonymous', label: loginId.slice(0, 30), ip }, { action: 'operator.login_failed', targetKind: 'operator', targetId: live?.id ?? null });
    throw new AppError('credentials_mismatch', 'password: 아이디 또는 비밀번호가 일치하지 않습니다 (ID or password does not match)', { field: 'password' });
  }
  await clearFailures(ctx, 'operator', account);
  await audit(ctx, { kind: 'operator', id: live.id, label: live.login_id, ip }, { action: 'operator.login', targetKind: 'operator', targetId: live.id });
  return { id: live.id, loginId: live.login_id, name: live.name };
}

/**
 * First start: when no operator exists, create `admin`. Embedded default: its password is generated once
 * into `<data dir>/secrets.json`; otherwise it comes from `adminPassword` (HANBILL_ADMIN_PASSWORD), and
 * without one nothing is created (use `hanbill create-operator`).
 */
export async function bootstrapOperator(ctx: Ctx, opts: { embedded: boolean; dataDir: string; adminPassword: string | undefined }): Promise<'created' | 'exists' | 'skipped'> {
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
    if ((err as { code?: string }).code === '23505') return 'exists';
    throw err;
  }
  ctx.log.info({ loginId: 'admin', secretsFile: opts.embedded ? path.join(opts.dataDir, 'secrets.json') : undefined }, 'operator admin created');
  return 'created';
}
