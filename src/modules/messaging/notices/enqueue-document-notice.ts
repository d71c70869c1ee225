/**
 * A document notice, enqueued inside the issuing transaction (documents/issue-document.ts): one AlimTalk with an
 * LMS fallback to the buyer contact's mobile, from the platform's own channel (HANBILL_NOTICE_SENDER_KEY) and
 * number (HANBILL_NOTICE_SENDER_NUMBER), as a message batch of source 'document_notice' that the delivery pipeline
 * sends, reports and bills like any other (usage with the member's partner and the document's subscription).
 *
 *   document_notices (document_id PRIMARY KEY) ─ exactly once per document, whatever retries the issue
 *   message_batches 'queued' + message_recipients 'queued' + dispatch job ─ the same transaction
 *   notices off (a real carrier without the notice sender) ─ the row is kept 'skipped' with the reason, logged
 *
 * The month's message partitions must exist: readyForDocumentNotices runs before the transaction.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Db, Tx } from '../../../platform/db/transaction.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { ensureMessagePartitions } from '../sending/message-partitions.ts';
import { batchJobPayload, messageQueuesOf } from '../sending/message-queues.ts';
import '../sending/tables.ts';
import { NOTICE_TEMPLATE_BODY, NOTICE_TEMPLATE_CODE, NOTICE_TEMPLATE_NAME, noticeFallback, noticeVariables, renderNotice, type NoticeFacts } from './notice-template.ts';
import './tables.ts';

export interface DocumentNoticeRequest {
  documentId: number;
  dockey: string;
  subscriptionId: number;
  /** the buyer contact's mobile as written (hyphens allowed) */
  mobile: string;
  facts: NoticeFacts;
}

export type DocumentNoticeOutcome =
  | { kind: 'queued'; batchId: number; acceptedAt: Date }
  | { kind: 'skipped'; reason: string }
  | { kind: 'exists' };

/** Call before the issuing transaction (outside any transaction): the partitions of this month and the next. */
export async function readyForDocumentNotices(ctx: { db: Db; clock: { now(): Date } }): Promise<void> {
  if (!ctx.db.isTransaction) await ensureMessagePartitions(ctx.db, ctx.clock.now());
}

export async function enqueueDocumentNotice(ctx: Ctx, tx: Tx, req: DocumentNoticeRequest): Promise<DocumentNoticeOutcome> {
  const now = ctx.clock.now();
  const phone = req.mobile.replace(/\D/g, '');
  const member = await tx
    .selectFrom('subscriptions')
    .innerJoin('members', 'members.id', 'subscriptions.member_id')
    .select('members.partner_id')
    .where('subscriptions.id', '=', req.subscriptionId)
    .executeTakeFirst();
  const partnerId = member?.partner_id == null ? null : Number(member.partner_id);
  const sender = ctx.config.notices.sender;

  if (!sender) {
    const reason = ctx.config.notices.offReason ?? 'document notices are off';
    const row = await tx
      .insertInto('document_notices')
      .values({ document_id: req.documentId, subscription_id: req.subscriptionId, partner_id: partnerId, phone, state: 'skipped', skip_reason: reason, created_at: now })
      .onConflict((oc) => oc.column('document_id').doNothing())
      .returning('document_id')
      .executeTakeFirst();
    if (!row) return { kind: 'exists' };
    ctx.log.warn({ dockey: req.dockey, reason }, 'document notice skipped');
    return { kind: 'skipped', reason };
  }

  const seq = await sql<{ id: string }>`SELECT nextval('message_batches_id_seq') AS id`.execute(tx);
  const batchId = Number(seq.rows[0]!.id);
  const claimed = await tx
    .insertInto('document_notices')
    .values({ document_id: req.documentId, subscription_id: req.subscriptionId, partner_id: partnerId, phone, state: 'queued', batch_id: batchId, batch_accepted_at: now, created_at: now })
    .onConflict((oc) => oc.column('document_id').doNothing())
    .returning('document_id')
    .executeTakeFirst();
  if (!claimed) return { kind: 'exists' };

  const variables = noticeVariables(req.facts);
  const link = req.facts.link;
  const content = {
    noticeKey: `document:${req.documentId}`,
    dockey: req.dockey,
    templateBody: NOTICE_TEMPLATE_BODY,
    buttons: [{ type: 'WL', name: '문서보기', linkMo: link, linkPc: link }],
  };
  await tx
    .insertInto('message_batches')
    .values({
      id: batchId,
      accepted_at: now,
      partner_id: partnerId,
      subscription_id: req.subscriptionId,
      source: 'document_notice',
      channel: ctx.config.channel,
      type: 'alimtalk',
      sender_number: sender.senderNumber,
      channel_id: null,
      template_id: null,
      template_code: NOTICE_TEMPLATE_CODE,
      template_name: NOTICE_TEMPLATE_NAME,
      content: sql`${JSON.stringify(content)}::jsonb`,
      state: 'queued',
      hold_reason: null,
      total: 1,
      pending: 1,
    })
    .execute();
  await tx
    .insertInto('message_recipients')
    .values({
      accepted_at: now,
      batch_id: batchId,
      partner_id: partnerId,
      seq: 0,
      phone,
      client_ref: null,
      kind: 'alimtalk',
      subject: null,
      text: renderNotice(variables),
      variables: JSON.stringify(variables),
      fallback: JSON.stringify(noticeFallback(variables)),
      state: 'queued',
      result_code: null,
      result_message: null,
    })
    .execute();
  await enqueueJob(tx, messageQueuesOf(ctx).dispatch, batchJobPayload(batchId, now), { dedupeKey: `batch:${batchId}` });
  ctx.log.debug({ dockey: req.dockey, batchId }, 'document notice queued');
  return { kind: 'queued', batchId, acceptedAt: now };
}
