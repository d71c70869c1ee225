/**
 * A member screen answered in the layout — its menu, the one-time message of `?done=`, the field errors of a refused
 * action beside their fields — with the browser faces' page headers. The plugin's pages and form actions and the upload
 * routes (bulk-multipart.ts, after a refused upload) all answer through `renderScreen`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import type { AppError } from '../../platform/errors.ts';
import type { T } from '../html.ts';
import { sendHtml } from '../security-headers.ts';
import { fieldsOf, queryText, type MemberCall } from './member-http.ts';
import { layout, type MenuLink } from './member-layout.ts';
import { errorText, type Form, type MemberPage, type MemberView } from './member-kit.ts';

/** Field errors of a refused action: the field's message beside it, else the message on top. */
export function errorsOf(e: AppError, t: T): { errors: Record<string, string>; top: string } {
  const text = errorText(t, e);
  if (e.field && e.field !== 'session' && e.field !== '_csrf' && e.field !== 'Origin') return { errors: { [e.field]: text }, top: t('입력한 내용을 확인하세요.', 'Check the fields marked below.') };
  return { errors: {}, top: text };
}

/** The menu: the screens that have an entry, in their order. */
export const menuOf = (pages: MemberPage[], t: T): MenuLink[] =>
  pages
    .filter((p) => p.menu)
    .sort((a, b) => a.menu!.order - b.menu!.order)
    .map((p) => ({ href: p.menu!.href ?? p.path, label: p.menu!.label(t) }));

/** The one-time message of `?done=<code>`: a screen's own, else the plugin's. */
function doneOf(pages: MemberPage[], t: T, code: string | undefined): string | undefined {
  if (!code) return undefined;
  const common: Record<string, string> = {
    chosen: t('서비스를 선택했습니다.', 'Subscription chosen.'),
  };
  for (const p of pages) {
    const m = p.done?.[code];
    if (m) return m(t);
  }
  return common[code];
}

export interface ScreenState {
  form?: Form;
  errors?: Record<string, string>;
  extra?: Record<string, unknown>;
  error?: string | undefined;
  /** path parameters; the request's when not given */
  params?: Record<string, string>;
}

/** Render `page` (one of `pages`) for the caller in the layout; the page's render may set the status itself (`v.status`). */
export async function renderScreen(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, pages: MemberPage[], page: MemberPage, call: MemberCall, status: number, state: ScreenState): Promise<FastifyReply> {
  const params = state.params ?? (fieldsOf(req.params) as Record<string, string>);
  const v: MemberView = { call, t: call.t, form: state.form ?? {}, errors: state.errors ?? {}, extra: state.extra ?? {}, query: fieldsOf(req.query), params, url: req.url };
  const body = await page.render(ctx, v);
  return sendHtml(reply, v.status ?? status, layout({ lang: call.lang, url: v.url, title: page.title(call.t, v), body, call, menu: menuOf(pages, call.t), error: state.error, done: doneOf(pages, call.t, queryText(req, 'done')) }));
}
