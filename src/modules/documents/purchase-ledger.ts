/**
 * The purchase ledger (매입, legacy buydoclstmst) of a subscription: documents other subscriptions issued to
 * its member as the buyer. The rule (docs/documents.md "Purchase ledger"):
 *   - the document is issued, to a business buyer, by another subscription;
 *   - its buyer is exactly the member's (사업자등록번호, 종사업장번호) — '' on both sides when there is none;
 *   - the member has *proven* that business number (bizno_proofs: certificate VID or operator), since signup
 *     only claims it.
 *
 * Computed on every read rather than copied into ledger_entries at issue time: a proof recorded later shows
 * the documents issued before it, a document issued while the proof is being recorded cannot fall between
 * the two transactions (a copy made at issue or a backfill made at proof time would each miss it under
 * READ COMMITTED), and nothing has to be rewritten when a member's number or proof changes.
 * documents_buyer_idx (migrations/0005) serves the lookup.
 */
import { sql, type RawBuilder } from 'kysely';

/** Condition on `documents as d`: d is in the purchase ledger of subscription `subscriptionId`. */
export function inPurchaseLedgerOf(subscriptionId: number): RawBuilder<boolean> {
  return sql<boolean>`(d.buy_bizno IS NOT NULL AND d.issued_at IS NOT NULL AND d.subscription_id <> ${subscriptionId}
    AND (d.buy_bizno, d.buy_sub_bizno) IN (
      SELECT m.bizno, m.sub_bizno
        FROM subscriptions s
        JOIN members m ON m.id = s.member_id
        JOIN bizno_proofs p ON p.member_id = m.id AND p.bizno = m.bizno
       WHERE s.id = ${subscriptionId}))`;
}
