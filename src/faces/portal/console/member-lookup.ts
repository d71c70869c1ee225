/**
 * 회원 조회 (operator console): members found by 사업자등록번호 or login ID (a wrong number or ID is a 400 with the
 * message beside its field), listed with 회원번호, 상호, ID, 보안로그인 (on since when, or off) and the proof of the
 * business number; a member with 보안로그인 on offers 보안로그인 해제 — a required reason and a confirmation — for
 * the member who lost the device (member-web/clear-member-second-factor.ts: audited, sessions ended, member mailed).
 * The post comes back to the same search.
 */
import type { Ctx } from '../../../platform/context.ts';
import { toAppError, type AppError } from '../../../platform/errors.ts';
import { clearMemberSecondFactor, findMembersForOperator, MAX_CLEAR_REASON_LENGTH, type MemberForOperator } from '../../../modules/member-web/clear-member-second-factor.ts';
import { html, raw, type Raw, type T } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str, type Form } from '../page-kit.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';

export const CONSOLE_MEMBERS_PATH = '/console/members';
const SEARCH = ['bizno', 'loginId'] as const;

/** The search of the query, or (a refused post re-rendered) of the form that carried it. */
function searchOf(v: ConsoleView): Record<string, string> {
  const from: Form = SEARCH.some((k) => str(v.query, k) !== '') ? v.query : v.form;
  const out: Record<string, string> = {};
  for (const k of SEARCH) if (str(from, k) !== '') out[k] = str(from, k);
  return out;
}

const back = (f: Form) => {
  const q = new URLSearchParams();
  for (const k of SEARCH) if (str(f, k) !== '') q.set(k, str(f, k));
  const qs = q.toString();
  return qs ? `${CONSOLE_MEMBERS_PATH}?${qs}` : CONSOLE_MEMBERS_PATH;
};

function searchField(t: T, id: (typeof SEARCH)[number], label: string, value: string, error: AppError | undefined): Raw {
  const err = error?.field === id ? error.message : undefined;
  return html`<label for="cm-${id}">${label}</label><input id="cm-${id}" name="${id}" type="text" value="${value}" maxlength="30" style="max-width:12em"${err ? raw(` aria-invalid="true" aria-describedby="cm-${id}-error"`) : ''}${id === 'bizno' ? raw(' inputmode="numeric"') : ''}>
${err ? html`<span class="alert" role="alert" id="cm-${id}-error" style="display:inline-block;margin:0 .5em">${err}</span>` : ''}`;
}

const proofText = (t: T, m: MemberForOperator) =>
  !m.biznoProof
    ? t('미확인', 'not proven')
    : m.biznoProof.method === 'certificate'
      ? t(`확인 (인증서, ${kst(m.biznoProof.provenAt)})`, `proven (certificate, ${kst(m.biznoProof.provenAt)})`)
      : t(`확인 (운영자, ${kst(m.biznoProof.provenAt)})`, `proven (operator, ${kst(m.biznoProof.provenAt)})`);

