/**
 * The contract of a member web screen (docs/member-web.md "For other screens"). A screen is a `MemberPage`: its
 * path under /member, its title, an optional menu entry, a render function and form actions. Screens are listed in
 * `pages/index.ts`; the plugin (member-plugin.ts) gives every one the session check, the chosen subscription, CSRF
 * on POST, the layout with the menu, and field errors: when an action throws an AppError naming a field, the screen
 * is rendered again with the form as sent and the message beside that field (`v.errors[field]`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import type { AppError } from '../../platform/errors.ts';
import { html, raw, type Raw, type T } from '../html.ts';
import type { MemberCall } from './member-http.ts';

export type Form = Record<string, unknown>;

export const str = (f: Form, k: string): string => (typeof f[k] === 'string' ? (f[k] as string) : '');

/** What a screen renders from. */
export interface MemberView {
  call: MemberCall;
  t: T;
  /** the form sent back after a refused action (to refill the fields) */
  form: Form;
  /** field name → message, from the refused action (shown beside the field) */
  errors: Record<string, string>;
  /** values an action left for this render (`{ render: … }`) */
  extra: Record<string, unknown>;
  query: Form;
  /** path parameters (`/member/documents/:dockey` → `{ dockey }`) */
  params: Record<string, string>;
  /** the request path with its query (for links back, the language switch) */
  url: string;
  /** the answer's status, when render decides it (e.g. 400 for a bad filter it shows beside its field) */
  status?: number;
}

/** The outcome of an action: a path to redirect to (303), or values to render the screen with now. */
export type MemberActionResult = string | { render: Record<string, unknown> };

export interface MemberAction {
  /** the POST path, e.g. `/member/documents/:dockey/resend` */
  path: string;
  run: (ctx: Ctx, call: MemberCall, form: Form, req: FastifyRequest, reply: FastifyReply, params: Record<string, string>) => Promise<MemberActionResult>;
}

export interface MemberMenuEntry {
  /** smaller first: 10 매출 문서함, 20 매입 문서함, 30 문서 작성, 40 대량발행, 50 인증서, 60 역발행 요청, 90 설정 */
  order: number;
  label: (t: T) => string;
  /** the link when it is not the page's path (a page with path parameters) */
  href?: string;
}

export interface MemberPage {
  /** GET path under /member; may hold parameters (`:dockey`) */
  path: string;
  title: (t: T, v: MemberView) => string;
  menu?: MemberMenuEntry;
  render: (ctx: Ctx, v: MemberView) => Promise<Raw>;
  actions?: MemberAction[];
  /** one-time messages after an action redirected with `?done=<code>` */
  done?: Record<string, (t: T) => string>;
  /** extra raw routes (downloads: PDF, XML, .xlsx): use `requireMember` from member-http.ts yourself */
  routes?: (app: FastifyInstance, ctx: Ctx) => void;
}

/** A labelled input with its error beside it (aria-invalid, aria-describedby). */
export function field(
  v: Pick<MemberView, 'form' | 'errors'>,
  id: string,
  label: string,
  opts: { type?: string; value?: string; required?: boolean; autocomplete?: string; hint?: string; inputmode?: string; size?: number } = {},
): Raw {
  const err = v.errors[id];
  const value = opts.type === 'password' ? '' : (str(v.form, id) || opts.value) ?? '';
  const described = [opts.hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${err ? ' has-error' : ''}"><label for="${id}"${opts.required ? raw(' class="req"') : ''}>${label}</label>
<input id="${id}" name="${id}" type="${opts.type ?? 'text'}" value="${value}"${opts.required ? raw(' required') : ''}${opts.autocomplete ? raw(` autocomplete="${opts.autocomplete}"`) : ''}${opts.inputmode ? raw(` inputmode="${opts.inputmode}"`) : ''}${opts.size ? raw(` size="${opts.size}"`) : ''}${err ? raw(' aria-invalid="true"') : ''}${described ? raw(` aria-describedby="${described}"`) : ''}>
${opts.hint ? html`<div class="muted" id="${id}-hint">${opts.hint}</div>` : ''}${err ? html`<p class="field-error" id="${id}-error">${err}</p>` : ''}</div>`;
}

/** The error of a field that has no input of its own (or a select): put it beside whatever you render. */
export function fieldError(v: Pick<MemberView, 'errors'>, id: string): Raw {
  const err = v.errors[id];
  return err ? html`<p class="field-error" id="${id}-error">${err}</p>` : raw('');
}

export function csrfField(token: string): Raw {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** An AppError's message in the page's language: the Korean text, or the English in its parentheses (`lang=en`). */
export function errorText(t: T, e: AppError): string {
  const en = /\(([^가-힣]*)\)\s*$/.exec(e.message)?.[1];
  return t(en ? e.message.slice(0, e.message.length - en.length - 2).trim() : e.message, en ?? e.message);
}
