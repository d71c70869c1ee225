/**
 * The report push receiver (POST /carrier/reports): verify the carrier's HMAC signature, read the reports and
 * store them with the shared recorder. Answers 2xx only once stored, so a failed store is pushed again; storing
 * is idempotent, so duplicate pushes change nothing.
 */
import type { Ctx } from '../../../platform/context.ts';
import { verifyReportSignature } from './carrier-report-signature.ts';
import { recordResults, type RecordOutcome } from './record-results.ts';

export type PushAnswer = { status: 200; outcome: RecordOutcome } | { status: 400 | 401; error: string };

export async function receiveReportPush(ctx: Ctx, secret: string, body: Buffer, timestamp: string | undefined, signature: string | undefined): Promise<PushAnswer> {
  if (!verifyReportSignature(secret, body, timestamp, signature)) {
    ctx.log.warn({}, 'carrier report push refused: bad or missing signature');
    return { status: 401, error: 'signature does not verify' };
  }
  let reports: unknown;
  try {
    reports = (JSON.parse(body.toString('utf8')) as { reports?: unknown }).reports;
  } catch {
    return { status: 400, error: 'body is not JSON' };
  }
  if (!Array.isArray(reports)) return { status: 400, error: 'reports: expected an array' };
  const results = [];
  for (const r of reports as Record<string, unknown>[]) {
    const id = Number(r?.['messageId']);
    if (!Number.isSafeInteger(id) || id <= 0 || typeof r['code'] !== 'string' || typeof r['delivered'] !== 'boolean') return { status: 400, error: 'each report needs messageId, code and delivered' };
    results.push({ attemptId: id, delivered: r['delivered'], code: r['code'].slice(0, 20), message: String(r['message'] ?? '').slice(0, 500) });
  }
  const outcome = await recordResults(ctx, results, 'report');
  return { status: 200, outcome };
}
