/**
 * Helpers of the NTS filing tests: a test system with short NTS timings on its own filing channel (tests share
 * one PostgreSQL database under TEST_DATABASE_URL), members with certificates, issued documents.
 */
import crypto from 'node:crypto';
import { kstDate } from '../../src/platform/clock.ts';
import type { Ctx } from '../../src/platform/context.ts';
import type { DocumentInput } from '../../src/modules/documents/model.ts';
import { insertDocumentsBulk, MAX_BULK_DOCUMENTS } from '../../src/modules/documents/insert-documents-bulk.ts';
import { sampleAmendedInvoice, sampleAmendedTaxInvoice, sampleInvoice, sampleTaxInvoice } from '../../src/modules/documents/sample-documents.ts';
import { makeTestNpkiIdentity, type TestNpkiIdentity } from '../../src/simulators/nts/test-pki.ts';
import { freshBizno, freshLoginId, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { legacyPost, rest } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import type { StartOptions } from '../../src/main.ts';

/** Env of a test system: its own filing channel, fast timings, no global auto-filing. */
export function ntsTestEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HANBILL_NTS_CHANNEL: `t${crypto.randomBytes(6).toString('hex')}`,
    HANBILL_NTS_TIMEOUT_MS: '1000',
    HANBILL_NTS_RETRY_MS: '40',
    HANBILL_NTS_POLL_MS: '400',
    HANBILL_NTS_SWEEP_MS: '3000',
    HANBILL_NTS_AUTO_FILE: 'off',
    NTS_SIM_RESULT_DELAY_MS: '20',
    ...extra,
  };
}

