/** The audit log: every security-relevant action with actor, time, IP and details. Never a secret. */
import type { Ctx } from '../../platform/context.ts';
import type { Db } from '../../platform/db/transaction.ts';
import './access-tables.ts';

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
