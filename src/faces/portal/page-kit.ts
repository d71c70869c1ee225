/**
 * What every portal and console screen shares: the form-field helper, the one-time "done" messages after a redirect, the multipart upload reader, and the shape of a member screen
 * (`pages/*.ts`: path, title, render and its form actions; `pages/user-page-routes.ts` registers them).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { html, raw, type Lang, type Raw, type T } from '../html.ts';
import { fieldsOf, type UserCall } from './portal-http.ts';

export type Form = Record<string, unknown>;

export const str = (f: Form, k: string) => (typeof f[k] === 'string' ? (f[k] as string) : '');

export const formOf = (req: FastifyRequest): Form => fieldsOf(req.body);

/** A labelled input; `hint` is linked by aria-describedby. */
export const field = (id: string, label: string, opts: { type?: string; value?: string; required?: boolean; autocomplete?: string; hint?: string; inputmode?: string } = {}) =>
  html`<label for="${id}"${opts.required ? raw(' class="req"') : ''}>${label}</label>
<input id="${id}" name="${id}" type="${opts.type ?? 'text'}" value="${opts.value ?? ''}"${opts.required ? raw(' required') : ''}${opts.autocomplete ? raw(` autocomplete="${opts.autocomplete}"`) : ''}${opts.inputmode ? raw(` inputmode="${opts.inputmode}"`) : ''}${opts.hint ? raw(` aria-describedby="${id}-hint"`) : ''}>
${opts.hint ? html`<div class="muted" id="${id}-hint">${opts.hint}</div>` : ''}`;

/** The message shown once after a form post redirected with `?done=<code>`. */
export function doneMessage(t: T, code: string | undefined): string | undefined {
  const m: Record<string, string> = {
    signup: t('회원가입이 완료되었습니다. 로그인하세요.', 'Signed up. Please log in.'),
    profile: t('회원정보를 저장했습니다.', 'Member info saved.'),
    password: t('비밀번호를 변경했습니다. 다른 기기의 로그인은 종료되었습니다.', 'Password changed. Other sessions were ended.'),
    conversion: t('기업회원전환을 신청했습니다. 관리자 승인 후 기업회원으로 전환됩니다.', 'Conversion requested. An operator will review it.'),
    conversion_cancelled: t('기업회원전환 신청을 취소했습니다.', 'Conversion request cancelled.'),
    applied: t('연동 API 서비스 신청이 완료되었습니다.', 'API service application submitted.'),
    app_cancelled: t('연동 API 서비스 신청을 취소했습니다.', 'Application cancelled.'),
    uploaded: t('서류를 제출했습니다.', 'Document submitted.'),
    totp_off: t('보안로그인을 해제했습니다.', 'Secure login turned off.'),
    ips: t('IP 목록을 저장했습니다.', 'IP list saved.'),
    key_on: t('API Key를 사용(ON)으로 바꿨습니다.', 'API key switched ON.'),
    key_off: t('API Key를 사용 중지(OFF)했습니다.', 'API key switched OFF.'),
    key_deleted: t('API Key를 삭제했습니다. 이미 요청이 완료된 건은 처리되며, 이후 요청은 거부됩니다.', 'API key deleted. Accepted requests complete; later calls are refused.'),
    webhook_saved: t('웹훅 엔드포인트를 저장했습니다.', 'Webhook endpoint saved.'),
    webhook_on: t('웹훅 엔드포인트를 다시 사용합니다. 보내지 못한 이벤트를 이어서 전송합니다.', 'Webhook endpoint enabled; undelivered events follow.'),
    webhook_off: t('웹훅 엔드포인트를 사용 중지했습니다.', 'Webhook endpoint disabled.'),
    webhook_deleted: t('웹훅 엔드포인트를 삭제했습니다.', 'Webhook endpoint deleted.'),
    redelivered: t('다시 보내기를 요청했습니다.', 'Redelivery requested.'),
    withdrawn: t('회원탈퇴가 처리되었습니다.', 'Your account was closed.'),
    history_deleted: t('발송내역을 삭제했습니다. 삭제한 내역은 복구할 수 없습니다.', 'History deleted. Deleted rows cannot be recovered.'),
    reservation_cancelled: t('예약을 취소했습니다.', 'Reservation cancelled.'),
    logout: t('로그아웃했습니다.', 'Logged out.'),
  };
  return code ? m[code] : undefined;
}

/** The `file` part of a multipart upload (other fields ignored except `_csrf`, read by the caller). */
export async function readUpload(req: FastifyRequest): Promise<{ fileName: string; contentType: string; content: Buffer; fields: Record<string, string> }> {
  if (!req.isMultipart()) throw new AppError('field_required', 'multipart/form-data로 파일을 보내세요 (send the file as multipart/form-data)', { field: 'file' });
  const fields: Record<string, string> = {};
  let file: { fileName: string; contentType: string; content: Buffer } | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname === 'file' && !file) file = { fileName: part.filename, contentType: part.mimetype, content };
    } else fields[part.fieldname] = String(part.value);
  }
  if (!file) throw new AppError('field_required', '파일을 선택하세요 (choose a file)', { field: 'file' });
  return { ...file, fields };
}

/** What a member screen renders from: the caller, the language, the form sent back after an error, and values a post left. */
export interface View {
  call: UserCall;
  t: T;
  lang: Lang;
  form: Form;
  extra: Record<string, unknown>;
  /** the query string of the request (filters of list screens) */
  query: Form;
}

/** A form post of a member screen: a redirect target (303), or values to render the screen with (shown once, now). */
export type UserActionResult = string | { render: Record<string, unknown> };

export interface UserAction {
  path: string;
  run: (ctx: Ctx, call: UserCall, form: Form, req: FastifyRequest, reply: FastifyReply) => Promise<UserActionResult>;
}

/** One screen of a signed-in member. */
export interface UserPage {
  path: string;
  title: (t: T) => string;
  render: (v: View, ctx: Ctx) => Promise<Raw>;
  actions?: UserAction[];
}
