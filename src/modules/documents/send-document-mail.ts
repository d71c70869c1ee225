/**
 * The mail worker: outbox rows → render each mail, its PDF (unless HANBILL_MAIL_PDF=off) and its standard XML
 * → send over SMTP (a pooled transport: mail-transport.ts). Mail jobs run in batches (a BatchJobHandler of up to
 * MAIL_BATCH jobs: the outbox rows and their documents read in one statement, the mails sent concurrently, every
 * sent one recorded in one statement — per mail the embedded database ran 4 statements, now ≈ 4 per batch; issue 13).
 * A batch whose slowest mail takes more than SLOW_SEND_MS records the ones already sent first.
 * The result is visible on the document (`mail_result`). Temporary failures are retried with backoff
 * (each job's own: the batch answers its failure); permanent ones (5xx, every recipient refused) stop at once. A row already sent is
 * not sent again. Crash between the SMTP answer and our update can re-send once (at-least-once mail);
 * the Message-ID is stable per outbox row so receivers can drop the duplicate.
 * Events: `document.mailed` when a mail is sent, `document.mail_failed` when it failed for good (a permanent SMTP
 * error or the last attempt), each written with the result (a sent mail: in its one statement) — only the outbox
 * row's first change from pending records one, so a repeated job records none.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { settlesWithin, type BatchJobHandler, type Job } from '../../platform/jobs.ts';
import { retryingDeadlock } from '../../platform/db/deadlock-retry.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { MailSendError } from '../mail/mail-transport.ts';
import { renderInvoiceMail } from './render/index.ts';
import { documentFileName, documentOf, pdfOf, renderMetaOf, standardXmlOf } from './document-files.ts';
import { viewUrl } from './recipient-view.ts';
import { EVENT_COLUMNS, eventRows, recordEvent } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

/** Mail jobs per batch: about what the SMTP pool (5 connections by default) and the PDF thread keep busy. */
export const MAIL_BATCH = 16;

/** How long a batch waits for its slowest mail before it records the ones already sent. */
export const SLOW_SEND_MS = 1_000;

/** The mail queue's handler: up to MAIL_BATCH jobs at once. */
export function sendDocumentMailsHandler(ctx: Ctx, transport: MailTransport): BatchJobHandler {
  return { batchSize: MAIL_BATCH, runBatch: (jobs) => sendDocumentMails(ctx, transport, jobs) };
}

type OutboxDocument = Awaited<ReturnType<typeof readOutbox>>[number];

/** The outbox rows of `ids` with their documents, in one statement (each costs the embedded database's one thread). */
function readOutbox(ctx: Ctx, ids: number[]) {
  return ctx.db
    .selectFrom('mail_outbox as o')
    .innerJoin('documents', 'documents.id', 'o.document_id')
    .selectAll('documents')
    .select(['o.id as outbox_id', 'o.state as outbox_state', 'o.to_addr as outbox_to', 'o.cc_addr as outbox_cc', 'o.reason as outbox_reason'])
    .where('o.id', 'in', ids)
    .execute();
}

interface Sent {
  found: OutboxDocument;
  messageId: string;
}

/** The jobs' mails; answers the failures to retry (a mail failed for good is recorded and not retried). */
async function sendDocumentMails(ctx: Ctx, transport: MailTransport, jobs: Job[]): Promise<Map<number, unknown>> {
  const jobOf = new Map(jobs.map((j) => [Number(j.payload['outboxId']), j]));
  // an outbox row gone or no longer pending (a job run twice) needs nothing
  const pending = (await readOutbox(ctx, [...jobOf.keys()])).filter((f) => f.outbox_state === 'pending');
  const failures = new Map<number, unknown>();
  const sent: Sent[] = [];
  const sends = Promise.all(
    pending.map(async (found) => {
      const job = jobOf.get(found.outbox_id)!;
      try {
        sent.push({ found, messageId: await sendOne(ctx, transport, found) });
      } catch (err) {
        const retry = await recordFailure(ctx, job, found, err);
        if (retry) failures.set(job.id, retry.err);
      }
    }),
  );
  // the mails sent within SLOW_SEND_MS are recorded then, so a slow exchange (up to the SMTP socket time-out) holds back
  // only its own record; the others, already delivered, are not left pending meanwhile
  if (!(await settlesWithin(sends, SLOW_SEND_MS))) {
    await recordSent(ctx, sent.splice(0));
    await sends;
  }
  await recordSent(ctx, sent);
  return failures;
}

