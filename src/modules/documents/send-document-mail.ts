/**
 * The mail worker: one outbox row → render the mail, the PDF (unless HANBILL_MAIL_PDF=off) and the standard XML
 * → send over SMTP (a pooled transport: mail-transport.ts).
 * The result is visible on the document (`mail_result`). Temporary failures are retried with backoff
 * (the job throws); permanent ones (5xx, every recipient refused) stop at once. A row already sent is
 * not sent again. Crash between the SMTP answer and our update can re-send once (at-least-once mail);
 * the Message-ID is stable per outbox row so receivers can drop the duplicate.
 * Events: `document.mailed` when a mail is sent, `document.mail_failed` when it failed for good (a permanent SMTP
 * error or the last attempt), each written with the result (a sent mail: in its one statement) — only the outbox
 * row's first change from pending records one, so a repeated job records none.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Job } from '../../platform/jobs.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { MailSendError } from '../mail/mail-transport.ts';
import { renderInvoiceMail } from './render/index.ts';
import { documentFileName, documentOf, pdfOf, renderMetaOf, standardXmlOf } from './document-files.ts';
import { viewUrl } from './recipient-view.ts';
import { EVENT_COLUMNS, eventRows, recordEvent } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

export function sendDocumentMailHandler(ctx: Ctx, transport: MailTransport) {
  return async (job: Job): Promise<void> => {
    const outboxId = Number(job.payload['outboxId']);
    // the outbox row and its document in one statement (each statement costs the embedded database's one thread)
    const found = await ctx.db
      .selectFrom('mail_outbox as o')
      .innerJoin('documents', 'documents.id', 'o.document_id')
      .selectAll('documents')
      .select(['o.id as outbox_id', 'o.state as outbox_state', 'o.to_addr as outbox_to', 'o.cc_addr as outbox_cc', 'o.reason as outbox_reason'])
      .where('o.id', '=', outboxId)
      .executeTakeFirst();
    if (!found || found.outbox_state !== 'pending') return;
    const { outbox_id, outbox_state: _state, outbox_to, outbox_cc, outbox_reason: outboxReason, ...row } = found;
    const outbox = { id: outbox_id, to_addr: outbox_to, cc_addr: outbox_cc };
    const doc = documentOf(row);
    const link = viewUrl(ctx, row.dockey);
    const attachPdf = ctx.config.mailPdf;
    const mail = renderInvoiceMail(doc, renderMetaOf(row, 'ko', link), { pdfAttached: attachPdf });
    const host = new URL(ctx.config.publicUrl).hostname || 'hanbill.local';
    try {
      const result = await transport.send({
        to: [outbox.to_addr],
        ...(outbox.cc_addr ? { cc: [outbox.cc_addr] } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'Message-ID': `<outbox-${outbox.id}.${row.dockey}@${host}>`, 'X-Hanbill-Dockey': row.dockey },
        attachments: [
          ...(attachPdf ? [{ filename: documentFileName(row, 'pdf'), content: await pdfOf(row), contentType: 'application/pdf' }] : []),
          { filename: documentFileName(row, 'xml'), content: Buffer.from(standardXmlOf(row), 'utf8'), contentType: 'application/xml' },
        ],
      });
      const now = ctx.clock.now();
      // both rows and the event in one statement (data-modifying CTEs: atomic, one round trip, no transaction of
      // its own); the documents row and the event only when the outbox row left pending here (a job run twice
      // records one event)
      await ctx.db
        .with('sent', (db) =>
          db
            .updateTable('mail_outbox')
            .set({ state: 'sent', attempts: sql`attempts + 1`, sent_at: now, message_id: result.messageId, last_error: null })
            .where('id', '=', outbox.id)
            .where('state', '=', 'pending')
            .returning('document_id'),
        )
        .with('doc', (db) =>
          db
            .updateTable('documents')
            .set({ send_at: now, mail_result: 'sent', updated_at: now })
            .where('id', '=', row.id)
            .where('id', 'in', (eb) => eb.selectFrom('sent').select('sent.document_id'))
            .returning('id'),
        )
        .insertInto('events')
        .columns(EVENT_COLUMNS)
        .expression(eventRows([documentEvent('document.mailed', row, now, { reason: outboxReason, to: outbox.to_addr })], sql`EXISTS (SELECT 1 FROM doc)`))
        .execute();
      ctx.log.info({ dockey: row.dockey, outboxId }, 'document mail sent');
    } catch (err) {
      const permanent = err instanceof MailSendError && err.permanent;
      const final = permanent || job.attempts >= job.maxAttempts;
      const message = String((err as Error).message ?? err).slice(0, 500);
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('mail_outbox')
          .set({ state: final ? 'failed' : 'pending', attempts: sql`attempts + 1`, last_error: message })
          .where('id', '=', outbox.id)
          .execute();
        await tx
          .updateTable('documents')
          .set({ mail_result: final ? `failed: ${message}` : `retrying: ${message}`, updated_at: now })
          .where('id', '=', row.id)
          .execute();
        if (final) await recordEvent(tx, documentEvent('document.mail_failed', row, now, { reason: outboxReason, to: outbox.to_addr, permanent, error: message.slice(0, 200) }));
      });
      ctx.log.warn({ dockey: row.dockey, outboxId, permanent, final }, 'document mail failed');
      if (!final) throw err;
    }
  };
}
