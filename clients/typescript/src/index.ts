/** @hanbill/client: the typed client of the Hanbill REST API, and the webhook signature verifier. */
export { HanbillClient, type HanbillClientOptions } from './client.ts';
export { HanbillError, type ApiErrorBody } from './errors.ts';
export { Transport, type CallOptions, type FetchLike, type TransportOptions } from './transport.ts';
export type { RetryOptions } from './retry.ts';
export type { OperationArgs, Success, SubscriptionCredentials } from './operation-call.ts';
export { paginate, followCursor, type PageOf, type CursorPage, type FollowOptions } from './paging.ts';
export { verifyWebhookSignature, signWebhookPayload, parseSignatureHeader, SIGNATURE_HEADER, type VerifyWebhookInput, type VerifyWebhookResult } from './webhook-signature.ts';
export type { Operations, OperationName, Schemas } from './generated/api.ts';
export type { DocumentInput, DocumentWrite, DocumentListQuery, DocumentSummary, DocumentView, BulkWrite, BulkResult } from './areas/documents.ts';
export type { MessageRequest, MessageRecipient, MessageAcceptance, RecipientView, HistoryRow } from './areas/messaging.ts';
export type { BillRow, UsageRow } from './areas/billing.ts';
export { EVENT_TYPES, EVENT_OBJECT_TYPES } from './areas/events.ts';
export type { HanbillEvent, EventType, EventObjectType, EventQuery, EventPage, EventScope, IterateEventsOptions } from './areas/events.ts';
export type { WebhookEndpoint, WebhookEndpointState, CreatedWebhookEndpoint, WebhookEndpointInput, WebhookEndpointPatch, RotatedSecret, WebhookDelivery, WebhookAttempt, DeliveryPage } from './areas/webhook-endpoints.ts';
export type { DocumentBatch, DocumentBatchState, DocumentBatchItem, DocumentBatchSummary, WaitOptions } from './areas/document-batches.ts';
