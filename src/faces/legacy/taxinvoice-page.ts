/**
 * `taxinvoice.aspx` (and the seed's spelling `taxinvoce.aspx`), LEGACY-API.md:
 *   cmd=REQNTS  sinch_no, svc_key, dockeys (comma list, ≤ 100; a repeated `dockey` is accepted too)
 *               → code, msg, and per dockey a row: dockey, code, msg, NTS_return_state
 * A request-level failure (authentication, no usable certificate, > 100 dockeys) is the answer's code; a
 * per-document refusal (no such dockey 3001, not fileable 3005) is its row's code.
 */
import { OK, type LegacyPage } from './legacy-commands.ts';
import { requestFiling } from '../../modules/nts/request-filing.ts';
import { composeMessage } from '../../platform/errors.ts';
import { legacyTenant } from './subscription-form.ts';

export const taxinvoicePage: LegacyPage = {
  reqnts: async ({ ctx, fields, partner }) => {
    const tenant = await legacyTenant(ctx, fields, partner);
    const dockeys = [fields['dockeys'] ?? '', fields['dockey'] ?? ''].filter(Boolean).join(',');
    const answers = await requestFiling(ctx, tenant, dockeys);
    const queued = answers.filter((a) => !a.error).length;
    return {
      ...OK,
      msg: queued === answers.length ? OK.msg : `${OK.msg} (${queued}/${answers.length}건 접수)`,
      fields: { queued },
      list: {
        total: answers.length,
        rows: answers.map((a) => ({
          dockey: a.dockey,
          code: a.error ? a.error.legacyCode : OK.code,
          msg: a.error ? composeMessage(a.error) : '전송 대기 (queued)',
          NTS_return_state: a.ntsState,
        })),
      },
    };
  },
};
