/** A webhook endpoint as the API and the portal show it (never its secret), and the lookup every use case starts with. */
import type { Db, Tx } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { kstIso } from '../../platform/clock.ts';
import type { EndpointState } from './webhook-tables.ts';
import './webhook-tables.ts';

export const MAX_ENDPOINTS_PER_PARTNER = 10;

export interface EndpointView {
  id: string;
  url: string;
  events: string[];
  description: string;
  enabled: boolean;
  state: EndpointState;
  createdAt: string;
  /** set while the previous secret still signs (after a rotation) */
  previousSecretExpiresAt: string | null;
  /** the first failure since the last success (3 days of failures disable the endpoint) */
  failingSince: string | null;
  disabledAt: string | null;
}

export interface EndpointRow {
  id: number;
  public_id: string;
  partner_id: number;
  url: string;
  events: string[];
  description: string;
  state: EndpointState;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  disabled_at: Date | null;
  created_at: Date;
}

export const ENDPOINT_COLUMNS = ['id', 'public_id', 'partner_id', 'url', 'events', 'description', 'state', 'previous_secret_expires_at', 'failing_since', 'disabled_at', 'created_at'] as const;

export function endpointView(row: EndpointRow, now: Date): EndpointView {
  const previous = row.previous_secret_expires_at && row.previous_secret_expires_at > now ? row.previous_secret_expires_at : null;
  return {
    id: row.public_id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.state === 'enabled',
    state: row.state,
    createdAt: kstIso(row.created_at),
    previousSecretExpiresAt: previous ? kstIso(previous) : null,
    failingSince: row.failing_since ? kstIso(row.failing_since) : null,
    disabledAt: row.disabled_at ? kstIso(row.disabled_at) : null,
  };
}

/** The partner's endpoint `publicId` (locked FOR UPDATE inside a transaction when `lock`), or 404 — also for another partner's. */
export async function findEndpoint(db: Db | Tx, partnerId: number, publicId: string, opts: { lock?: boolean } = {}): Promise<EndpointRow> {
  const found = /^we_[0-9a-f]{24}$/.test(publicId);
  let q = db.selectFrom('webhook_endpoints').select([...ENDPOINT_COLUMNS]).where('public_id', '=', found ? publicId : '').where('partner_id', '=', partnerId);
  if (opts.lock) q = q.forUpdate();
  const row = found ? await q.executeTakeFirst() : undefined;
  if (!row) throw new AppError('webhook_endpoint_not_found', '웹훅 엔드포인트가 없습니다 (no such webhook endpoint)', { field: 'endpointId' });
  return row;
}
