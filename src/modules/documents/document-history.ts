/**
 * A document's history for the member web's document screen, from the tables that already record it (nothing is
 * written for the history itself): saved and issued (documents), every mail to the buyer (mail_outbox: issue,
 * re-send, update; queued, sent or failed), the buyer's first opening of the 문서보기 link (documents.read_at),
 * approval / rejection / 발행취소 and 역발행 (document_events), notice mails to the supplier or buyer
 * (notice_mails), and every NTS filing attempt with its result (nts_filings).
 *
 * Not recorded anywhere, so not shown: later openings of the link, PDF / XML downloads and printing, who in the
 * member's office looked at it, and the mail's delivery beyond our SMTP server's acceptance.
 */
import type { Ctx } from '../../platform/context.ts';
import type { DocumentRow } from './document-views.ts';
import '../nts/tables.ts';
import './reverse-tables.ts';

export interface HistoryEntry {
  at: Date;
  /** issued, saved, mail, read, approved, rejected, cancelled, notice, filing, filed, filing_failed, reverse */
  kind: string;
  ko: string;
  en: string;
}

const MAIL_REASON: Record<string, [string, string]> = { issue: ['발행 메일', 'Issue mail'], resend: ['재발송 메일', 'Re-sent mail'], update: ['수정 메일', 'Update mail'] };
const MAIL_STATE: Record<string, [string, string]> = { pending: ['보내는 중', 'sending'], sent: ['보냄', 'sent'], failed: ['실패', 'failed'] };

export async function documentHistory(ctx: Ctx, row: DocumentRow): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  out.push({ at: row.created_at, kind: 'saved', ko: '작성 (저장)', en: 'Written (saved)' });
  if (row.issued_at) out.push({ at: row.issued_at, kind: 'issued', ko: `발행 · 승인번호 ${row.nts_issue_id ?? ''}`, en: `Issued · approval number ${row.nts_issue_id ?? ''}` });
  const [mails, events, notices, filings] = await Promise.all([
    ctx.db.selectFrom('mail_outbox').select(['reason', 'to_addr', 'state', 'attempts', 'created_at', 'sent_at', 'last_error']).where('document_id', '=', row.id).orderBy('id').execute(),
    ctx.db.selectFrom('document_events').select(['type', 'occurred_at', 'details']).where('document_id', '=', row.id).orderBy('id').execute(),
    ctx.db.selectFrom('notice_mails').select(['kind', 'to_addr', 'state', 'created_at', 'sent_at']).where('document_id', '=', row.id).orderBy('id').execute(),
    ctx.db.selectFrom('nts_filings').select(['attempt', 'state', 'trigger', 'result_code', 'result_msg', 'requested_at', 'sent_at', 'settled_at']).where('document_id', '=', row.id).orderBy('id').execute(),
  ]);
  for (const m of mails) {
    const [rk, re] = MAIL_REASON[m.reason] ?? [m.reason, m.reason];
    const [sk, se] = MAIL_STATE[m.state] ?? [m.state, m.state];
    out.push({ at: m.sent_at ?? m.created_at, kind: 'mail', ko: `${rk} → ${m.to_addr}: ${sk}${m.state === 'failed' && m.last_error ? ` (${m.last_error.slice(0, 120)})` : ''}`, en: `${re} → ${m.to_addr}: ${se}` });
  }
  if (row.read_at) out.push({ at: row.read_at, kind: 'read', ko: '공급받는자가 문서보기 링크를 열어 봄 (처음 열람)', en: 'The buyer opened the view link (first time)' });
  const EVENT: Record<string, [string, string]> = {
    approved: ['공급받는자 승인', 'Approved by the buyer'],
    rejected: ['공급받는자 반려', 'Rejected by the buyer'],
    cancelled: ['발행취소', 'Cancelled'],
    reverse_issued: ['역발행 요청에서 발행', 'Issued from a reverse-issuance request'],
  };
  const seen = new Set<string>();
  for (const e of events) {
    const [ko, en] = EVENT[e.type] ?? [e.type, e.type];
    const reason = typeof (e.details as Record<string, unknown>)['reason'] === 'string' ? `: ${String((e.details as Record<string, unknown>)['reason'])}` : '';
    out.push({ at: e.occurred_at, kind: e.type, ko: `${ko}${reason}`, en: `${en}${reason}` });
    seen.add(e.type);
  }
  // responses made before events were kept (document_events came later): from the document row itself
  if (row.responded_at && row.proc_state === 'A' && !seen.has('approved')) out.push({ at: row.responded_at, kind: 'approved', ko: '공급받는자 승인', en: 'Approved by the buyer' });
  if (row.responded_at && row.proc_state === 'R' && !seen.has('rejected')) out.push({ at: row.responded_at, kind: 'rejected', ko: `공급받는자 반려: ${row.reject_reason ?? ''}`, en: `Rejected by the buyer: ${row.reject_reason ?? ''}` });
  for (const n of notices) {
    const [sk, se] = MAIL_STATE[n.state] ?? [n.state, n.state];
    out.push({ at: n.sent_at ?? n.created_at, kind: 'notice', ko: `알림 메일 (${n.kind}) → ${n.to_addr}: ${sk}`, en: `Notice mail (${n.kind}) → ${n.to_addr}: ${se}` });
  }
  for (const f of filings) {
    const how: [string, string] = f.trigger === 'auto' ? ['자동', 'auto'] : ['요청', 'requested'];
    out.push({ at: f.requested_at, kind: 'filing', ko: `국세청 전송 요청 (${how[0]}, ${f.attempt}차)`, en: `Filing with the NTS queued (${how[1]}, attempt ${f.attempt})` });
    if (f.sent_at) out.push({ at: f.sent_at, kind: 'filing_sent', ko: `국세청 전송 (${f.attempt}차)`, en: `Sent to the NTS (attempt ${f.attempt})` });
    if (f.settled_at && f.state === 'succeeded') out.push({ at: f.settled_at, kind: 'filed', ko: `국세청 전송 성공${f.result_code ? ` (${f.result_code})` : ''}`, en: `Filed with the NTS${f.result_code ? ` (${f.result_code})` : ''}` });
    if (f.settled_at && f.state === 'failed') out.push({ at: f.settled_at, kind: 'filing_failed', ko: `국세청 전송 실패: ${f.result_code ?? ''} ${f.result_msg ?? ''}`, en: `NTS filing failed: ${f.result_code ?? ''} ${f.result_msg ?? ''}` });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}
