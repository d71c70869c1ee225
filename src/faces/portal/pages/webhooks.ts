/**
 * 연동 API 관리 > 웹훅 (partners only, docs/webhooks.md): register an endpoint (its secret shown once, after a
 * redirect, like the Access Key: it travels to the next page in the session, sealed, never in the URL), edit its URL,
 * description and event types, switch it on or off, rotate its secret, delete it; and per endpoint
 * (?endpoint=<id>) its deliveries with every attempt and 다시 보내기 (redeliver). The same use cases as REST.
 */
import type { FastifyRequest } from 'fastify';
import { html, raw, type Raw, type T } from '../../html.ts';
import { csrfField } from '../layout.ts';
import { str, type Form, type UserPage } from '../page-kit.ts';
import { fieldsOf, partnerOf } from '../portal-http.ts';
import { setSessionFlash } from '../../../modules/accounts/session-flash.ts';
import { EVENT_TYPE_NAMES, EVENT_TYPES } from '../../../modules/events/event-catalogue.ts';
import { listEndpoints } from '../../../modules/webhooks/list-endpoints.ts';
import { registerEndpoint } from '../../../modules/webhooks/register-endpoint.ts';
import { updateEndpoint } from '../../../modules/webhooks/update-endpoint.ts';
import { deleteEndpoint } from '../../../modules/webhooks/delete-endpoint.ts';
import { rotateEndpointSecret } from '../../../modules/webhooks/rotate-endpoint-secret.ts';
import { listDeliveries } from '../../../modules/webhooks/list-deliveries.ts';
import { redeliver } from '../../../modules/webhooks/redeliver.ts';
import { MAX_ENDPOINTS_PER_PARTNER, type EndpointView } from '../../../modules/webhooks/endpoint-view.ts';

const PATH = '/portal/api/webhooks';
/** 'YYYY-MM-DDTHH:MM…+09:00' (already KST) → 'YYYY-MM-DD HH:MM' */
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
const eventsOf = (form: Form): string[] => (Array.isArray(form['events']) ? (form['events'] as string[]) : typeof form['events'] === 'string' ? [form['events'] as string] : []);
const param = (req: FastifyRequest, name: string) => String(fieldsOf(req.params)[name] ?? '');

function eventChoices(t: T, idPrefix: string, chosen: readonly string[]): Raw {
  return html`<fieldset><legend>${t('받을 이벤트', 'Events to receive')}</legend>
${EVENT_TYPE_NAMES.map((name) => html`<label class="row" for="${idPrefix}-${name}"><input type="checkbox" id="${idPrefix}-${name}" name="events" value="${name}"${chosen.includes(name) ? raw(' checked') : ''}> <code>${name}</code> ${t(EVENT_TYPES[name].ko, EVENT_TYPES[name].en)}</label>`)}
</fieldset>`;
}

function stateBadge(t: T, e: EndpointView): Raw {
  return html`<span class="badge ${e.enabled ? 'on' : 'off'}">${e.enabled ? t('사용', 'Enabled') : t('사용 중지', 'Disabled')}</span>`;
}

