/**
 * An endpoint that has failed for 3 days — no successful attempt since its first failure — is disabled (its pending
 * deliveries wait; enabling it again resumes them) and its owner, the partner's portal user, is mailed, Korean then
 * English: rendered and queued with the change, in the attempt's transaction (documents/notice-mails.ts), so a
 * disabled endpoint always gets its mail and one that stayed enabled never does.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { kstDateTime } from '../../platform/clock.ts';
import { queueNoticeMail } from '../documents/notice-mails.ts';
import { RETRY_WINDOW_MS } from './webhook-queues.ts';
import './webhook-tables.ts';

/** Disable `endpointId` when its failure streak is 3 days old (and it is enabled). True when it was disabled now. */
export async function disableIfFailing(ctx: Ctx, tx: Tx, endpointId: number, now: Date): Promise<boolean> {
  const disabled = await tx
    .updateTable('webhook_endpoints')
    .set({ state: 'disabled', disabled_at: now, updated_at: now })
    .where('id', '=', endpointId)
    .where('state', '=', sql.lit('enabled'))
    .where('failing_since', '<=', new Date(now.getTime() - RETRY_WINDOW_MS))
    .returning(['public_id', 'partner_id', 'url', 'failing_since'])
    .executeTakeFirst();
  if (!disabled) return false;
  const owner = await tx
    .selectFrom('partners as p')
    .innerJoin('portal_users as u', 'u.id', 'p.user_id')
    .select(['u.email', 'u.name', 'u.com_name'])
    .where('p.id', '=', disabled.partner_id)
    .executeTakeFirst();
  ctx.log.warn({ partnerId: disabled.partner_id, endpointId: disabled.public_id }, 'webhook endpoint disabled after 3 days of failures');
  if (!owner?.email) return true;
  const since = kstDateTime(disabled.failing_since!);
  await queueNoticeMail(ctx, tx, {
    kind: 'webhook_disabled',
    to: owner.email,
    subject: '[Hanbill] 웹훅 엔드포인트가 사용 중지되었습니다 (a webhook endpoint was disabled)',
    ko: [
      `${owner.com_name ?? ''} ${owner.name} 님,`,
      '',
      `웹훅 엔드포인트 ${disabled.url} (${disabled.public_id}) 로의 전송이 ${since} (KST)부터 3일 동안 계속 실패하여 사용 중지되었습니다.`,
      '보내지 못한 이벤트는 보관되어 있습니다. 수신 서버를 점검한 뒤 포털 연동 API 관리 > 웹훅에서 다시 사용으로 바꾸면 이어서 전송됩니다.',
      '놓친 이벤트는 GET /v1/events로도 조회할 수 있습니다 (30일 보관).',
    ],
    en: [
      `Deliveries to the webhook endpoint ${disabled.url} (${disabled.public_id}) have failed for 3 days since ${since} KST, so it was disabled.`,
      'Undelivered events are kept: fix the receiver, then enable the endpoint again (portal: 연동 API 관리 > 웹훅) and they are delivered.',
      'Missed events can also be read with GET /v1/events (kept 30 days).',
    ],
    link: `${ctx.config.publicUrl}/portal/api/webhooks`,
  });
  return true;
}
