/**
 * Packing a submission (once): build each document's standard XML, sign it with its member's active
 * certificate (ExchangedDocument/IssueDateTime = signing time), put R value + signed XML into the
 * TaxInvoicePackage and encrypt it for the NTS certificate (CMS EnvelopedData, NTS.md §4.3).
 *
 * The signed XML of every filing and the encrypted package are stored in one transaction that also moves the
 * submission to 'prepared' and its documents to NTS state 2 — guarded by `state = 'packing'`, so if two
 * workers pack the same submission (a takeover after a crash) only one result is kept. Every later
 * (re)transmission sends exactly these bytes. A filing that cannot be signed (no usable certificate, XML
 * cannot be built) fails here with a Hanbill code (HBL001 / HBL002) and is left out of the package.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { documentOf } from '../documents/document-views.ts';
import { expiryStatus } from '../signing/index.ts';
import { activeCertificateIds, signingMaterialById } from '../certificates/signing-material.ts';
import { sealSubmissionOffThread } from './seal-pool.ts';
import { bufferView } from '../../platform/worker-threads.ts';
import type { SealCertificate, SealItem } from './seal-submission.ts';
import type { NtsGateway } from './nts-gateway.ts';
import { settleFilings, settleSubmissionIfDone } from './record-results.ts';
import { recordFilingEvents } from './filing-events.ts';
import './tables.ts';

/** Returns false when another worker packed (or settled) the submission meanwhile. */
export async function packSubmission(ctx: Ctx, gateway: NtsGateway, submissionId: number): Promise<boolean> {
  const sub = await ctx.db.selectFrom('nts_submissions').select(['id', 'state', 'submit_id']).where('id', '=', submissionId).executeTakeFirst();
  if (!sub || sub.state !== 'packing') return false;
  const filings = await ctx.db
    .selectFrom('nts_filings as f')
    .innerJoin('documents as d', 'd.id', 'f.document_id')
    .innerJoin('subscriptions as s', 's.id', 'f.subscription_id')
    .select(['f.id', 'f.document_id', 'f.issue_id', 'd.body', 'd.dockey', 's.member_id'])
    .where('f.submission_id', '=', submissionId)
    .where('f.state', '=', 'packing')
    .orderBy('f.id')
    .execute();

  const now = ctx.clock.now();
  const certificates = await activeCertificateIds(ctx.db, filings.map((f) => f.member_id));
  const failed = new Map<string, { ids: number[]; detail: string }>();
  const fail = (code: string, id: number, detail: string) => {
    const entry = failed.get(code) ?? { ids: [], detail };
    entry.ids.push(id);
    failed.set(code, entry);
  };
  const items: SealItem[] = [];
  const usable = new Map<number, SealCertificate>();
  for (const f of filings) {
    const certificateId = certificates.get(f.member_id);
    if (certificateId === undefined) {
      fail('HBL001', f.id, 'no certificate uploaded');
      continue;
    }
    const material = await signingMaterialById(ctx, certificateId);
    const status = expiryStatus(material, now);
    if (status === 'expired' || status === 'not_yet_valid') {
      fail('HBL001', f.id, `certificate ${status.replace(/_/g, ' ')}`);
      continue;
    }
    usable.set(certificateId, { certificateId, privateKey: material.privateKey, certDer: material.certDer, rValue: material.randomNum });
    items.push({ filingId: f.id, documentId: f.document_id, certificateId, issueId: f.issue_id, dockey: f.dockey, doc: documentOf(f) });
  }

  // build, sign, package and encrypt on a worker thread (seal-pool.ts)
  const sealed = items.length > 0 ? await sealSubmissionOffThread({ items, certificates: [...usable.values()], issueDateTime: now, encryptionCertificate: await gateway.encryptionCertificate() }) : { signed: [], failed: [], cms: null };
  for (const { filingId, detail } of sealed.failed) {
    ctx.log.warn({ filingId, err: detail }, 'nts filing: cannot build or sign the standard XML');
    fail('HBL002', filingId, detail);
  }
  const signed = sealed.signed;
  const cms = sealed.cms && bufferView(sealed.cms);

  return inTransaction(ctx.db, async (tx) => {
    const moved = await tx
      .updateTable('nts_submissions')
      .set({ state: 'prepared', package: cms, total_count: signed.length, next_attempt_at: new Date(), updated_at: now })
      .where('id', '=', submissionId)
      .where('state', '=', 'packing')
      .returning('id')
      .executeTakeFirst();
    if (!moved) return false;
    if (signed.length > 0) {
      const values = sql.join(signed.map((s) => sql`(${s.filingId}::bigint, ${s.signedXml}::text, ${s.certificateId}::bigint)`));
      await sql`UPDATE nts_filings AS f SET signed_xml = v.xml, certificate_id = v.cert FROM (VALUES ${values}) AS v(id, xml, cert) WHERE f.id = v.id`.execute(tx);
    }
    if (signed.length > 0) {
      const sent = await tx
        .updateTable('documents')
        .set({ nts_state: '2', submit_id: sub.submit_id, updated_at: now })
        .where('id', 'in', signed.map((s) => s.documentId))
        .returning(['dockey', 'subscription_id', 'nts_issue_id'])
        .execute();
      await recordFilingEvents(tx, 'nts_filing.sent', sent, now, () => ({ submitId: sub.submit_id }));
    }
    for (const [code, { ids, detail }] of failed) await settleFilings(tx, ctx, ids, code, detail);
    if (signed.length === 0) await settleSubmissionIfDone(tx, ctx, submissionId);
    ctx.log.info({ submitId: sub.submit_id, invoices: signed.length, failed: filings.length - signed.length }, 'nts submission packed');
    return true;
  });
}