async function deliveriesSection(t: T, ctx: Parameters<UserPage['render']>[1], partnerId: number, e: EndpointView, csrf: string, cursor: string | undefined): Promise<Raw> {
  const page = await listDeliveries(ctx, partnerId, e.id, { limit: 20, ...(cursor ? { cursor } : {}) });
  const stateText = (s: string) => (s === 'succeeded' ? t('성공', 'succeeded') : s === 'failed' ? t('실패', 'failed') : t('대기', 'pending'));
  const rows = page.data.map((d) => html`<tr data-delivery-id="${d.id}">
<td>${when(d.createdAt)}</td><td><code>${d.eventType}</code></td><td><code>${d.objectId}</code></td>
<td><span class="badge ${d.state === 'succeeded' ? 'on' : d.state === 'failed' ? 'off' : ''}">${stateText(d.state)}</span></td>
<td>${d.attempts}</td><td>${when(d.nextAttemptAt)}</td>
<td><details><summary>${t(`시도 기록 ${d.attemptLog.length}건`, `${d.attemptLog.length} attempts`)}</summary><ol>
${d.attemptLog.map((a) => html`<li>${when(a.at)} · ${a.status === null ? t('응답 없음', 'no answer') : `HTTP ${a.status}`} · ${a.durationMs} ms${a.error ? html` · ${a.error}` : ''}${a.responseExcerpt ? html`<br><code>${a.responseExcerpt}</code>` : ''}</li>`)}
</ol></details></td>
<td><form method="post" action="${PATH}/${e.id}/deliveries/${d.id}/redeliver" class="inline">${csrfField(csrf)}<button type="submit" class="secondary">${t('다시 보내기', 'Redeliver')}</button></form></td></tr>`);
  return html`<section aria-labelledby="deliveries-title"><h2 id="deliveries-title">${t('전송 내역', 'Deliveries')}: <code>${e.url}</code></h2>
<p class="muted">${t('전송 ID(Hanbill-Delivery)는 재시도와 다시 보내기에도 같습니다. 실패하면 3일 동안 지수 백오프로 재시도합니다.', 'The delivery id (Hanbill-Delivery) stays the same on retries and redeliveries. Failures are retried with exponential backoff for 3 days.')}</p>
${rows.length
    ? html`<table><thead><tr><th scope="col">${t('생성', 'Created')}</th><th scope="col">${t('이벤트', 'Event')}</th><th scope="col">${t('객체', 'Object')}</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('시도', 'Attempts')}</th><th scope="col">${t('다음 시도', 'Next attempt')}</th><th scope="col">${t('시도 기록', 'Attempt log')}</th><th scope="col"></th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="muted">${t('아직 전송 내역이 없습니다.', 'No deliveries yet.')}</p>`}
${page.hasMore && page.nextCursor ? html`<p><a href="${PATH}?endpoint=${e.id}&cursor=${page.nextCursor}">${t('이전 내역 더 보기', 'Older deliveries')}</a></p>` : ''}
</section>`;
}

