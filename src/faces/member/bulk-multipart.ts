/**
 * File uploads of the member web (대량발행 .xlsx, the certificate's files): a multipart form cannot be read by
 * the plugin's url-encoded actions, so these POST routes read the parts themselves — `_csrf` and the other text
 * fields, the files as buffers — check the session and CSRF with `requireMember`, run the use case, and on a
 * refusal render the owning screen again with the error beside the field, as the plugin does for its actions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../platform/errors.ts';
import { fieldsOf, queryText, requireMember, SubscriptionChoiceNeeded, type MemberCall } from './member-http.ts';
import { layout } from './member-layout.ts';
import type { Form, MemberPage, MemberView } from './member-kit.ts';

export interface UploadedFile {
  fileName: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Form;
  files: Record<string, UploadedFile>;
}

export async function readMultipartForm(req: FastifyRequest): Promise<MultipartForm> {
  const fields: Form = {};
  const files: Record<string, UploadedFile> = {};
  if (!req.isMultipart()) {
    return { fields: fieldsOf(req.body), files };
  }
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (data.length > 0) files[part.fieldname] = { fileName: part.filename ?? '', data };
    } else {
      fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
    }
  }
  return { fields, files };
}

function errorsOf(e: AppError, t: MemberCall['t']): { errors: Record<string, string>; top: string } {
  const msg = composeMessage(e);
  const text = t(msg.replace(/\s*\([^가-힣]*\)\s*$/, ''), msg.match(/\(([^가-힣]*)\)\s*$/)?.[1] ?? msg);
  if (e.field && e.field !== 'session' && e.field !== '_csrf') return { errors: { [e.field]: text }, top: t('입력한 내용을 확인하세요.', 'Check the fields marked below.') };
  return { errors: {}, top: text };
}

/** Render `page` in the layout with the menu (used after a refused upload). */
export async function renderScreen(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, page: MemberPage, call: MemberCall, status: number, state: { form?: Form; errors?: Record<string, string>; error?: string }): Promise<FastifyReply> {
  // the screen list and the page sender import the screens: read them when a request comes, not at load
  const { MEMBER_PAGES } = await import('./pages/index.ts');
  const { sendPage } = await import('./member-plugin.ts');
  const v: MemberView = { call, t: call.t, form: state.form ?? {}, errors: state.errors ?? {}, extra: {}, query: fieldsOf(req.query), params: fieldsOf(req.params) as Record<string, string>, url: req.url };
  const body = await page.render(ctx, v);
  const menu = MEMBER_PAGES.filter((p) => p.menu)
    .sort((a, b) => a.menu!.order - b.menu!.order)
    .map((p) => ({ href: p.menu!.href ?? p.path, label: p.menu!.label(call.t) }));
  const done = queryText(req, 'done');
  const doneText = done ? MEMBER_PAGES.map((p) => p.done?.[done]?.(call.t)).find(Boolean) : undefined;
  return sendPage(reply, status, layout({ lang: call.lang, url: v.url, title: page.title(call.t, v), body, call, menu, error: state.error, done: doneText }));
}

/**
 * POST `path` as a multipart upload for `page`: `run` returns where to go (303) after success.
 */
export function uploadRoute(app: FastifyInstance, ctx: Ctx, path: string, page: MemberPage, run: (call: MemberCall, form: MultipartForm) => Promise<string>): void {
  app.post(path, { schema: { hide: true }, logLevel: 'warn' }, async (req, reply) => {
    let form: MultipartForm = { fields: {}, files: {} };
    let call: MemberCall;
    try {
      form = await readMultipartForm(req);
      call = await requireMember(ctx, req, { formCsrf: form.fields['_csrf'] });
    } catch (err) {
      if (err instanceof SubscriptionChoiceNeeded) return reply.code(303).header('location', '/member/subscriptions').send();
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.code(303).header('location', '/member').send();
      return reply.code(e.status).header('content-type', 'text/plain; charset=utf-8').send(composeMessage(e));
    }
    try {
      return reply.code(303).header('location', await run(call, form)).send();
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      const { errors, top } = errorsOf(e, call.t);
      const { password: _password, _csrf, ...kept } = form.fields;
      return renderScreen(ctx, req, reply, page, call, e.status, { form: kept, errors, error: top });
    }
  });
}