function row(v: ConsoleView, search: Record<string, string>, m: MemberForOperator, postError: AppError | undefined): Raw {
  const { t, call, form } = v;
  const again = Number(str(form, 'memberNo')) === m.memberNo;
  const reasonErr = again && postError?.field === 'reason' ? postError.message : undefined;
  const secondFactor = m.secondFactorSince
    ? html`<span data-second-factor="on">${t('사용 중', 'on')}</span> <span class="muted">(${t(`${kst(m.secondFactorSince)}부터`, `since ${kst(m.secondFactorSince)}`)})</span>`
    : html`<span data-second-factor="off">${t('사용 안 함', 'off')}</span>`;
  const clear = m.secondFactorSince
    ? html`<form method="post" action="${CONSOLE_MEMBERS_PATH}/${m.memberNo}/second-factor/clear" class="stack" data-confirm="${t(`${m.comName} (${m.loginId})의 보안로그인을 해제할까요? 회원의 로그인이 모두 종료되고 안내 메일이 발송됩니다.`, `Turn off secure login of ${m.comName} (${m.loginId})? Every session of the member ends and the member is mailed.`)}" aria-label="${t(`${m.loginId} 보안로그인 해제`, `Clear secure login of ${m.loginId}`)}">${csrfField(call.csrfToken)}<input type="hidden" name="memberNo" value="${m.memberNo}">${SEARCH.map((k) => (search[k] ? html`<input type="hidden" name="${k}" value="${search[k]}">` : ''))}
<label for="cm-reason-${m.memberNo}" class="req">${t('해제 사유', 'Reason')}</label><input id="cm-reason-${m.memberNo}" name="reason" type="text" maxlength="${MAX_CLEAR_REASON_LENGTH}" required value="${again ? str(form, 'reason') : ''}"${reasonErr ? raw(` aria-invalid="true" aria-describedby="cm-reason-${m.memberNo}-error"`) : ''}>
${reasonErr ? html`<span class="alert" role="alert" id="cm-reason-${m.memberNo}-error">${reasonErr}</span>` : ''}
<button type="submit" class="danger">${t('보안로그인 해제', 'Clear secure login')}</button></form>`
    : html`<span class="muted">-</span>`;
  return html`<tr data-member-no="${m.memberNo}"><td>${m.memberNo}</td><td>${m.comName}<br><span class="muted">${m.bizno}</span></td><td><code>${m.loginId}</code><br><span class="muted">${m.userName}</span></td><td>${secondFactor}</td><td>${proofText(t, m)}</td><td>${clear}</td></tr>`;
}

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t } = v;
  const search = searchOf(v);
  // a refused post (re-rendered by the kit, v.error) and a refused search: the message beside its field
  let searchError: AppError | undefined;
  let members: MemberForOperator[] | undefined;
  if (Object.keys(search).length > 0) {
    try {
      members = await findMembersForOperator(ctx, search);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      searchError = e;
      v.status = e.status;
    }
  }
  const postError = v.error;
  const form = html`<form method="get" action="${CONSOLE_MEMBERS_PATH}" class="row" aria-label="${t('회원 조회 조건', 'Member search')}">
${searchField(t, 'bizno', t('사업자등록번호', 'Business number'), search['bizno'] ?? '', searchError)}
${searchField(t, 'loginId', t('아이디', 'Login ID'), search['loginId'] ?? '', searchError)}
<button type="submit" class="secondary">${t('조회', 'Search')}</button></form>`;
  const list = members === undefined
    ? searchError ? raw('') : html`<p class="muted">${t('사업자등록번호나 아이디로 회원을 찾으세요.', 'Find a member by business number or login ID.')}</p>`
    : members.length === 0
      ? html`<p class="muted" id="cm-none">${t('해당하는 회원이 없습니다.', 'No member matches.')}</p>`
      : html`<table class="members"><thead><tr><th scope="col">${t('회원번호', 'Member no.')}</th><th scope="col">${t('상호 / 사업자번호', 'Company / business no.')}</th><th scope="col">${t('아이디 / 담당자', 'ID / contact')}</th><th scope="col">${t('보안로그인', 'Secure login')}</th><th scope="col">${t('사업자번호 확인', 'Business no. proof')}</th><th scope="col">${t('처리', 'Action')}</th></tr></thead>
<tbody>${members.map((m) => row(v, search, m, postError))}</tbody></table>`;
  return html`<h1>${t('회원 조회', 'Members')}</h1>
<p class="notice">${t('보안로그인 기기를 잃어버린 회원은 메일로 비밀번호를 재설정한 뒤 운영자에게 해제를 요청합니다. 본인 확인 후 해제하세요: 회원의 로그인이 모두 종료되고, 다시 켜라는 안내 메일이 발송되며, 감사 로그에 남습니다.', 'A member who lost the device of its secure login resets the password by mail and asks the operator. Check who is asking first: clearing ends every session of the member, mails the member to turn it on again and is kept in the audit log.')}</p>
${form}
${list}`;
}

export const memberLookupScreen: ConsoleScreen = {
  path: CONSOLE_MEMBERS_PATH,
  title: (t) => t('회원 조회', 'Members'),
  render,
  doneMessages: {
    second_factor_cleared: ['보안로그인을 해제했습니다. 회원의 로그인이 모두 종료되었고 안내 메일이 발송됩니다.', 'Secure login cleared: every session of the member ended and the member is mailed.'],
  },
  actions: [
    {
      path: `${CONSOLE_MEMBERS_PATH}/:id/second-factor/clear`,
      done: 'second_factor_cleared',
      back,
      run: (ctx, c, form, id) => clearMemberSecondFactor(ctx, c.actor, { memberNo: id, input: form }),
    },
  ],
};