export function startNtsTestSystem(extra: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestSystem> {
  return startTestSystem(ntsTestEnv(extra), opts);
}

export interface TestMember {
  bizno: string;
  subBizno: string;
  loginId: string;
  password: string;
  memberId: number;
  subscriptionId: number;
  svcKey: string;
}

/** Register a member (a fresh 종사업장번호 makes a fixed business number reusable across runs) with a subscription. */
export async function registerMember(sys: TestSystem, bizno = freshBizno(), opts: { subBizno?: string; comName?: string } = {}): Promise<TestMember> {
  const loginId = freshLoginId('nts');
  const password = 'NtsTest123!';
  const subBizno = opts.subBizno ?? '';
  const reg = await legacyPost(sys.url, '_member.aspx', {
    cmd: 'INSERT',
    bizno,
    ...(subBizno ? { sub_bizno: subBizno } : {}),
    com_name: opts.comName ?? '(주)한빌소프트',
    ceo_name: '김공급',
    id: loginId,
    pwd: password,
    user_name: '이담당',
    email: 'billing@supplier.example',
  });
  if (reg.code !== '0000') throw new Error(`member: ${reg.code} ${reg.msg}`);
  const sub = await legacyPost(sys.url, '_service.aspx', { cmd: 'SINCHSERVICE', bizno, id: loginId, pwd: password, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
  if (sub.code !== '0000') throw new Error(`subscription: ${sub.code} ${sub.msg}`);
  const key = await legacyPost(sys.url, '_auth.aspx', { cmd: 'GETSVCKEY', bizno, id: loginId, pwd: password, sinchno: String(sub['sinchno']) });
  if (key.code !== '0000') throw new Error(`svc key: ${key.code} ${key.msg}`);
  return { bizno, subBizno, loginId, password, memberId: Number(reg['member_no']), subscriptionId: Number(sub['sinchno']), svcKey: String(key['svc_key']) };
}

/** Upload an NPKI identity's certificate for the member over REST; returns the response. */
export async function uploadCertificate(sys: TestSystem, m: TestMember, id: TestNpkiIdentity, form: 'seed' | 'pbes2' | 'pfx' = 'seed') {
  const body =
    form === 'pfx'
      ? { pfx: id.pfx.toString('base64'), password: id.password }
      : { signCert: id.signCert.toString('base64'), signPri: (form === 'seed' ? id.signPri : id.signPriPbes2).toString('base64'), password: id.password };
  return rest(sys.url, 'POST', `/v1/subscriptions/${m.subscriptionId}/certificate`, body, { 'x-svc-key': m.svcKey });
}

/** A member with an uploaded certificate (its identity is returned for tampering tests). */
export async function memberWithCertificate(sys: TestSystem): Promise<{ member: TestMember; identity: TestNpkiIdentity }> {
  const member = await registerMember(sys);
  const identity = makeTestNpkiIdentity(member.bizno);
  const r = await uploadCertificate(sys, member, identity);
  if (r.status !== 201) throw new Error(`certificate upload: ${r.status} ${JSON.stringify(r.body)}`);
  return { member, identity };
}

/** The certification samples (NTS.md §1.3) re-dated to `writeDate` (YYYYMMDD) and issued by `bizno`. */
export function sampleDocument(kind: '0101' | '0201' | '0301' | '0401', supplierBizno: string, writeDate: string, originalIssueId?: string): DocumentInput {
  const doc = { '0101': sampleTaxInvoice, '0201': sampleAmendedTaxInvoice, '0301': sampleInvoice, '0401': sampleAmendedInvoice }[kind]();
  doc.writeDate = writeDate;
  doc.supplier = { ...doc.supplier, bizno: supplierBizno };
  for (const line of doc.lines) {
    line.month = Number(writeDate.slice(4, 6));
    line.day = Number(writeDate.slice(6, 8));
  }
  if (doc.amendment) doc.amendment = { ...doc.amendment, originalIssueId: originalIssueId ?? doc.amendment.originalIssueId };
  return doc;
}

/** The 0101 sample issued today by `supplierBizno`, its mail to `email` alone (tests that follow each document's mail). */
export function sampleDocumentMailedTo(supplierBizno: string, email: string): DocumentInput {
  const doc = sampleDocument('0101', supplierBizno, todayKst());
  doc.buyer = { ...doc.buyer, contacts: [{ name: '담당', email }] };
  return doc;
}

export function todayKst(at: Date = new Date()): string {
  return kstDate(at);
}

export interface IssuedDocument {
  id: number;
  dockey: string;
  issueId: string;
}

/** Issue documents for the member through the documents module's use case (validated, numbered, mailed). */
export async function issueDocuments(ctx: Ctx, m: TestMember, docs: DocumentInput[]): Promise<IssuedDocument[]> {
  const tenant = { subscriptionId: m.subscriptionId, memberId: m.memberId, packageId: 1 };
  const out: IssuedDocument[] = [];
  for (let i = 0; i < docs.length; i += MAX_BULK_DOCUMENTS) {
    const results = await insertDocumentsBulk(ctx, tenant, docs.slice(i, i + MAX_BULK_DOCUMENTS).map((input) => ({ input, issue: true })));
    for (const r of results) {
      if (!r.ok) throw r.error;
      const d = r.result.document;
      out.push({ id: d.id, dockey: d.dockey, issueId: d.nts_issue_id! });
    }
  }
  return out;
}

/** NTS state and result of documents by dockey. */
export async function filingStates(sys: TestSystem, dockeys: string[]) {
  const rows = await sys.ctx.db
    .selectFrom('documents')
    .select(['dockey', 'nts_state', 'nts_result_code', 'nts_result_msg', 'submit_id', 'nts_issue_id'])
    .where('dockey', 'in', dockeys)
    .execute();
  return new Map(rows.map((r) => [r.dockey, r]));
}

/** Wait until none of the documents is queued or sent (1/2). */
export async function waitSettled(sys: TestSystem, dockeys: string[], timeoutMs = 30_000) {
  return waitFor(
    () => filingStates(sys, dockeys),
    (states) => states.size === new Set(dockeys).size && [...states.values()].every((s) => s.nts_state === '3' || s.nts_state === '4'),
    {
      what: `${dockeys.length} filings to settle (nts_state 3 or 4)`,
      timeoutMs,
      // 500 rows would drown the message: how many are in which state says where the pipeline stands
      show: (states) => {
        const byState: Record<string, number> = {};
        for (const s of states.values()) byState[`nts_state ${s.nts_state}`] = (byState[`nts_state ${s.nts_state}`] ?? 0) + 1;
        return byState;
      },
    },
  );
}

export function reqnts(sys: TestSystem, m: TestMember, dockeys: string[], page = 'taxinvoice.aspx') {
  return legacyPost(sys.url, page, { cmd: 'REQNTS', sinch_no: m.subscriptionId, svc_key: m.svcKey, dockeys: dockeys.join(',') });
}

export function legacyRows(answer: Record<string, unknown>): Record<string, string>[] {
  const list = answer['list'] as { row?: Record<string, string>[] } | '' | undefined;
  return (list && typeof list === 'object' && list.row) || [];
}
