/**
 * Types of the event log, webhook endpoints and document batches, written by hand from their published contracts
 * (docs/integration.md, docs/webhooks.md, docs/document-batches.md) for as long as the committed OpenAPI document
 * does not describe those routes yet; once it does, the generated `Operations` type them too and these types must
 * agree with them (test/contract-types.test.ts compares the event catalogue with the server's).
 */

/** The event catalogue (src/modules/events/event-catalogue.ts on the server). */
export const EVENT_TYPES = [
  'document.issued',
  'document.mailed',
  'document.mail_failed',
  'document.read',
  'document.approved',
  'document.rejected',
  'document.cancelled',
  'document.discarded',
  'reverse_request.requested',
  'reverse_request.issued',
  'reverse_request.refused',
  'reverse_request.withdrawn',
  'nts_filing.queued',
  'nts_filing.sent',
  'nts_filing.succeeded',
  'nts_filing.failed',
  'message_batch.accepted',
  'message.delivered',
  'message.failed',
  'reservation.sent',
  'reservation.cancelled',
  'bill.issued',
  'bill.paid',
  'bill.overdue',
  'partner.suspended',
  'partner.restored',
  'api_key.created',
  'api_key.reissued',
  'api_key.deleted',
  'document_batch.accepted',
  'document_batch.item_issued',
  'document_batch.item_failed',
  'document_batch.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_OBJECT_TYPES = ['document', 'reverse_request', 'message_batch', 'message', 'bill', 'partner', 'api_key', 'document_batch'] as const;
export type EventObjectType = (typeof EVENT_OBJECT_TYPES)[number];

/** One state change: GET /v1/events shows it, and a webhook delivery's body is exactly this object. */
export interface HanbillEvent {
  id: string;
  /** a catalogue type; a newer server may send types this client does not list */
  type: EventType | (string & {});
  /** ISO 8601 in KST (+09:00) */
  occurredAt: string;
  subscriptionId: number | null;
  /** the object that changed and its state after the change */
  object: { type: EventObjectType | (string & {}); id: string; state: string };
  data: Record<string, unknown>;
}

export interface EventQuery {
  /** one or more types (sent comma-separated) */
  type?: string | readonly string[] | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  subscriptionId?: number | undefined;
  /** `nextCursor` of the previous page */
  cursor?: string | undefined;
  /** 1..500 */
  limit?: number | undefined;
}

export interface CursorPage<T> {
  data: T[];
  /** pass as `cursor` to continue; returned even for an empty page so a poll keeps its place */
  nextCursor: string | null;
  hasMore: boolean;
}

export type WebhookEndpointState = 'enabled' | 'disabled';

export interface WebhookEndpoint {
  /** we_… */
  id: string;
  url: string;
  events: string[];
  description: string;
  enabled: boolean;
  /** disabled: by the partner, or after 3 days of failed deliveries */
  state: WebhookEndpointState;
  createdAt: string;
  /** after a rotation: until then deliveries also carry a signature with the previous secret */
  previousSecretExpiresAt?: string | null;
  /** the first failed attempt since the last success */
  failingSince?: string | null;
  disabledAt?: string | null;
}

/** The answer of a creation: the secret (`whsec_…`) is shown here and never again. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

export interface WebhookEndpointInput {
  /** https (http only where the operator allows it) */
  url: string;
  /** catalogue types, at least one */
  events: readonly string[];
  description?: string | undefined;
}

export interface WebhookEndpointPatch {
  url?: string | undefined;
  events?: readonly string[] | undefined;
  description?: string | undefined;
  /** enabling a disabled endpoint clears its failure streak */
  enabled?: boolean | undefined;
}

export interface RotatedSecret {
  secret: string;
  /** until then deliveries carry a second `v1=` made with the previous secret */
  previousSecretExpiresAt: string | null;
}

export interface WebhookAttempt {
  at: string;
  /** the HTTP status, or null when there was none (time-out, refused address, network error) */
  status: number | null;
  durationMs: number;
  /** the first 500 characters of the answer */
  responseExcerpt: string;
  error: string | null;
}

export interface WebhookDelivery {
  /** the same on every retry and redeliver (the Hanbill-Delivery header) */
  id: string;
  eventId: string;
  eventType: string;
  objectId: string;
  state: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  attemptLog: WebhookAttempt[];
}

export type DocumentBatchState = 'accepted' | 'processing' | 'completed';

export interface DocumentBatchItem {
  /** position in the request, from 0 */
  index: number;
  /** yours, or batch:<id>:<index> when you gave none */
  subkey: string;
  state: 'pending' | 'issued' | 'failed';
  dockey: string | null;
  /** the NTS approval number (승인번호); null for a draft */
  issueId: string | null;
  /** issued: a new document (true) or the existing one of the subkey (false) */
  created?: boolean | null;
  /** what POST …/documents/bulk answers for the item */
  error: { code: string; message: string; field: string | null } | null;
}

export interface DocumentBatchSummary {
  id: number;
  state: DocumentBatchState;
  total: number;
  issued: number;
  failed: number;
  pending: number;
  createdAt: string;
  completedAt: string | null;
}

export interface DocumentBatch extends DocumentBatchSummary {
  items: DocumentBatchItem[];
  nextCursor: string | null;
  hasMore: boolean;
}
