/** The audit log: every security-relevant action with actor, time, IP and details. Never a secret. */
import type { Ctx } from '../../platform/context.ts';
import type { Db } from '../../platform/db/transaction.ts';
import './tables.ts';

export type ActorKind = 'user' | 'operator' | 'partner' | 'anonymous' | 'system';

export interface Actor {
  kind: ActorKind;
  id?: number | null;
  label?: string;
  ip?: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', label: 'system' };

export interface AuditEntry {
  action: string;
  targetKind?: string;
  targetId?: number | null;
  details?: Record<string, unknown>;
}

const SECRET_KEYS = /pass|pwd|secret|token|code|key$|accesskey|access_key|authorization/i;

/** Drop anything that looks like a secret from the details, whatever a caller passes. */
function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    if (SECRET_KEYS.test(k) && !/^(reason|keyId|keyPrefix|prefix)$/.test(k)) continue;
    out[k] = v;
  }
  return out;
}

export async function audit(ctxOrDb: Ctx | Db, actor: Actor, entry: AuditEntry): Promise<void> {
  const db = 'db' in ctxOrDb ? ctxOrDb.db : ctxOrDb;
  await db
    .insertInto('audit_log')
    .values({
      actor_kind: actor.kind,
      actor_id: actor.id ?? null,
      actor_label: (actor.label ?? '').slice(0, 100),
      action: entry.action,
      target_kind: entry.targetKind ?? '',
      target_id: entry.targetId ?? null,
      ip: actor.ip ?? '',
      details: JSON.stringify(scrub(entry.details ?? {})),
    })
    .execute();
}

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

/** Newest first; `beforeId` pages backwards. */
export async function listAudit(ctx: Ctx, opts: { limit?: number; beforeId?: number; action?: string; targetKind?: string; targetId?: number } = {}): Promise<AuditRow[]> {
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