async function sendOne(ctx: Ctx, transport: MailTransport, found: OutboxDocument): Promise<string> {
  const { outbox_id, outbox_state: _state, outbox_to, outbox_cc, outbox_reason: _reason, ...row } = found;
  const doc = documentOf(row);
  const attachPdf = ctx.config.mailPdf;
  const mail = renderInvoiceMail(doc, renderMetaOf(row, 'ko', viewUrl(ctx, row.dockey)), { pdfAttached: attachPdf });
  const host = new URL(ctx.config.publicUrl).hostname || 'hanbill.local';
  const result = await transport.send({
    to: [outbox_to],
    ...(outbox_cc ? { cc: [outbox_cc] } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'Message-ID': `<outbox-${outbox_id}.${row.dockey}@${host}>`, 'X-Hanbill-Dockey': row.dockey },
    attachments: [
      ...(attachPdf ? [{ filename: documentFileName(row, 'pdf'), content: await pdfOf(row), contentType: 'application/pdf' }] : []),
      { filename: documentFileName(row, 'xml'), content: Buffer.from(standardXmlOf(row), 'utf8'), contentType: 'application/xml' },
    ],
  });
  return result.messageId;
}

/**
 * Every sent mail's outbox row, its document and its `document.mailed` event in one statement (data-modifying
 * CTEs: atomic, one round trip, no transaction of its own). A document and an event only for an outbox row that
 * left pending here (a job run twice records one event).
 */
async function recordSent(ctx: Ctx, sent: Sent[]): Promise<void> {
  if (sent.length === 0) return;
  const now = ctx.clock.now();
  const rows = JSON.stringify(sent.map((s) => ({ id: s.found.outbox_id, message_id: s.messageId })));
  // the k-th event is the k-th sent mail's: recorded when that outbox row is among those the statement moved
  const outboxOfEvent = JSON.stringify(sent.map((s) => s.found.outbox_id));
  const events = sent.map(({ found }) => documentEvent('document.mailed', found, now, { reason: found.outbox_reason, to: found.outbox_to }));
  // a deadlock with a filing that marks the same documents (both update many rows of documents) must not fail the
  // jobs: they would send these delivered mails again. The statement is atomic and guarded, so it runs again.
  await retryingDeadlock(() => sql`
    WITH moved AS (
      UPDATE mail_outbox o SET state = 'sent', attempts = o.attempts + 1, sent_at = ${now}, message_id = v.message_id, last_error = NULL
        FROM jsonb_to_recordset(${rows}::jsonb) AS v(id bigint, message_id text)
       WHERE o.id = v.id AND o.state = 'pending'
      RETURNING o.id, o.document_id),
    doc AS (
      UPDATE documents SET send_at = ${now}, mail_result = 'sent', updated_at = ${now}
       WHERE id IN (SELECT document_id FROM moved))
    INSERT INTO events (${sql.raw(EVENT_COLUMNS.join(', '))})
    ${eventRows(events, sql`(${outboxOfEvent}::jsonb ->> v.ord)::bigint IN (SELECT id FROM moved)`)}`.execute(ctx.db));
  for (const { found } of sent) ctx.log.info({ dockey: found.dockey, outboxId: found.outbox_id }, 'document mail sent');
}

/**
 * A mail that failed, recorded on its outbox row and document: the error its job is retried for, or undefined when it
 * failed for good. A failure that cannot be recorded (the database out of reach) is retried too; the batch's sent mails
 * are still recorded.
 */
async function recordFailure(ctx: Ctx, job: Job, found: OutboxDocument, err: unknown): Promise<{ err: unknown } | undefined> {
  const permanent = err instanceof MailSendError && err.permanent;
  const final = permanent || job.attempts >= job.maxAttempts;
  const message = String((err as Error).message ?? err).slice(0, 500);
  const now = ctx.clock.now();
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('mail_outbox')
        .set({ state: final ? 'failed' : 'pending', attempts: sql`attempts + 1`, last_error: message })
        .where('id', '=', found.outbox_id)
        .execute();
      await tx
        .updateTable('documents')
        .set({ mail_result: final ? `failed: ${message}` : `retrying: ${message}`, updated_at: now })
        .where('id', '=', found.id)
        .execute();
      if (final) await recordEvent(tx, documentEvent('document.mail_failed', found, now, { reason: found.outbox_reason, to: found.outbox_to, permanent, error: message.slice(0, 200) }));
    });
  } catch (recordErr) {
    return { err: recordErr };
  }
  ctx.log.warn({ dockey: found.dockey, outboxId: found.outbox_id, permanent, final }, 'document mail failed');
  return final ? undefined : { err };
}
