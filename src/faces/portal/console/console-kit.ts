/**
 * The shape of an operator-console screen kept in its own file (`console/*.ts`) and the routes that serve it:
 * a GET page (operators only; anyone else is sent to /console/login), form posts that need the session's CSRF
 * token and answer with a 303 redirect back to the screen (Post/Redirect/Get; a refused post re-renders the
 * screen with the error naming its field and the form as sent), and inline files (e.g. a proof document).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../../platform/errors.ts';
import { html, translator, type Lang, type Raw, type T } from '../../html.ts';
import { page } from '../layout.ts';
import { fieldsOf, langOf, queryText, requireOperator, type OperatorCall } from '../portal-http.ts';
import { formOf, type Form } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';

/** What a console screen renders from. */
export interface ConsoleView {
  call: OperatorCall;
  t: T;
  lang: Lang;
  /** the form sent back after a refused post (empty otherwise) */
  form: Form;
  /** the page's query (filters) */
  query: Form;
  /** the refusal of that post (also shown at the top of the page), to show beside its field */
  error?: AppError;
  /** set by `render` when the query itself was refused (e.g. 400: a search field is wrong), else 200 */
  status?: number;
}

export interface ConsoleAction {
  /** e.g. `/console/sender-numbers/:id/approve` (`:id` is read as a positive integer) */
  path: string;
  /** the `?done=` code shown once after the redirect */
  done: string;
  run: (ctx: Ctx, call: OperatorCall, form: Form, id: number) => Promise<unknown>;
  /** where to go back to (default the screen's path), e.g. a detail view named by a form field */
  back?: (form: Form, id: number) => string;
}

export interface ConsoleFile {
  /** e.g. `/console/sender-numbers/:id/proof` */
  path: string;
  read: (ctx: Ctx, id: number) => Promise<{ fileName: string; contentType: string; content: Buffer }>;
}

export interface ConsoleScreen {
  path: string;
  title: (t: T) => string;
  render: (v: ConsoleView, ctx: Ctx) => Promise<Raw>;
  /** the one-time messages after a post, by `done` code: [Korean, English] */
  doneMessages?: Record<string, [string, string]>;
  actions?: ConsoleAction[];
  files?: ConsoleFile[];
}

const idOf = (req: FastifyRequest): number => {
  const n = Number(fieldsOf(req.params)['id']);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
};

/** `Content-Disposition: inline` with an ASCII fallback name and the UTF-8 one (RFC 6266 / 5987). */
export function inlineDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function consoleScreenRoutes(app: FastifyInstance, opts: { ctx: Ctx; screens: readonly ConsoleScreen[] }): Promise<void> {
  const { ctx } = opts;
  const hide = { schema: { hide: true } };

  async function render(req: FastifyRequest, reply: FastifyReply, screen: ConsoleScreen, o: { call?: OperatorCall; error?: AppError; form?: Form } = {}) {
    const lang = langOf(req, reply);
    const t = translator(lang);
    let call = o.call;
    if (!call) {
      try {
        call = await requireOperator(ctx, req, { csrf: false });
      } catch {
        return reply.redirect('/console/login', 303);
      }
    }
    const view: ConsoleView = { call, t, lang, form: o.form ?? {}, query: fieldsOf(req.query), error: o.error };
    const body = await screen.render(view, ctx);
    const code = queryText(req, 'done');
    const msg = code ? screen.doneMessages?.[code] : undefined;
    const done = code ? (msg ? t(msg[0], msg[1]) : t('처리했습니다.', 'Done.')) : undefined;
    return sendHtml(reply, o.error ? o.error.status : view.status ?? 200, page({ lang, title: screen.title(t), path: screen.path, body, operator: call.operator, csrfToken: call.csrfToken, error: o.error ? composeMessage(o.error) : undefined, done }));
  }

  for (const screen of opts.screens) {
    app.get(screen.path, hide, (req, reply) => render(req, reply, screen));
    for (const action of screen.actions ?? []) {
      app.post(action.path, hide, async (req, reply) => {
        const form = formOf(req);
        let call: OperatorCall;
        try {
          call = await requireOperator(ctx, req, { formCsrf: form['_csrf'] });
        } catch (err) {
          const e = toAppError(err);
          if (e.code === 'csrf_invalid') {
            return sendHtml(reply, 403, page({ lang: langOf(req), title: 'CSRF', path: screen.path, body: html`<h1>403</h1><p class="alert" role="alert">${composeMessage(e)}</p>` }));
          }
          return reply.redirect('/console/login', 303);
        }
        try {
          await action.run(ctx, call, form, idOf(req));
          const back = action.back?.(form, idOf(req)) ?? screen.path;
          return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}done=${encodeURIComponent(action.done)}`, 303);
        } catch (err) {
          const e = toAppError(err);
          if (e.code === 'internal') throw err;
          return render(req, reply, screen, { call, error: e, form });
        }
      });
    }
    for (const file of screen.files ?? []) {
      app.get(file.path, hide, async (req, reply) => {
        try {
          await requireOperator(ctx, req, { csrf: false });
        } catch {
          return reply.redirect('/console/login', 303);
        }
        const f = await file.read(ctx, idOf(req));
        return reply
          .header('content-type', f.contentType)
          .header('content-disposition', inlineDisposition(f.fileName))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .header('referrer-policy', 'same-origin')
          .header('x-frame-options', 'SAMEORIGIN')
          .send(f.content);
      });
    }
  }
}