export const webhooksPage: UserPage = {
  path: PATH,
  title: (t) => t('웹훅', 'Webhooks'),
  render: async ({ call, t, extra, form, query }, ctx) => {
    const partnerId = partnerOf(call);
    const endpoints = await listEndpoints(ctx, partnerId);
    const secret = extra['webhookSecret'] as { secret: string; endpointId: string; rotated: boolean } | undefined;
    const shown = secret
      ? html`<section class="key" aria-labelledby="secret-title" role="dialog" aria-modal="false">
<h2 id="secret-title">${secret.rotated ? t('서명 비밀키 교체', 'Secret rotated') : t('웹훅 엔드포인트 등록', 'Endpoint registered')}</h2>
<p>${t('엔드포인트', 'Endpoint')} <code>${secret.endpointId}</code>${secret.rotated ? t(': 이전 비밀키는 24시간 동안 함께 서명합니다.', ': the previous secret keeps signing for 24 hours.') : ''}</p>
<p><strong>${t('서명 비밀키', 'Signing secret')}</strong><br><span class="accesskey" id="webhook-secret">${secret.secret}</span></p>
<p class="alert">${t('비밀키는 지금 한 번만 표시됩니다. 수신 서버에 저장해 Hanbill-Signature를 검증하세요.', 'The secret is shown only now: store it on your receiver to verify Hanbill-Signature.')}</p>
<p class="row"><button type="button" class="secondary" data-copy="webhook-secret" data-copied="${t('복사됨', 'Copied')}">${t('복사', 'Copy')}</button> <a class="button" href="${PATH}">${t('확인', 'OK')}</a></p></section>`
      : '';
    const full = endpoints.length >= MAX_ENDPOINTS_PER_PARTNER;
    const createForm = html`<h2 id="new-endpoint">${t('엔드포인트 등록', 'Register an endpoint')}</h2>
<form method="post" class="stack" aria-labelledby="new-endpoint">${csrfField(call.csrfToken)}
<label for="new-url" class="req">URL (https)</label><input id="new-url" name="url" type="text" inputmode="url" value="${str(form, 'url')}" placeholder="https://example.com/hanbill/webhooks" required autocomplete="off">
<label for="new-description">${t('설명', 'Description')}</label><input id="new-description" name="description" type="text" value="${str(form, 'description')}" maxlength="200" autocomplete="off">
${eventChoices(t, 'new-ev', eventsOf(form))}
<p><button type="submit"${full ? raw(' disabled') : ''}>${t('등록', 'Register')}</button> ${full ? html`<span class="muted">${t(`엔드포인트는 최대 ${MAX_ENDPOINTS_PER_PARTNER}개입니다.`, `At most ${MAX_ENDPOINTS_PER_PARTNER} endpoints.`)}</span>` : ''}</p></form>`;
    const list = endpoints.map((e) => html`<section class="key" aria-labelledby="ep-${e.id}-title" data-endpoint-id="${e.id}">
<h3 id="ep-${e.id}-title"><code>${e.url}</code> ${stateBadge(t, e)}</h3>
<table><tbody>
<tr><th scope="row">ID</th><td><code>${e.id}</code></td></tr>
<tr><th scope="row">${t('설명', 'Description')}</th><td>${e.description || '-'}</td></tr>
<tr><th scope="row">${t('이벤트', 'Events')}</th><td>${e.events.map((n) => html`<code>${n}</code> `)}</td></tr>
<tr><th scope="row">${t('등록 일시', 'Registered')}</th><td>${when(e.createdAt)}</td></tr>
${e.failingSince ? html`<tr><th scope="row">${t('실패 시작', 'Failing since')}</th><td class="alert">${when(e.failingSince)} ${t('(3일 동안 계속 실패하면 사용 중지됩니다)', '(disabled after 3 days of failures)')}</td></tr>` : ''}
${e.disabledAt ? html`<tr><th scope="row">${t('사용 중지', 'Disabled')}</th><td>${when(e.disabledAt)}</td></tr>` : ''}
${e.previousSecretExpiresAt ? html`<tr><th scope="row">${t('이전 비밀키 만료', 'Previous secret until')}</th><td>${when(e.previousSecretExpiresAt)}</td></tr>` : ''}
</tbody></table>
<p><a href="${PATH}?endpoint=${e.id}#deliveries-title">${t('전송 내역 보기', 'Show deliveries')}</a></p>
<details><summary>${t('수정', 'Edit')}</summary>
<form method="post" action="${PATH}/${e.id}" class="stack">${csrfField(call.csrfToken)}
<label for="url-${e.id}" class="req">URL</label><input id="url-${e.id}" name="url" type="text" inputmode="url" value="${e.url}" required autocomplete="off">
<label for="description-${e.id}">${t('설명', 'Description')}</label><input id="description-${e.id}" name="description" type="text" value="${e.description}" maxlength="200" autocomplete="off">
${eventChoices(t, `ev-${e.id}`, e.events)}
<p><button type="submit">${t('저장', 'Save')}</button></p></form></details>
<div class="row">
<form method="post" action="${PATH}/${e.id}/toggle" class="inline">${csrfField(call.csrfToken)}<input type="hidden" name="enabled" value="${e.enabled ? 'false' : 'true'}">
<button type="submit" class="secondary" aria-pressed="${e.enabled ? 'true' : 'false'}">${e.enabled ? t('사용 중지', 'Disable') : t('다시 사용', 'Enable')}</button></form>
<form method="post" action="${PATH}/${e.id}/rotate" class="inline" data-confirm="${t('새 비밀키를 발급할까요? 이전 비밀키는 24시간 동안 함께 서명합니다.', 'Issue a new secret? The previous one keeps signing for 24 hours.')}">${csrfField(call.csrfToken)}<button type="submit" class="secondary">${t('비밀키 교체', 'Rotate secret')}</button></form>
<form method="post" action="${PATH}/${e.id}/delete" class="inline" data-confirm="${t('이 엔드포인트와 전송 내역을 삭제할까요?', 'Delete this endpoint and its deliveries?')}">${csrfField(call.csrfToken)}<button type="submit" class="danger">${t('삭제', 'Delete')}</button></form>
</div></section>`);
    const selected = typeof query['endpoint'] === 'string' ? endpoints.find((e) => e.id === query['endpoint']) : undefined;
    const deliveries = selected ? await deliveriesSection(t, ctx, partnerId, selected, call.csrfToken, typeof query['cursor'] === 'string' ? (query['cursor'] as string) : undefined) : '';
    return html`<h1>${t('웹훅', 'Webhooks')}</h1>${shown}
<div class="notice"><ul>
<li>${t('이벤트가 생기면 등록한 URL로 서명된 POST를 보냅니다 (Hanbill-Signature: HMAC-SHA256).', 'Each event is POSTed, signed (Hanbill-Signature: HMAC-SHA256), to the registered URL.')}</li>
<li>${t('2xx가 아니거나 10초 안에 응답하지 않으면 3일 동안 재시도하며, 3일 동안 계속 실패하면 사용 중지되고 메일로 알려드립니다.', 'A non-2xx answer or no answer in 10 s is retried for 3 days; after 3 days of failures the endpoint is disabled and you are mailed.')}</li>
<li>${t('https URL만 등록할 수 있으며 사설·내부 주소로는 보내지 않습니다. 리다이렉트는 따라가지 않습니다.', 'Only https URLs; internal addresses are refused; redirects are not followed.')}</li>
</ul></div>
${createForm}<h2>${t(`등록된 엔드포인트 (${endpoints.length}/${MAX_ENDPOINTS_PER_PARTNER})`, `Endpoints (${endpoints.length}/${MAX_ENDPOINTS_PER_PARTNER})`)}</h2>${list.length ? list : html`<p class="muted">${t('등록된 엔드포인트가 없습니다.', 'No endpoints yet.')}</p>`}
${deliveries}`;
  },
  actions: [
    {
      path: PATH,
      run: async (ctx, call, form) => {
        const created = await registerEndpoint(ctx, partnerOf(call), { url: str(form, 'url'), events: eventsOf(form), description: str(form, 'description') });
        await setSessionFlash(ctx, call.token, { webhookSecret: { secret: created.secret, endpointId: created.id, rotated: false } });
        return `${PATH}#secret-title`;
      },
    },
    {
      path: `${PATH}/:endpointId`,
      run: async (ctx, call, form, req) => {
        await updateEndpoint(ctx, partnerOf(call), param(req, 'endpointId'), { url: str(form, 'url'), events: eventsOf(form), description: str(form, 'description') });
        return `${PATH}?done=webhook_saved`;
      },
    },
    {
      path: `${PATH}/:endpointId/toggle`,
      run: async (ctx, call, form, req) => {
        const enabled = form['enabled'] === 'true';
        await updateEndpoint(ctx, partnerOf(call), param(req, 'endpointId'), { enabled });
        return `${PATH}?done=${enabled ? 'webhook_on' : 'webhook_off'}`;
      },
    },
    {
      path: `${PATH}/:endpointId/rotate`,
      run: async (ctx, call, _form, req) => {
        const endpointId = param(req, 'endpointId');
        const rotated = await rotateEndpointSecret(ctx, partnerOf(call), endpointId);
        await setSessionFlash(ctx, call.token, { webhookSecret: { secret: rotated.secret, endpointId, rotated: true } });
        return `${PATH}#secret-title`;
      },
    },
    {
      path: `${PATH}/:endpointId/delete`,
      run: async (ctx, call, _form, req) => {
        await deleteEndpoint(ctx, partnerOf(call), param(req, 'endpointId'));
        return `${PATH}?done=webhook_deleted`;
      },
    },
    {
      path: `${PATH}/:endpointId/deliveries/:deliveryId/redeliver`,
      run: async (ctx, call, _form, req) => {
        const endpointId = param(req, 'endpointId');
        await redeliver(ctx, partnerOf(call), endpointId, param(req, 'deliveryId'));
        return `${PATH}?endpoint=${encodeURIComponent(endpointId)}&done=redelivered#deliveries-title`;
      },
    },
  ],
};
