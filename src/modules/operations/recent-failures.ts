/**
 * Recent failures outside the job queue, for the operator console's 시스템 상태 page: NTS filings the NTS refused
 * (or that failed for good), mails whose last attempt failed (document mails and notice mails) and webhook attempts
 * that did not get a 2xx. Newest first, `limit` of each. Operators see every tenant's; nothing here is shown to
 * a tenant. Each list walks its table's primary key backwards until `limit` rows match (no index of its own):
 * cheap while failures are frequent, a scan of the table when there are none.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

export interface FailureRow {
  /** what failed: a document key, a mail address, an endpoint id */
  subject: string;
  /** e.g. an NTS result code, an HTTP status, the mail's attempts */
  code: string;
  error: string;
  at: Date | null;
}

export interface RecentFailures {
  nts: FailureRow[];
  mail: FailureRow[];
  webhooks: FailureRow[];
}

export async function recentFailures(ctx: Ctx, limit = 10): Promise<RecentFailures> {
  const nts = await sql<{ dockey: string | null; result_code: string | null; result_msg: string | null; at: Date | null }>`
    SELECT d.dockey, f.result_code, f.result_msg, coalesce(f.settled_at, f.requested_at) AS at
      FROM nts_filings f LEFT JOIN documents d ON d.id = f.document_id
     WHERE f.state = 'failed'
     ORDER BY f.id DESC LIMIT ${limit}`.execute(ctx.db);
  const mail = await sql<{ to_addr: string; attempts: number; state: string; last_error: string; at: Date | null }>`
    (SELECT to_addr, attempts, state, last_error, created_at AS at FROM mail_outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT ${limit})
    UNION ALL
    (SELECT to_addr, attempts, state, last_error, created_at AS at FROM notice_mails WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT ${limit})`.execute(ctx.db);
  const webhooks = await sql<{ public_id: string; event_type: string; status: number | null; error: string | null; at: Date }>`
    SELECT e.public_id, d.event_type, a.status, a.error, a.at
      FROM webhook_attempts a
      JOIN webhook_deliveries d ON d.seq = a.delivery_seq
      JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE a.status IS NULL OR a.status < 200 OR a.status > 299
     ORDER BY a.id DESC LIMIT ${limit}`.execute(ctx.db);
  const when = (d: Date | null) => (d === null ? null : new Date(d));
  return {
    nts: nts.rows.map((r) => ({ subject: r.dockey ?? '-', code: r.result_code ?? '-', error: r.result_msg ?? '', at: when(r.at) })),
    mail: mail.rows
      .map((r) => ({ subject: r.to_addr, code: `${r.state} · ${r.attempts}`, error: r.last_error, at: when(r.at) }))
      .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0))
      .slice(0, limit),
    webhooks: webhooks.rows.map((r) => ({ subject: `${r.public_id} · ${r.event_type}`, code: r.status === null ? '-' : String(r.status), error: r.error ?? '', at: when(r.at) })),
  };
}
