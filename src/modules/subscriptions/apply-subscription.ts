/**
 * Service application (legacy `_service.aspx cmd=SINCHSERVICE`, REST `POST /v1/subscriptions`).
 * Creates the subscription (the tenant), its units and its own sales and purchase ledgers in one transaction.
 * Input (camelCase, errors name these): the member's `bizno`, `loginId`, `password`; `packageId`, `unitIds`
 * (list or comma-separated), `amount`, `vat`, `totalAmount`, `startDate`, `endDate`.
 */
import { sql } from 'kysely';
import { AppError, invalidError, requiredError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { isCalendarDate, kstDate, toSqlDate } from '../../platform/clock.ts';
import { optionalList, optionalString, requiredInteger, type Input } from '../../platform/input.ts';
import { verifyMemberCredentials, type CredentialCaller, type VerifiedMember } from '../accounts/verify-member-credentials.ts';
import { findPackage } from '../catalog/repo.ts';
import { deriveServiceKey, ledgerDbName, newServiceKeySalt, serviceKeyHash } from './service-key.ts';

export interface AppliedSubscription {
  sinchno: number;
  dbName: string;
  state: string;
  packageId: number;
  unitIds: number[];
  startDate: string;
  endDate: string | null;
}

function readDate(input: Input, field: string): string | undefined {
  const d = optionalString(input, field, { pattern: /^\d{4}-?\d{2}-?\d{2}$/, expected: '날짜는 YYYYMMDD 형식입니다 (date as YYYYMMDD)' });
  if (d === undefined) return undefined;
  const compact = d.replace(/-/g, '');
  if (!isCalendarDate(compact)) throw invalidError(field, '존재하지 않는 날짜입니다 (not a calendar date)');
  return compact;
}

function addMonths(yyyymmdd: string, months: number): string {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6)) - 1 + months;
  const d = Number(yyyymmdd.slice(6, 8));
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const dt = new Date(Date.UTC(y, m, Math.min(d, last) - 1)); // the day before the same date n months on
  return dt.toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * `caller`: the credentials in `input` are checked (and throttled) here; or `{ member }` when the face
 * already checked them outside the transaction it runs this in (REST with an Idempotency-Key), so that
 * a failure is counted rather than rolled back with the request.
 */
export async function applySubscription(ctx: Ctx, input: Input, caller: CredentialCaller | { member: VerifiedMember }): Promise<AppliedSubscription> {
  const member = 'member' in caller ? caller.member : await verifyMemberCredentials(ctx, input, caller);
  const packCode = requiredInteger(input, 'packageId', { min: 1 });
  const unitCodes = (optionalList(input, 'unitIds') ?? []).map((u) => {
    // canonical and exact: '01' or a number past 2^53 would name another unit than the one written
    if (!/^[1-9]\d{0,15}$/.test(u) || !Number.isSafeInteger(Number(u))) {
      throw invalidError('unitIds', '유닛 번호는 앞에 0이 없는 양의 정수입니다 (unit codes are positive integers without leading zeros, comma-separated)');
    }
    return Number(u);
  });
  if (unitCodes.length === 0) throw requiredError('unitIds');
  const amount = requiredInteger(input, 'amount', { min: 0 });
  const vat = requiredInteger(input, 'vat', { min: 0 });
  const total = requiredInteger(input, 'totalAmount', { min: 0 });
  if (amount + vat !== total) {
    throw new AppError('amounts_mismatch', `공급가액 ${amount} + 부가세 ${vat} ≠ 합계 ${total} (amount + VAT must equal the total)`, {
      field: 'totalAmount',
    });
  }
  const today = kstDate(ctx.clock.now());
  const startDate = readDate(input, 'startDate') ?? today;
  let endDate = readDate(input, 'endDate');
  if (endDate !== undefined && endDate < startDate) throw invalidError('endDate', '종료일이 시작일보다 빠릅니다 (the end date is before the start date)');

  return inTransaction(ctx.db, async (tx) => {
    const pack = await findPackage(tx, packCode, 'packageId');
    if (pack.retired) throw new AppError('package_not_found', `서비스패키지 ${packCode}은(는) 폐지되었습니다 (package retired)`, { field: 'packageId' });
    const units = [...new Set(unitCodes)];
    for (const u of units) {
      if (!pack.unitIds.includes(u)) {
        throw new AppError('unit_not_found', `유닛 ${u}은(는) 패키지 ${packCode}에 없습니다 (unit not in the package)`, { field: 'unitIds' });
      }
    }
    if (endDate === undefined && pack.periodMonths > 0) endDate = addMonths(startDate, pack.periodMonths);

    const salt = newServiceKeySalt();
    const sub = await tx
      .insertInto('subscriptions')
      .values({
        member_id: member.id,
        package_id: pack.id,
        amount_krw: amount,
        vat_krw: vat,
        total_krw: total,
        start_date: toSqlDate(startDate),
        end_date: endDate ? toSqlDate(endDate) : null,
        svc_key_salt: salt,
        svc_key_hash: Buffer.alloc(32), // set below, once the id is known
      })
      .returning(['id', 'state'])
      .executeTakeFirstOrThrow();
    const svcKey = deriveServiceKey(ctx.masterKey, sub.id, salt);
    await tx.updateTable('subscriptions').set({ svc_key_hash: serviceKeyHash(svcKey), updated_at: sql`now()` }).where('id', '=', sub.id).execute();
    await tx
      .insertInto('subscription_units')
      .values(units.map((unit_id) => ({ subscription_id: sub.id, unit_id })))
      .execute();
    const dbName = ledgerDbName(sub.id);
    await tx
      .insertInto('ledgers')
      .values([
        { subscription_id: sub.id, kind: 'sales', db_name: dbName, table_name: 'doclstmst' },
        { subscription_id: sub.id, kind: 'purchase', db_name: dbName, table_name: 'buydoclstmst' },
      ])
      .execute();
    ctx.log.info({ sinchno: sub.id, memberNo: member.id }, 'subscription applied');
    return { sinchno: sub.id, dbName, state: sub.state, packageId: pack.id, unitIds: units, startDate, endDate: endDate ?? null };
  });
}
