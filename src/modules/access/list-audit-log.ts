/** The audit log for the operator console: newest first, filtered, never a secret (scrubbed when written). */
import type { Ctx } from '../../platform/context.ts';
import './access-tables.ts';

export interface AuditRow {
  id: number;
  at: Date;
  actorKind: string;
  actorId: number | null;
  actorLabel: string;
  action: string;
  targetKind: string;
  targetId: number | null;
  ip: string;
  details: Record<string, unknown>;
}

export interface ListAuditLogOptions {
  limit?: number;
  beforeId?: number;
  action?: string;
  targetKind?: string;
  targetId?: number;
}

/** Newest first; `beforeId` pages backwards. */
export async function listAuditLog(ctx: Ctx, opts: ListAuditLogOptions = {}): Promise<AuditRow[]> {
  let q = ctx.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(Math.min(Math.max(opts.limit ?? 100, 1), 500));
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  if (opts.action) q = q.where('action', '=', opts.action);
  if (opts.targetKind) q = q.where('target_kind', '=', opts.targetKind);
  if (opts.targetId !== undefined) q = q.where('target_id', '=', opts.targetId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    action: r.action,
    targetKind: r.target_kind,
    targetId: r.target_id,
    ip: r.ip,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
  }));
}
