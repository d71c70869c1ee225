/**
 * `requestFiling` (legacy taxinvoice.aspx cmd=REQNTS, REST POST …/nts-filings): queue issued documents for
 * filing with the NTS. Per document, in one transaction: lock it, check that it is fileable (issued, not
 * discarded, not queued / sent / filed already; a failed filing may be requested again), insert the filing
 * (attempt n), move the document to NTS state 1 (queued) and record `nts_filing.queued`. A dispatch job is enqueued in the same
 * transaction, so a committed request is never lost. Signing happens in the pipeline with the member's
 * certificate, which must be usable when the request is made.
 *
 * `queueDocumentFilings` is the shared core (also used by auto-filing).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { AppError, invalidError, requiredError } from '../../platform/errors.ts';
import { inTransaction, type Tx } from '../../platform/db/transaction.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import type { NtsState } from '../../platform/db/schema.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import type { DocumentRow } from '../documents/document-views.ts';
import { assertUsableCertificate } from '../certificates/signing-material.ts';
import { queuesOf } from './filing-queues.ts';
import { recordFilingEvents } from './filing-events.ts';
import './tables.ts';

export const MAX_DOCKEYS_PER_REQUEST = 100;

export interface FilingAnswer {
  dockey: string;
  /** undefined = queued. */
  error: AppError | undefined;
  ntsState: NtsState | '';
}

/** Why a document cannot be queued now, or undefined when it can. */
export function notFileableReason(row: DocumentRow): AppError | undefined {
  const refuse = (ko: string, en: string) => new AppError('not_fileable', `${row.dockey} ${ko} (${en})`, { field: 'dockey', details: { ntsState: row.nts_state } });
  if (row.doc_state === 'D') return refuse('폐기된 문서는 신고할 수 없습니다', 'the document was discarded');
  if (row.proc_state === 'C') return refuse('발행취소된 문서는 신고할 수 없습니다', 'the document was cancelled');
  if (!row.nts_issue_id || row.proc_state === 'T') return refuse('발행되지 않은 문서는 신고할 수 없습니다', 'the document is not issued');
  if (row.nts_state === '1') return refuse('이미 전송 대기 중입니다', 'already queued for filing');
  if (row.nts_state === '2') return refuse('이미 전송 중입니다', 'filing in progress');
  if (row.nts_state === '3') return refuse('이미 국세청 전송이 완료되었습니다', 'already filed');
  return undefined;
}

/**
 * Queue the given (locked, fileable) documents inside `tx`. Returns the ids of the documents queued; a
 * document whose approval number already has a live filing is skipped (the unique index decides).
 */
export async function queueDocumentFilings(tx: Tx, ctx: Ctx, rows: DocumentRow[], trigger: 'request' | 'auto'): Promise<Set<number>> {
  const queued = new Set<number>();
  if (rows.length === 0) return queued;
  const now = ctx.clock.now();
  const attempts = await tx
    .selectFrom('nts_filings')
    .select(['document_id', sql<number>`max(attempt)`.as('attempt')])
    .where('document_id', 'in', rows.map((r) => r.id))
    .groupBy('document_id')
    .execute();
  const lastAttempt = new Map(attempts.map((a) => [a.document_id, Number(a.attempt)]));
  const inserted = await tx
    .insertInto('nts_filings')
    .values(
      rows.map((row) => ({
        document_id: row.id,
        subscription_id: row.subscription_id,
        issue_id: row.nts_issue_id!,
        attempt: (lastAttempt.get(row.id) ?? 0) + 1,
        channel: ctx.config.nts.channel,
        trigger,
        requested_at: now,
      })),
    )
    .onConflict((oc) => oc.column('issue_id').where('state', '<>', sql.lit('failed')).doNothing())
    .returning('document_id')
    .execute();
  for (const r of inserted) queued.add(r.document_id);
  if (queued.size > 0) {
    await tx
      .updateTable('documents')
      .set({ nts_state: '1', nts_req_at: now, nts_resp_at: null, nts_result_code: null, nts_result_msg: null, submit_id: null, updated_at: now })
      .where('id', 'in', [...queued])
      .execute();
    await recordFilingEvents(tx, 'nts_filing.queued', rows.filter((r) => queued.has(r.id)), now, () => ({ trigger }));
    await enqueueJob(tx, queuesOf(ctx).dispatch, { reason: trigger });
  }
  return queued;
}

/** Split `dockeys` (comma/space separated, or a list) into unique dockeys in order. */
export function parseDockeys(value: string | readonly string[] | undefined): string[] {
  const parts = (Array.isArray(value) ? value : [value ?? '']).flatMap((v: string) => v.split(/[\s,]+/));
  return [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
}

export async function requestFiling(ctx: Ctx, tenant: Tenant, dockeysInput: string | readonly string[] | undefined): Promise<FilingAnswer[]> {
  const dockeys = parseDockeys(dockeysInput);
  if (dockeys.length === 0) throw requiredError('dockeys', '신고할 문서키');
  if (dockeys.length > MAX_DOCKEYS_PER_REQUEST) {
    throw invalidError('dockeys', `한 번에 ${MAX_DOCKEYS_PER_REQUEST}건까지 신고할 수 있습니다 (at most ${MAX_DOCKEYS_PER_REQUEST} documents per request, got ${dockeys.length})`);
  }
  await assertUsableCertificate(ctx.db, tenant.memberId, ctx.clock.now());

  return inTransaction(ctx.db, async (tx) => {
    const rows = await tx
      .selectFrom('documents')
      .selectAll()
      .where('subscription_id', '=', tenant.subscriptionId)
      .where('dockey', 'in', dockeys)
      .orderBy('id')
      .forUpdate()
      .execute();
    const byKey = new Map(rows.map((r) => [r.dockey, r]));
    const answers = new Map<string, FilingAnswer>();
    const fileable: DocumentRow[] = [];
    for (const dockey of dockeys) {
      const row = byKey.get(dockey);
      if (!row) {
        answers.set(dockey, {
          dockey,
          error: new AppError('document_not_found', `문서 ${dockey}이(가) 없습니다 (no such document in this subscription)`, { field: 'dockey' }),
          ntsState: '',
        });
        continue;
      }
      const reason = notFileableReason(row);
      if (reason) answers.set(dockey, { dockey, error: reason, ntsState: row.nts_state });
      else fileable.push(row);
    }
    const queued = await queueDocumentFilings(tx, ctx, fileable, 'request');
    for (const row of fileable) {
      answers.set(
        row.dockey,
        queued.has(row.id)
          ? { dockey: row.dockey, error: undefined, ntsState: '1' }
          : { dockey: row.dockey, error: new AppError('not_fileable', `${row.dockey} 승인번호가 이미 신고 중입니다 (approval number already being filed)`, { field: 'dockey' }), ntsState: row.nts_state },
      );
    }
    ctx.log.info({ subscriptionId: tenant.subscriptionId, requested: dockeys.length, queued: queued.size }, 'nts filing requested');
    return dockeys.map((d) => answers.get(d)!);
  });
}
