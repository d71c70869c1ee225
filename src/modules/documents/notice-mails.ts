/**
 * Notice mails (notice_mails): short mails about a change — a cancelled invoice to its buyer, an approval or
 * rejection to its supplier, a 역발행 request to its supplier and the answer to its buyer. The mail is rendered
 * and stored in the transaction of the change, with its job (queue `<channel>.notice-mail`), so a committed change
 * always gets its mail and a rolled-back one never does. The worker sends a pending row once; a temporary failure
 * is retried with backoff (the job throws), a permanent one stops (state failed, the error kept). A crash between
 * the SMTP answer and the update can send once more (the Message-ID is stable per row).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { enqueueJob, type Job } from '../../platform/jobs.ts';
import { MailSendError, type MailTransport } from '../mail/mail-transport.ts';
import { serviceMailBody, serviceMessageId } from '../mail/service-mail.ts';
import './reverse-tables.ts';

export function noticeMailQueue(config: { channel: string }): string {
  return `${config.channel}.notice-mail`;
}

export interface NoticeMail {
  kind: string;
  to: string;
  subject: string;
  /** Paragraphs, Korean first; an English block follows after `---`. */
  ko: string[];
  en: string[];
  /** A link shown at the end (the document or the request page). */
  link?: string;
  documentId?: number;
  requestId?: number;
}

export async function queueNoticeMail(ctx: Ctx, tx: Tx, mail: NoticeMail): Promise<void> {
  const { text, html } = serviceMailBody([...mail.ko, ...(mail.link ? ['', { link: mail.link }] : [])], mail.en);
  const row = await tx
    .insertInto('notice_mails')
    .values({
      kind: mail.kind,
      document_id: mail.documentId ?? null,
      request_id: mail.requestId ?? null,
      to_addr: mail.to,
      subject: mail.subject,
      text_body: text,
      html_body: html,
      created_at: ctx.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueueJob(tx, noticeMailQueue(ctx.config), { noticeId: row.id }, { dedupeKey: `notice-mail:${row.id}` });
}

export function sendNoticeMailHandler(ctx: Ctx, transport: MailTransport) {
  return async (job: Job): Promise<void> => {
    const id = Number(job.payload['noticeId']);
    const mail = await ctx.db.selectFrom('notice_mails').selectAll().where('id', '=', id).executeTakeFirst();
    if (!mail || mail.state !== 'pending') return;
    try {
      await transport.send({ to: [mail.to_addr], subject: mail.subject, text: mail.text_body, html: mail.html_body, headers: { 'Message-ID': serviceMessageId(ctx.config, `notice-${mail.id}`), 'X-Hanbill-Notice': mail.kind } });
    } catch (err) {
      const permanent = err instanceof MailSendError && err.permanent;
      const final = permanent || job.attempts >= job.maxAttempts;
      const message = String((err as Error).message ?? err).slice(0, 500);
      await ctx.db.updateTable('notice_mails').set({ state: final ? 'failed' : 'pending', attempts: sql`attempts + 1`, last_error: message }).where('id', '=', id).execute();
      ctx.log.warn({ noticeId: id, kind: mail.kind, permanent, final }, 'notice mail failed');
      if (!final) throw err;
      return;
    }
    await ctx.db.updateTable('notice_mails').set({ state: 'sent', attempts: sql`attempts + 1`, sent_at: ctx.clock.now(), last_error: null }).where('id', '=', id).execute();
    ctx.log.info({ noticeId: id, kind: mail.kind }, 'notice mail sent');
  };
}
