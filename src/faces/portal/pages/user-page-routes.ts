/**
 * The member portal pages (server-rendered; forms post back and redirect; errors re-render the form). Each screen is
 * its own file (path, title, render, actions); this file registers them: GET renders (signed-in members only), every
 * action posts through one wrapper (session + CSRF, then redirect 303 or re-render with the error), and the anonymous
 * screens come from auth.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { composeMessage, toAppError, type AppError } from '../../../platform/errors.ts';
import { takeSessionFlash } from '../../../modules/accounts/session-flash.ts';
import { html, translator, type Raw } from '../../html.ts';
import { page } from '../layout.ts';
import { doneMessage, formOf, type Form, type UserAction, type UserPage } from '../page-kit.ts';
import { sendHtml } from '../../security-headers.ts';
import { currentUser, fieldsOf, langOf, queryText, requireUser, type UserCall } from '../portal-http.ts';
import { profilePage } from './profile.ts';
import { companyPage } from './company.ts';
import { apiServicePage, documentUploadRoute } from './api-service.ts';
import { passwordPage } from './password.ts';
import { securityPage } from './security.ts';
import { withdrawPage } from './withdraw.ts';
import { apiKeysPage } from './api-keys.ts';
import { webhooksPage } from './webhooks.ts';
import { apiGuidePage } from './api-guide.ts';
import { historyDownloadRoute, messageHistoryPage } from './message-history.ts';
import { messageHistoryBatchPage } from './message-history-batch.ts';
import { reservationsPage } from './reservations.ts';
import { expectedChargesDownloadRoute, expectedChargesPage } from './expected-charges.ts';
import { billsDownloadRoute, billsPage } from './bills.ts';
import { billDetailPage, billGuidePage, billPayPage, payAccountRoute } from './bill-detail.ts';
import { billReceiptRoute } from './bill-receipt.ts';
import type { BankGateway } from '../../../modules/settlement/bank/bank-gateway.ts';
import { authPageRoutes } from './auth.ts';

/** The screens of a signed-in member, in menu order. */
export const USER_PAGES: readonly UserPage[] = [profilePage, companyPage, apiServicePage, passwordPage, securityPage, withdrawPage, apiKeysPage, webhooksPage, messageHistoryPage, messageHistoryBatchPage, reservationsPage, expectedChargesPage, billsPage, billDetailPage, billPayPage, billGuidePage, apiGuidePage];

export async function portalPageRoutes(app: FastifyInstance, opts: { ctx: Ctx; bankGateway?: BankGateway | undefined }): Promise<void> {
  const { ctx } = opts;
  const hide = { schema: { hide: true } };
  const byPath = new Map(USER_PAGES.map((p) => [p.path, p]));

  async function renderUserPage(req: FastifyRequest, reply: FastifyReply, path: string, o: { call?: UserCall; form?: Form; extra?: Record<string, unknown>; error?: AppError } = {}) {
    const lang = langOf(req, reply);
    const t = translator(lang);
    let call = o.call;
    if (!call) {
      try {
        call = await currentUser(ctx, req, { csrf: false });
      } catch {
        return reply.redirect(`/portal/login?next=${encodeURIComponent(path)}`, 303);
      }
    }
    const def = byPath.get(path)!;
    // what the POST before the redirect left for this page (Post/Redirect/Get), shown once
    const flash = o.extra === undefined && req.method === 'GET' ? await takeSessionFlash(ctx, call.token) : undefined;
    const extra = o.extra ?? (flash && typeof flash === 'object' ? (flash as Record<string, unknown>) : {});
    let body: Raw;
    let status = o.error ? o.error.status : 200;
    try {
      body = await def.render({ call, t, lang, form: o.form ?? {}, extra, query: fieldsOf(req.query) }, ctx);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      status = e.status;
      body = html`<h1>${def.title(t)}</h1><p class="alert" role="alert">${composeMessage(e)}</p>`;
    }
    const done = doneMessage(t, queryText(req, 'done'));
    return sendHtml(reply, status, page({ lang, title: def.title(t), path, body, user: call.user, csrfToken: call.csrfToken, error: o.error ? composeMessage(o.error) : undefined, done }));
  }

  /** A form post of a signed-in member: do it, then redirect (303) with a message, or re-render with the error. */
  function post(pagePath: string, action: UserAction) {
    app.post(action.path, hide, async (req, reply) => {
      const form = formOf(req);
      let call: UserCall;
      try {
        call = await requireUser(ctx, req, form['_csrf']);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'csrf_invalid') return sendHtml(reply, 403, page({ lang: langOf(req), title: 'CSRF', path: pagePath, body: html`<h1>403</h1><p class="alert" role="alert">${composeMessage(e)}</p><p><a href="${pagePath}">${pagePath}</a></p>` }));
        return reply.redirect(`/portal/login?next=${encodeURIComponent(pagePath)}`, 303);
      }
      try {
        const r = await action.run(ctx, call, form, req, reply);
        if (typeof r === 'string') return reply.redirect(r, 303);
        return renderUserPage(req, reply, pagePath, { call: await currentUser(ctx, req, { csrf: false }), extra: r.render });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        return renderUserPage(req, reply, pagePath, { call, form, error: e });
      }
    });
  }

  for (const p of USER_PAGES) {
    app.get(p.path, hide, (req, reply) => renderUserPage(req, reply, p.path));
    for (const action of p.actions ?? []) post(p.path, action);
  }
  documentUploadRoute(app, ctx, renderUserPage);
  historyDownloadRoute(app, ctx);
  expectedChargesDownloadRoute(app, ctx);
  billsDownloadRoute(app, ctx);
  billReceiptRoute(app, ctx);
  payAccountRoute(app, ctx, opts.bankGateway);
  await authPageRoutes(app, { ctx });
}
