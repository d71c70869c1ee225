/**
 * `reverse.aspx` (ours; docs/documents.md "발행취소, 역발행, 승인/거부 알림"): 역발행 over the same use cases as REST.
 * Every call carries sinch_no + svc_key.
 *   cmd=REQUEST   the document as in document.aspx INSERT (doc__*, item{n}__*; the buyer's blanks from your
 *                 profile, doc__sup_bizno the supplier), sup_email, doc__subkey → reqkey, state, created (Y/N)
 *   cmd=LIST      box (S sent, R received; default S), state, page_size (≤ 200), after → list of requests
 *   cmd=GET       reqkey, box → the request's fields
 *   cmd=WITHDRAW  reqkey (the buyer) → reqkey, state
 *   cmd=ISSUE     reqkey (the supplier) → reqkey, state, dockey, nts_issue_id
 *   cmd=REFUSE    reqkey, reason (the supplier) → reqkey, state
 */
import { invalidError, requiredError, withFieldNames } from '../../platform/errors.ts';
import { optionalInteger } from '../../platform/input.ts';
import { createReverseRequest } from '../../modules/documents/reverse-create.ts';
import { getReverseRequest, listReverseRequests, type ReverseBox } from '../../modules/documents/reverse-list.ts';
import { withdrawReverseRequest } from '../../modules/documents/reverse-withdraw.ts';
import { refuseReverseRequest } from '../../modules/documents/reverse-refuse.ts';
import { issueReverseRequest } from '../../modules/documents/reverse-issue.ts';
import { legacyReverseRow, reverseViews } from '../../modules/documents/reverse-requests.ts';
import type { Ctx } from '../../platform/context.ts';
import { OK, type LegacyCall, type LegacyPage } from './legacy-commands.ts';
import { documentInputFromLegacyForm, legacyFieldName } from './document-form.ts';
import { legacyTenant } from './subscription-form.ts';

const names = (f: string) => (f === 'supplierEmail' ? 'sup_email' : f === 'subkey' ? 'doc__subkey' : f === 'reason' || f === 'reqkey' ? f : legacyFieldName(f));

function reqkeyOf(call: LegacyCall): string {
  const reqkey = (call.fields['reqkey'] ?? '').trim();
  if (!reqkey) throw requiredError('reqkey');
  return reqkey;
}

function boxOf(call: LegacyCall): ReverseBox {
  const box = (call.fields['box'] ?? 'S').trim().toUpperCase() || 'S';
  if (box !== 'S' && box !== 'R') throw invalidError('box', 'S(보낸 요청) 또는 R(받은 요청)입니다 (S sent or R received)');
  return box === 'S' ? 'sent' : 'received';
}

const rowAnswer = async (ctx: Ctx, row: Parameters<typeof reverseViews>[1][number]) => ({ ...OK, fields: legacyReverseRow((await reverseViews(ctx.db, [row]))[0]!) });

export const reversePage: LegacyPage = {
  request: async (call) => {
    const tenant = await legacyTenant(call.ctx, call.fields, call.partner);
    const r = await withFieldNames(names, () =>
      createReverseRequest(call.ctx, tenant, { input: documentInputFromLegacyForm(call.fields), supplierEmail: call.fields['sup_email'], subkey: call.fields['doc__subkey'] }),
    );
    const a = await rowAnswer(call.ctx, r.request);
    return { ...a, fields: { ...a.fields, created: r.created ? 'Y' : 'N' } };
  },
  list: async (call) => {
    const tenant = await legacyTenant(call.ctx, call.fields, call.partner);
    const box = boxOf(call);
    const state = (call.fields['state'] ?? '').trim() || undefined;
    const limit = optionalInteger(call.fields, 'page_size', { min: 1, max: 200 }) ?? 50;
    const after = (call.fields['after'] ?? '').trim() || undefined;
    const page = await listReverseRequests(call.ctx, tenant, box, { state, limit, after });
    return { ...OK, fields: { next: page.next ?? '' }, list: { total: page.items.length, rows: page.items.map(legacyReverseRow) } };
  },
  get: async (call) => {
    const tenant = await legacyTenant(call.ctx, call.fields, call.partner);
    return { ...OK, fields: legacyReverseRow(await getReverseRequest(call.ctx, tenant, boxOf(call), reqkeyOf(call))) };
  },
  withdraw: async (call) => {
    const tenant = await legacyTenant(call.ctx, call.fields, call.partner);
    return rowAnswer(call.ctx, await withdrawReverseRequest(call.ctx, tenant, reqkeyOf(call)));
  },
  issue: async (call) => {
    const tenant = await legacyTenant(call.ctx, call.fields, call.partner);
    const r = await withFieldNames(names, () => issueReverseRequest(call.ctx, tenant, reqkeyOf(call)));
    return rowAnswer(call.ctx, r.request);
  },
  refuse: async (call) => {
    const tenant = await legacyTenant(call.ctx, call.fields, call.partner);
    return rowAnswer(call.ctx, await refuseReverseRequest(call.ctx, tenant, reqkeyOf(call), call.fields['reason'] ?? ''));
  },
};
