/**
 * The event catalogue (issue 14): every state change an integrator can observe, by type. An event names one object
 * (its type and id) and the object's state after the change. The catalogue is the one list the REST schemas, the
 * webhook endpoint's `events` check and docs/integration.md are made from.
 *
 * Events of one object are recorded in the order of its changes (each change holds the object's row), and are
 * delivered to a webhook endpoint in that order. NTS filing events name the document they file, so a document's
 * issue, mail, filing and cancellation arrive in one order.
 *
 * Object ids, as the API shows them (unique within an object type only): document → dockey; reverse_request →
 * reqkey; message_batch (message_batch.*, reservation.*) → the batch id POST /v1/messages answers; message → the
 * recipient's id (GET /v1/messages/{id}/recipients, the message history); bill → the order number (주문번호);
 * partner → the partner id; api_key → the key id. The state after each change and every type's data: docs/events.md.
 */
export const EVENT_OBJECT_TYPES = ['document', 'reverse_request', 'message_batch', 'message', 'bill', 'partner', 'api_key', 'document_batch'] as const;
export type EventObjectType = (typeof EVENT_OBJECT_TYPES)[number];

interface EventTypeInfo {
  object: EventObjectType;
  /** what happened, in Korean then English (docs/integration.md, the portal's endpoint form) */
  ko: string;
  en: string;
}

export const EVENT_TYPES = {
  'document.issued': { object: 'document', ko: '세금계산서 발행', en: 'a document was issued' },
  'document.mailed': { object: 'document', ko: '발행 메일 발송', en: "the document's mail was delivered to the buyer's mail server" },
  'document.mail_failed': { object: 'document', ko: '발행 메일 발송 실패', en: "the document's mail failed for good" },
  'document.read': { object: 'document', ko: '수신자 열람', en: 'the buyer opened the document' },
  'document.approved': { object: 'document', ko: '수신자 승인', en: 'the buyer approved the document' },
  'document.rejected': { object: 'document', ko: '수신자 거부', en: 'the buyer rejected the document' },
  'document.cancelled': { object: 'document', ko: '발행취소', en: 'the supplier cancelled the document' },
  'document.discarded': { object: 'document', ko: '임시저장 문서 삭제', en: 'a draft was deleted' },
  'reverse_request.requested': { object: 'reverse_request', ko: '역발행 요청', en: 'a buyer requested reverse issuance' },
  'reverse_request.issued': { object: 'reverse_request', ko: '역발행 요청 발행', en: 'the supplier issued a requested document' },
  'reverse_request.refused': { object: 'reverse_request', ko: '역발행 요청 거부', en: 'the supplier refused the request' },
  'reverse_request.withdrawn': { object: 'reverse_request', ko: '역발행 요청 철회', en: 'the buyer withdrew the request' },
  'nts_filing.queued': { object: 'document', ko: '국세청 전송 대기', en: 'the document was queued for NTS filing' },
  'nts_filing.sent': { object: 'document', ko: '국세청 전송', en: 'the document was sent to the NTS' },
  'nts_filing.succeeded': { object: 'document', ko: '국세청 전송 성공', en: 'the NTS accepted the document' },
  'nts_filing.failed': { object: 'document', ko: '국세청 전송 실패', en: 'the NTS refused the document, or filing failed for good' },
  'message_batch.accepted': { object: 'message_batch', ko: '메시지 접수', en: 'a message batch was accepted' },
  'message.delivered': { object: 'message', ko: '메시지 전달 성공', en: 'a recipient received the message' },
  'message.failed': { object: 'message', ko: '메시지 전달 실패', en: 'a message failed for a recipient' },
  'reservation.sent': { object: 'message_batch', ko: '예약 메시지 발송', en: 'a reserved batch was released for sending' },
  'reservation.cancelled': { object: 'message_batch', ko: '예약 취소', en: 'a reserved batch was cancelled' },
  'bill.issued': { object: 'bill', ko: '청구서 발행', en: 'a monthly bill was issued' },
  'bill.paid': { object: 'bill', ko: '청구서 납부', en: 'a bill was paid in full' },
  'bill.overdue': { object: 'bill', ko: '청구서 연체', en: 'a bill passed its due date unpaid' },
  'partner.suspended': { object: 'partner', ko: '파트너 이용 정지', en: 'the partner was suspended' },
  'partner.restored': { object: 'partner', ko: '파트너 이용 재개', en: 'the partner was restored' },
  'api_key.created': { object: 'api_key', ko: 'API Key 발급', en: 'an API key was created' },
  'api_key.reissued': { object: 'api_key', ko: 'API Key 재발급', en: 'an API key was reissued' },
  'api_key.deleted': { object: 'api_key', ko: 'API Key 삭제', en: 'an API key was deleted' },
  'document_batch.accepted': { object: 'document_batch', ko: '대량 발행 접수', en: 'a document batch was stored' },
  'document_batch.item_issued': { object: 'document_batch', ko: '대량 발행 항목 발행', en: 'an item of a batch was issued' },
  'document_batch.item_failed': { object: 'document_batch', ko: '대량 발행 항목 오류', en: 'an item of a batch was refused' },
  'document_batch.completed': { object: 'document_batch', ko: '대량 발행 완료', en: 'every item of a batch was handled' },
} as const satisfies Record<string, EventTypeInfo>;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

export function isEventType(name: string): name is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, name);
}

/** How long events are kept (the sweeper deletes older ones; docs/integration.md). */
export const EVENT_RETENTION_DAYS = 30;
