/** Operator console pages: CRM, company conversion reviews, API service reviews, partners, audit log. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError, composeMessage, toAppError } from '../../platform/errors.ts';
import { listCompanyConversions } from '../../modules/accounts/list-company-conversions.ts';
import { approveCompanyConversion } from '../../modules/accounts/approve-company-conversion.ts';
import { rejectCompanyConversion } from '../../modules/accounts/reject-company-conversion.ts';
import { listApplications } from '../../modules/access/list-applications.ts';
import { getApplicationDocument } from '../../modules/access/get-application-document.ts';
import { approveApplication } from '../../modules/access/approve-application.ts';
import { rejectApplication } from '../../modules/access/reject-application.ts';
import { requestApplicationDocuments } from '../../modules/access/request-application-documents.ts';
import { listPartners } from '../../modules/access/list-partners.ts';
import { suspendPartner } from '../../modules/access/suspend-partner.ts';
import { restorePartner } from '../../modules/access/restore-partner.ts';
import { listAuditLog } from '../../modules/access/list-audit-log.ts';
import { createUnit, listUnits } from '../../modules/catalog/manage-units.ts';
import { createPackage, listPackages } from '../../modules/catalog/manage-packages.ts';
import { html, translator, type Lang, type Raw, type T } from '../html.ts';
import { csrfField, kst, page } from './layout.ts';
import { fieldsOf, langOf, queryText, requireOperator, type OperatorCall } from './portal-http.ts';
import { loginOperator, logout } from './auth-flow.ts';
import { sendHtml } from '../security-headers.ts';
import { consoleScreenRoutes } from './console/console-kit.ts';
import { CONSOLE_SCREENS } from './console/screens.ts';

type Form = Record<string, unknown>;
const str = (f: Form, k: string) => (typeof f[k] === 'string' ? (f[k] as string) : '');

const STATE_KO: Record<string, [string, string]> = {
  pending: ['승인 대기', 'pending'],
  documents_requested: ['서류 요청', 'documents requested'],
  approved: ['승인', 'approved'],
  rejected: ['반려', 'rejected'],
  cancelled: ['취소', 'cancelled'],
  active: ['이용 중', 'active'],
  suspended: ['정지', 'suspended'],
};
const stateText = (t: T, s: string) => t(STATE_KO[s]?.[0] ?? s, STATE_KO[s]?.[1] ?? s);

const PAGES: Record<string, { title: (t: T) => string; render: (c: OperatorCall, t: T, ctx: Ctx, form: Form) => Promise<Raw> }> = {
  '/console': {
    title: (t) => t('현황', 'Overview'),
    render: async (c, t, ctx) => {
      const conv = await listCompanyConversions(ctx, { state: 'pending' });
      const apps = (await listApplications(ctx)).filter((a) => a.state === 'pending' || a.state === 'documents_requested');
      const partners = await listPartners(ctx);
      return html`<h1>${t('운영자 콘솔', 'Operator console')}</h1>
<ul><li><a href="/console/conversions">${t(`기업회원전환 심사 대기 ${conv.length}건`, `${conv.length} company conversions waiting`)}</a></li>
<li><a href="/console/applications">${t(`API 서비스 심사 대기 ${apps.length}건`, `${apps.length} API applications waiting`)}</a></li>
<li><a href="/console/partners">${t(`파트너 ${partners.length}곳 (정지 ${partners.filter((p) => p.state === 'suspended').length})`, `${partners.length} partners (${partners.filter((p) => p.state === 'suspended').length} suspended)`)}</a></li></ul>
<p class="muted">${t('로그인', 'Signed in as')}: ${c.operator?.loginId ?? ''}</p>`;
    },
  },
  '/console/crm': {
    title: (t) => t('CRM', 'CRM'),
    render: async (c, t, ctx, form) => {
      const units = await listUnits(ctx, { includeRetired: true });
      const packs = await listPackages(ctx, { includeRetired: true });
      return html`<h1>${t('CRM: 서비스유닛 · 서비스패키지', 'CRM: service units and packages')}</h1>
<h2>${t('서비스유닛', 'Service units')}</h2>
<table><thead><tr><th scope="col">No.</th><th scope="col">${t('이름', 'Name')}</th><th scope="col">${t('계량 항목', 'Metered item')}</th><th scope="col">${t('단가(원)', 'Price (KRW)')}</th><th scope="col">${t('한도', 'Limit')}</th><th scope="col">${t('기간', 'Period')}</th><th scope="col">${t('상태', 'State')}</th></tr></thead>
<tbody>${units.map((u) => html`<tr><td>${u.id}</td><td>${u.name}</td><td><code>${u.meteredItem}</code></td><td>${u.unitPriceKrw.toLocaleString('ko-KR')}</td><td>${u.limitPerPeriod || t('무제한', 'none')}</td><td>${u.period}</td><td>${u.retired ? t('폐지', 'retired') : t('사용', 'active')}</td></tr>`)}</tbody></table>
<details${str(form, 'form') === 'unit' ? html` open` : ''}><summary>${t('서비스유닛 등록', 'Add a unit')}</summary>
<form method="post" action="/console/crm/units" class="stack">${csrfField(c.csrfToken)}
<label for="u-name">${t('이름', 'Name')}</label><input id="u-name" name="name" type="text" required value="${str(form, 'name')}">
<label for="u-item">${t('계량 항목 (영문 소문자, _)', 'Metered item (a-z, _)')}</label><input id="u-item" name="meteredItem" type="text" required value="${str(form, 'meteredItem')}" placeholder="alimtalk_sent">
<label for="u-price">${t('단가(원, VAT 별도)', 'Unit price (KRW, VAT excl.)')}</label><input id="u-price" name="unitPriceKrw" type="number" min="0" value="${str(form, 'unitPriceKrw') || '0'}">
<label for="u-limit">${t('기간당 한도 (0 = 무제한)', 'Limit per period (0 = none)')}</label><input id="u-limit" name="limitPerPeriod" type="number" min="0" value="${str(form, 'limitPerPeriod') || '0'}">
<label for="u-period">${t('기간', 'Period')}</label><select id="u-period" name="period"><option value="month">month</option><option value="year">year</option><option value="subscription">subscription</option></select>
<p><button type="submit">${t('등록', 'Add')}</button></p></form></details>
<h2>${t('서비스패키지', 'Service packages')}</h2>
<table><thead><tr><th scope="col">No.</th><th scope="col">${t('이름', 'Name')}</th><th scope="col">${t('가격(원)', 'Price (KRW)')}</th><th scope="col">${t('기간(개월)', 'Months')}</th><th scope="col">${t('유닛', 'Units')}</th><th scope="col">${t('상태', 'State')}</th></tr></thead>
<tbody>${packs.map((p) => html`<tr><td>${p.id}</td><td>${p.name}</td><td>${p.priceKrw.toLocaleString('ko-KR')}</td><td>${p.periodMonths || t('무기한', 'open')}</td><td>${p.unitIds.join(', ')}</td><td>${p.retired ? t('폐지', 'retired') : t('사용', 'active')}</td></tr>`)}</tbody></table>
<details${str(form, 'form') === 'package' ? html` open` : ''}><summary>${t('서비스패키지 등록', 'Add a package')}</summary>
<form method="post" action="/console/crm/packages" class="stack">${csrfField(c.csrfToken)}
<label for="p-name">${t('이름', 'Name')}</label><input id="p-name" name="name" type="text" required value="${str(form, 'name')}">
<label for="p-desc">${t('설명', 'Description')}</label><input id="p-desc" name="description" type="text" value="${str(form, 'description')}">
<label for="p-price">${t('가격(원)', 'Price (KRW)')}</label><input id="p-price" name="priceKrw" type="number" min="0" value="${str(form, 'priceKrw') || '0'}">
<label for="p-months">${t('기간(개월, 0 = 무기한)', 'Months (0 = open-ended)')}</label><input id="p-months" name="periodMonths" type="number" min="0" max="120" value="${str(form, 'periodMonths') || '0'}">
<label for="p-units">${t('유닛 번호 (쉼표로 구분)', 'Unit numbers (comma-separated)')}</label><input id="p-units" name="unitIds" type="text" value="${str(form, 'unitIds') || '1'}">
<p><button type="submit">${t('등록', 'Add')}</button></p></form></details>`;
    },
  },
  '/console/conversions': {
    title: (t) => t('기업회원전환 심사', 'Company conversions'),
    render: async (c, t, ctx) => {
      const list = await listCompanyConversions(ctx);
      return html`<h1>${t('기업회원전환 심사', 'Company conversion reviews')}</h1>
<table><thead><tr><th scope="col">No.</th><th scope="col">${t('신청일', 'Requested')}</th><th scope="col">${t('아이디', 'Login')}</th><th scope="col">${t('사업자등록번호', 'Business no.')}</th><th scope="col">${t('상호 / 대표자', 'Company / CEO')}</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('처리', 'Action')}</th></tr></thead>
<tbody>${list.map((x) => html`<tr data-conversion-id="${x.id}"><td>${x.id}</td><td>${kst(x.createdAt)}</td><td>${x.loginId ?? ''}</td><td>${x.bizno}</td><td>${x.comName} / ${x.ceoName}</td><td>${stateText(t, x.state)}${x.reason ? html`<br><span class="muted">${x.reason}</span>` : ''}</td>
<td>${x.state === 'pending' ? html`<form method="post" action="/console/conversions/${x.id}/approve" class="inline">${csrfField(c.csrfToken)}<button type="submit" aria-label="${t(`${x.comName} 승인`, `Approve ${x.comName}`)}">${t('승인', 'Approve')}</button></form>
<form method="post" action="/console/conversions/${x.id}/reject" class="row">${csrfField(c.csrfToken)}<label for="cr-${x.id}">${t('반려 사유', 'Reason')}</label><input id="cr-${x.id}" name="reason" type="text" required style="max-width:14em"><button type="submit" class="danger">${t('반려', 'Reject')}</button></form>` : ''}</td></tr>`)}</tbody></table>`;
    },
  },
  '/console/applications': {
    title: (t) => t('API 서비스 심사', 'API service reviews'),
    render: async (c, t, ctx) => {
      const list = await listApplications(ctx);
      return html`<h1>${t('API 연동 서비스 심사', 'API service reviews')}</h1>
<table><thead><tr><th scope="col">No.</th><th scope="col">${t('신청일', 'Applied')}</th><th scope="col">${t('기업', 'Company')}</th><th scope="col">${t('메모 / 서류', 'Note / documents')}</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('처리', 'Action')}</th></tr></thead>
<tbody>${list.map((a) => html`<tr data-application-id="${a.id}"><td>${a.id}</td><td>${kst(a.createdAt)}</td><td>${a.comName ?? ''} (${a.bizno ?? ''})<br><span class="muted">${a.loginId ?? ''}</span></td>
<td>${a.note}${a.documents.length ? html`<ul>${a.documents.map((d) => html`<li><a href="/console/documents/${d.id}">${d.fileName}</a></li>`)}</ul>` : ''}</td>
<td>${stateText(t, a.state)}${a.reviewNote ? html`<br><span class="muted">${a.reviewNote}</span>` : ''}</td>
<td>${a.state === 'pending' || a.state === 'documents_requested' ? html`<form method="post" action="/console/applications/${a.id}/approve" class="inline">${csrfField(c.csrfToken)}<button type="submit" aria-label="${t(`${a.comName ?? ''} 승인`, `Approve ${a.comName ?? ''}`)}">${t('승인', 'Approve')}</button></form>
<form method="post" action="/console/applications/${a.id}/request-documents" class="row">${csrfField(c.csrfToken)}<label for="ad-${a.id}">${t('요청 서류', 'Documents needed')}</label><input id="ad-${a.id}" name="message" type="text" required style="max-width:14em"><button type="submit" class="secondary">${t('서류 요청', 'Request documents')}</button></form>
<form method="post" action="/console/applications/${a.id}/reject" class="row">${csrfField(c.csrfToken)}<label for="ar-${a.id}">${t('반려 사유', 'Reason')}</label><input id="ar-${a.id}" name="reason" type="text" required style="max-width:14em"><button type="submit" class="danger">${t('반려', 'Reject')}</button></form>` : ''}</td></tr>`)}</tbody></table>`;
    },
  },
  '/console/partners': {
    title: (t) => t('파트너 관리', 'Partners'),
    render: async (c, t, ctx) => {
      const list = await listPartners(ctx);
      return html`<h1>${t('파트너 관리', 'Partners')}</h1>
<table><thead><tr><th scope="col">No.</th><th scope="col">${t('기업', 'Company')}</th><th scope="col">${t('승인일', 'Since')}</th><th scope="col">${t('API Key', 'Keys')}</th><th scope="col">${t('회원', 'Members')}</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('처리', 'Action')}</th></tr></thead>
<tbody>${list.map((p) => html`<tr data-partner-id="${p.id}"><td>${p.id}</td><td>${p.comName} (${p.bizno})<br><span class="muted">${p.loginId}</span></td><td>${kst(p.createdAt)}</td><td>${p.activeKeys}</td><td>${p.members}</td>
<td>${stateText(t, p.state)}${p.state === 'suspended' ? html` <span class="badge" data-suspension-kind="${p.suspensionKind}">${p.suspensionKind === 'arrears' ? t('미납', 'arrears') : t('운영자', 'operator')}</span>` : ''}${p.suspendedReason ? html`<br><span class="muted">${p.suspendedReason} (${kst(p.suspendedAt)})</span>` : ''}<br><a href="/console/bills?partnerId=${p.id}">${t('청구서', 'Bills')}</a></td>
<td>${p.state === 'active' ? html`<form method="post" action="/console/partners/${p.id}/suspend" class="row">${csrfField(c.csrfToken)}<label for="ps-${p.id}">${t('정지 사유', 'Reason')}</label><input id="ps-${p.id}" name="reason" type="text" required style="max-width:14em"><button type="submit" class="danger">${t('정지', 'Suspend')}</button></form>`
  : html`<form method="post" action="/console/partners/${p.id}/restore" class="inline">${csrfField(c.csrfToken)}<button type="submit">${t('정지 해제', 'Restore')}</button></form>`}</td></tr>`)}</tbody></table>`;
    },
  },
  '/console/audit': {
    title: (t) => t('감사 로그', 'Audit log'),
    render: async (_c, t, ctx) => {
      const rows = await listAuditLog(ctx, { limit: 200 });
      return html`<h1>${t('감사 로그', 'Audit log')}</h1><p class="muted">${t('최근 200건', 'Latest 200 entries')}</p>
<table><thead><tr><th scope="col">${t('시각', 'Time')}</th><th scope="col">${t('행위자', 'Actor')}</th><th scope="col">${t('행위', 'Action')}</th><th scope="col">${t('대상', 'Target')}</th><th scope="col">IP</th><th scope="col">${t('내용', 'Details')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${kst(r.at)}</td><td>${r.actorKind}${r.actorId ? ` #${r.actorId}` : ''} ${r.actorLabel}</td><td><code>${r.action}</code></td><td>${r.targetKind}${r.targetId ? ` #${r.targetId}` : ''}</td><td>${r.ip}</td><td><code>${JSON.stringify(r.details)}</code></td></tr>`)}</tbody></table>`;
    },
  },
};

function loginBody(t: T, form: Form): Raw {
  return html`<h1>${t('운영자 로그인', 'Operator login')}</h1>
<form method="post" action="/console/login" class="stack">
<label for="loginId">${t('아이디', 'Login ID')}</label><input id="loginId" name="loginId" type="text" required autocomplete="username" value="${str(form, 'loginId')}">
<label for="password">${t('비밀번호', 'Password')}</label><input id="password" name="password" type="password" required autocomplete="current-password">
<p><button type="submit">${t('로그인', 'Log in')}</button></p></form>`;
}

export async function consolePageRoutes(app: FastifyInstance, opts: { ctx: Ctx }): Promise<void> {
  const { ctx } = opts;
  const hide = { schema: { hide: true } };
  const formOf = (req: FastifyRequest): Form => fieldsOf(req.body);

  async function render(req: FastifyRequest, reply: FastifyReply, path: string, o: { call?: OperatorCall; error?: AppError; form?: Form } = {}) {
    const lang: Lang = langOf(req, reply);
    const t = translator(lang);
    let call = o.call;
    if (!call) {
      try {
        call = await requireOperator(ctx, req, { csrf: false });
      } catch {
        return reply.redirect('/console/login', 303);
      }
    }
    const def = PAGES[path]!;
    const body = await def.render(call, t, ctx, o.form ?? {});
    const done = queryText(req, 'done') ? t('처리했습니다.', 'Done.') : undefined;
    return sendHtml(reply, o.error ? o.error.status : 200, page({ lang, title: def.title(t), path, body, operator: call.operator, csrfToken: call.csrfToken, error: o.error ? composeMessage(o.error) : undefined, done }));
  }
  for (const path of Object.keys(PAGES)) app.get(path, hide, (req, reply) => render(req, reply, path));
  // the screens kept in console/*.ts (발신번호 심사, 알림톡 템플릿 검수, 카카오 채널)
  await consoleScreenRoutes(app, { ctx, screens: CONSOLE_SCREENS });

  function post(path: string, back: string, action: (call: OperatorCall, form: Form, id: number) => Promise<unknown>) {
    app.post(path, hide, async (req, reply) => {
      const form = formOf(req);
      let call: OperatorCall;
      try {
        call = await requireOperator(ctx, req, { formCsrf: form['_csrf'] });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'csrf_invalid') return sendHtml(reply, 403, page({ lang: langOf(req), title: 'CSRF', path: back, body: html`<h1>403</h1><p class="alert" role="alert">${composeMessage(e)}</p>` }));
        return reply.redirect('/console/login', 303);
      }
      try {
        const id = Number(fieldsOf(req.params)['id'] ?? 0);
        await action(call, form, id);
        return reply.redirect(`${back}?done=1`, 303);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') throw err;
        return render(req, reply, back, { call, error: e, form });
      }
    });
  }
  post('/console/crm/units', '/console/crm', (c, f) => createUnit(ctx, f).then((u) => u));
  post('/console/crm/packages', '/console/crm', (c, f) => createPackage(ctx, { ...f, unitIds: str(f, 'unitIds').split(',').map((s) => s.trim()).filter(Boolean).map(Number) }));
  post('/console/conversions/:id/approve', '/console/conversions', (c, _f, id) => approveCompanyConversion(ctx, c.actor, id));
  post('/console/conversions/:id/reject', '/console/conversions', (c, f, id) => rejectCompanyConversion(ctx, c.actor, { id, input: f }));
  post('/console/applications/:id/approve', '/console/applications', (c, _f, id) => approveApplication(ctx, c.actor, id));
  post('/console/applications/:id/reject', '/console/applications', (c, f, id) => rejectApplication(ctx, c.actor, { id, input: f }));
  post('/console/applications/:id/request-documents', '/console/applications', (c, f, id) => requestApplicationDocuments(ctx, c.actor, { id, input: f }));
  post('/console/partners/:id/suspend', '/console/partners', (c, f, id) => suspendPartner(ctx, c.actor, { id, input: f }));
  post('/console/partners/:id/restore', '/console/partners', (c, _f, id) => restorePartner(ctx, c.actor, id));

  app.get('/console/documents/:id', hide, async (req, reply) => {
    try {
      await requireOperator(ctx, req, { csrf: false });
    } catch {
      return reply.redirect('/console/login', 303);
    }
    const d = await getApplicationDocument(ctx, { documentId: Number(fieldsOf(req.params)['id']) || 0 });
    return reply
      .header('content-type', d.contentType)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(d.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(d.content);
  });

  const loginPage = (req: FastifyRequest, reply: FastifyReply, form: Form, status = 200, error?: string) => {
    const lang = langOf(req, reply);
    const t = translator(lang);
    return sendHtml(reply, status, page({ lang, title: t('운영자 로그인', 'Operator login'), path: '/console/login', body: loginBody(t, form), error }));
  };
  app.get('/console/login', hide, (req, reply) => loginPage(req, reply, {}));
  app.post('/console/login', hide, async (req, reply) => {
    const form = formOf(req);
    try {
      await loginOperator(ctx, req, reply, form);
      return reply.redirect('/console', 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      return loginPage(req, reply, form, e.status, composeMessage(e));
    }
  });
  app.post('/console/logout', hide, async (req, reply) => {
    try {
      await requireOperator(ctx, req, { formCsrf: formOf(req)['_csrf'] });
    } catch {
      return reply.redirect('/console/login', 303);
    }
    await logout(ctx, req, reply);
    return reply.redirect('/console/login', 303);
  });
}
