/**
 * 역발행 (reverse issuance) requests: what the use cases share — the request's public view, finding a request as
 * its buyer or as its supplier, the supplier's link for an e-mail-only supplier, and the mails.
 *
 * A request: the buyer (a member's subscription) writes the document with its own data and the supplier's business
 * number (+ e-mail). The supplier is whoever proved that business number (bizno_proofs, as for the purchase
 * ledger: a claimed number alone shows nothing), in any of its subscriptions; one that is not a member gets a mail
 * with a link (`/member/reverse/link/{reqkey}?t=…`, a token derived from the reqkey with the master key) to see it,
 * and issues it once it has joined. States: requested → issued | refused | withdrawn, each once.
 */
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Db, Tx } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { hmacSha256, safeEqual } from '../../platform/tokens.ts';
import { kstDateTime } from '../../platform/clock.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import type { DocumentInput } from './model.ts';
import { itemSummary } from './document-views.ts';
import { queueNoticeMail } from './notice-mails.ts';
import type { ReverseRequestsTable } from './reverse-tables.ts';
import './reverse-tables.ts';
import '../accounts/bizno-proofs.ts';

export type ReverseRow = Selectable<ReverseRequestsTable>;

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** reqkey: the public id of a request (RQ + 18 characters, unguessable). */
export function newReqkey(): string {
  let out = 'RQ';
  for (const b of crypto.randomBytes(18)) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function reverseLinkToken(masterKey: Buffer, reqkey: string): string {
  return hmacSha256(masterKey, `reverse:${reqkey}`).subarray(0, 24).toString('base64url');
}

export function reverseLinkUrl(ctx: Ctx, reqkey: string): string {
  return `${ctx.config.publicUrl}/member/reverse/link/${reqkey}?t=${reverseLinkToken(ctx.masterKey, reqkey)}`;
}

export const requestNotFound = (reqkey: string, field = 'reqkey') =>
  new AppError('reverse_request_not_found', `역발행 요청 ${reqkey}이(가) 없습니다 (no such reverse-issuance request)`, { field });

export const notRequested = (row: ReverseRow) =>
  new AppError('reverse_request_state_conflict', `이미 ${STATE_KO[row.state]}된 요청입니다 (the request is ${row.state} already)`, { field: 'reqkey', details: { state: row.state } });

export const STATE_KO: Record<string, string> = { requested: '요청', issued: '발행', refused: '거부', withdrawn: '철회' };

/** The business number (proven) of a subscription's member, or undefined when it has no proof. */
export async function provenBiznoOf(db: Db, subscriptionId: number): Promise<string | undefined> {
  const r = await db
    .selectFrom('subscriptions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .innerJoin('bizno_proofs as p', (j) => j.onRef('p.member_id', '=', 'm.id').onRef('p.bizno', '=', 'm.bizno'))
    .select('m.bizno')
    .where('s.id', '=', subscriptionId)
    .executeTakeFirst();
  return r?.bizno;
}

/** A request this subscription sent (as the buyer); others' are "not found". */
export async function findSentRequest(db: Db, tenant: Tenant, reqkey: string, opts: { forUpdate?: boolean } = {}): Promise<ReverseRow> {
  let q = db.selectFrom('reverse_requests').selectAll().where('reqkey', '=', reqkey).where('buyer_subscription_id', '=', tenant.subscriptionId);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw requestNotFound(reqkey);
  return row;
}

/** A request addressed to this subscription's (proven) business number; others' are "not found". */
export async function findReceivedRequest(db: Db, tenant: Tenant, reqkey: string, opts: { forUpdate?: boolean } = {}): Promise<ReverseRow> {
  const bizno = await provenBiznoOf(db, tenant.subscriptionId);
  if (!bizno) throw requestNotFound(reqkey);
  let q = db.selectFrom('reverse_requests').selectAll().where('reqkey', '=', reqkey).where('sup_bizno', '=', bizno).where('buyer_subscription_id', '<>', tenant.subscriptionId);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw requestNotFound(reqkey);
  return row;
}

/** The request behind a supplier's mail link (token checked); never another's. */
export async function findByReverseLink(db: Db, masterKey: Buffer, reqkey: string, token: string): Promise<ReverseRow> {
  if (!/^RQ[A-Z0-9]{18}$/.test(reqkey) || !token || !safeEqual(Buffer.from(reverseLinkToken(masterKey, reqkey)), Buffer.from(token))) throw requestNotFound(reqkey, 'token');
  const row = await db.selectFrom('reverse_requests').selectAll().where('reqkey', '=', reqkey).executeTakeFirst();
  if (!row) throw requestNotFound(reqkey, 'token');
  return row;
}

export interface ReverseView {
  reqkey: string;
  subkey: string | null;
  state: string;
  supplier: { bizno: string; name: string; email: string | null };
  buyer: { bizno: string; name: string };
  writeDate: string;
  amounts: { supply: number; tax: number; total: number };
  itemSummary: string;
  reason: string | null;
  dockey: string | null;
  issueId: string | null;
  createdAt: string;
  respondedAt: string | null;
  document?: DocumentInput;
}

export async function reverseViews(db: Db, rows: ReverseRow[], withDocument = false): Promise<ReverseView[]> {
  const ids = rows.map((r) => r.document_id).filter((v): v is number => v !== null);
  const docs = ids.length ? await db.selectFrom('documents').select(['id', 'dockey', 'nts_issue_id']).where('id', 'in', ids).execute() : [];
  const byId = new Map(docs.map((d) => [d.id, d]));
  return rows.map((r) => {
    const d = r.document_id !== null ? byId.get(r.document_id) : undefined;
    return {
      reqkey: r.reqkey,
      subkey: r.subkey,
      state: r.state,
      supplier: { bizno: r.sup_bizno, name: r.body.supplier.name, email: r.sup_email },
      buyer: { bizno: r.body.buyer.id, name: r.buy_name },
      writeDate: r.body.writeDate,
      amounts: { supply: Number(r.supply_amt), tax: Number(r.tax_amt), total: Number(r.total_amt) },
      itemSummary: itemSummary(r.body),
      reason: r.reason,
      dockey: d?.dockey ?? null,
      issueId: d?.nts_issue_id ?? null,
      createdAt: r.created_at.toISOString(),
      respondedAt: r.responded_at ? r.responded_at.toISOString() : null,
      ...(withDocument ? { document: r.body } : {}),
    };
  });
}


/** The legacy row of a request (reverse.aspx). */
export function legacyReverseRow(v: ReverseView): Record<string, string> {
  return {
    reqkey: v.reqkey,
    subkey: v.subkey ?? '',
    state: v.state,
    sup_bizno: v.supplier.bizno,
    sup_name: v.supplier.name,
    sup_email: v.supplier.email ?? '',
    buy_bizno: v.buyer.bizno,
    buy_name: v.buyer.name,
    write_date: v.writeDate,
    supply_amt: String(v.amounts.supply),
    tax_amt: String(v.amounts.tax),
    total_amt: String(v.amounts.total),
    item_summary: v.itemSummary,
    reason: v.reason ?? '',
    dockey: v.dockey ?? '',
    nts_issue_id: v.issueId ?? '',
    created: kstDateTime(new Date(v.createdAt)),
  };
}

const won = (n: number) => `${Number(n).toLocaleString('ko-KR')}원`;

/** The buyer's mail address of a request: the document's buyer contact, else the buyer member's e-mail. */
async function buyerMailOf(tx: Tx, row: ReverseRow): Promise<string | undefined> {
  const onDoc = row.body.buyer.contacts?.[0]?.email?.trim();
  if (onDoc) return onDoc;
  const m = await tx.selectFrom('subscriptions as s').innerJoin('members as m', 'm.id', 's.member_id').select('m.email').where('s.id', '=', row.buyer_subscription_id).executeTakeFirst();
  return m?.email?.trim() || undefined;
}

/** Mail the supplier about a new request (a link for an e-mail-only supplier, the 요청함 for a member). */
export async function mailSupplierOfRequest(ctx: Ctx, tx: Tx, row: ReverseRow): Promise<void> {
  if (!row.sup_email) return;
  await queueNoticeMail(ctx, tx, {
    kind: 'reverse_requested',
    requestId: row.id,
    to: row.sup_email,
    subject: `[Hanbill] ${row.buy_name}이(가) 전자세금계산서 역발행을 요청했습니다 (${won(row.total_amt)})`,
    ko: [
      `${row.body.supplier.name} 담당자님,`,
      '',
      `${row.buy_name}(${row.body.buyer.id})이(가) 전자세금계산서 발행을 요청했습니다 (역발행).`,
      `작성일자: ${row.write_date}, 품목: ${itemSummary(row.body)}, 합계금액: ${won(row.total_amt)}`,
      '',
      '아래 링크에서 요청 내용을 확인하세요. Hanbill 회원은 회원 웹의 역발행 요청함에서 발행하거나 거부할 수 있습니다.',
    ],
    en: [`${row.buy_name} asks you to issue an electronic tax invoice (reverse issuance) of KRW ${Number(row.total_amt).toLocaleString('en-US')}.`, 'Open the link to see it; members issue or refuse it in the member web (역발행 요청함).'],
    link: reverseLinkUrl(ctx, row.reqkey),
  });
}

/** Mail the buyer the supplier's answer (issued with its approval number, or refused with the reason). */
export async function mailBuyerOfAnswer(ctx: Ctx, tx: Tx, row: ReverseRow, issueId?: string): Promise<void> {
  const to = await buyerMailOf(tx, row);
  if (!to) return;
  const issued = row.state === 'issued';
  await queueNoticeMail(ctx, tx, {
    kind: issued ? 'reverse_issued' : 'reverse_refused',
    requestId: row.id,
    ...(row.document_id !== null ? { documentId: row.document_id } : {}),
    to,
    subject: issued ? `[Hanbill] 역발행 요청이 발행되었습니다: ${row.body.supplier.name} (승인번호 ${issueId ?? ''})` : `[Hanbill] 역발행 요청이 거부되었습니다: ${row.body.supplier.name}`,
    ko: [
      `${row.buy_name} 담당자님,`,
      '',
      issued
        ? `${row.body.supplier.name}이(가) 요청하신 전자세금계산서를 발행했습니다. 승인번호: ${issueId ?? ''}. 매입 문서함에서 확인하세요.`
        : `${row.body.supplier.name}이(가) 역발행 요청을 거부했습니다. 사유: ${row.reason ?? ''}`,
      `작성일자: ${row.write_date}, 합계금액: ${won(row.total_amt)}`,
    ],
    en: [issued ? `${row.body.supplier.name} issued the requested tax invoice (approval number ${issueId ?? ''}).` : `${row.body.supplier.name} refused the reverse-issuance request. Reason: ${row.reason ?? ''}`],
  });
}

/** Set a requested row's new state once (`state = 'requested'` guard); undefined when it was answered meanwhile. */
export async function answerRequest(tx: Tx, row: ReverseRow, set: { state: 'issued' | 'refused' | 'withdrawn'; reason?: string | null; document_id?: number; supplier_subscription_id?: number }, now: Date): Promise<ReverseRow | undefined> {
  return tx
    .updateTable('reverse_requests')
    .set({ ...set, updated_at: now, responded_at: now })
    .where('id', '=', row.id)
    .where('state', '=', 'requested')
    .returningAll()
    .executeTakeFirst();
}
