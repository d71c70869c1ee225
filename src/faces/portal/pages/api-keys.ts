/**
 * 연동 API Key 발급 (partners only): issue (the Access Key shown once, after a redirect), ON / OFF, IP lists,
 * reissue and delete. Issue and reissue redirect (Post/Redirect/Get): a refresh must not issue again and kill the key
 * just copied; the new Access Key travels to the next page in the session (sealed), never in the URL.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import { html, raw, type Raw, type T } from '../../html.ts';
import { csrfField, kst } from '../layout.ts';
import { str, type UserPage } from '../page-kit.ts';
import { fieldsOf, partnerOf } from '../portal-http.ts';
import { setSessionFlash } from '../../../modules/accounts/session-flash.ts';
import { listApiKeys } from '../../../modules/access/list-api-keys.ts';
import { issueApiKey, MAX_KEYS_PER_PARTNER } from '../../../modules/access/issue-api-key.ts';
import { MAX_IPS_PER_KEY } from '../../../modules/access/ip-list.ts';
import { setApiKeyIps } from '../../../modules/access/set-api-key-ips.ts';
import { addApiKeyIp } from '../../../modules/access/add-api-key-ip.ts';
import { removeApiKeyIp } from '../../../modules/access/remove-api-key-ip.ts';
import { switchApiKey } from '../../../modules/access/switch-api-key.ts';
import { reissueApiKey } from '../../../modules/access/reissue-api-key.ts';
import { deleteApiKey } from '../../../modules/access/delete-api-key.ts';

const daysAgo = (t: T, d: Date | null, now: Date) => {
  if (!d) return t('사용 기록 없음', 'never used');
  const days = Math.floor((now.getTime() - d.getTime()) / 86_400_000);
  return t(`${days}일 전`, days === 1 ? '1 day ago' : `${days} days ago`);
};

export function keyNotice(t: T): Raw {
  return html`<div class="notice"><ul>
<li>${t('Access Key는 처음 발급 시, 1회만 노출되며 분실 시 API Key를 다시 발급 받아야 합니다. 유의해주세요.', 'The Access Key is shown once, when issued; if lost, reissue the key.')}</li>
<li>${t('API Key 유출 시, 책임은 API Key를 발급받은 사용자에게 있습니다.', 'The holder of a key is responsible when it leaks.')}</li>
<li>${t(`IP는 최대 ${MAX_IPS_PER_KEY}개까지 등록 가능합니다.`, `Up to ${MAX_IPS_PER_KEY} IP addresses per key.`)}</li>
</ul></div>`;
}

const keyIdOf = (req: FastifyRequest) => {
  const id = Number(fieldsOf(req.params)['id']);
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError('api_key_not_found', 'API Key가 없습니다 (no such key)', { field: 'keyId' });
  return id;
};

export const apiKeysPage: UserPage = {
  path: '/portal/api/keys',
  title: (t) => t('연동 API Key 발급', 'API keys'),
  render: async ({ call, t, extra, form }, ctx) => {
    const partnerId = partnerOf(call);
    const keys = await listApiKeys(ctx, partnerId);
    const now = ctx.clock.now();
    const issued = extra['issued'] as { accessKey: string; reissued: boolean } | undefined;
    const shown = issued
      ? html`<section class="key" aria-labelledby="issued-title" role="dialog" aria-modal="false">
<h2 id="issued-title">${issued.reissued ? t('API Key 재발급', 'API key reissued') : t('API Key 발급', 'API key issued')}</h2>
<p>${issued.reissued ? t('API Key가 재발급되었습니다. 기존 Access Key는 더 이상 사용할 수 없습니다.', 'The key was reissued; the old Access Key no longer works.') : t('새로운 API Key가 발급되었습니다.', 'A new API key was issued.')}</p>
<p><strong>Access Key</strong><br><span class="accesskey" id="access-key">${issued.accessKey}</span></p>
<p class="alert">${t('Access Key는 지금 한 번만 표시됩니다. 다른 곳에 복사하여 보관해주세요.', 'The Access Key is shown only now: copy it somewhere safe.')}</p>
<p class="row"><button type="button" class="secondary" data-copy="access-key" data-copied="${t('복사됨', 'Copied')}">${t('복사', 'Copy')}</button> <a class="button" href="/portal/api/keys">${t('확인', 'OK')}</a></p></section>`
      : '';
    const full = keys.length >= MAX_KEYS_PER_PARTNER;
    const suspended = call.user.partner?.state === 'suspended'
      ? html`<p class="alert" role="alert">${t('연동 API 사용이 정지되었습니다', 'API use is suspended')}: ${call.user.partner.suspendedReason}</p>` : '';
    const newIps = Array.isArray(form['ips']) ? (form['ips'] as string[]) : [str(form, 'ips')];
    const issueForm = html`<h2 id="new-key">${t('신규 API Key 발급', 'Issue a new API key')}</h2>
<p>${t('API를 연동할 서버가 속한 IP를 입력해주세요.', 'Enter the IP addresses of the servers that will call the API.')}</p>
<form method="post" class="stack" aria-labelledby="new-key">${csrfField(call.csrfToken)}
${Array.from({ length: MAX_IPS_PER_KEY }, (_, i) => html`<label for="new-ip-${i}"${i === 0 ? raw(' class="req"') : ''}>IP ${i + 1}</label><input id="new-ip-${i}" name="ips" type="text" value="${newIps[i] ?? ''}" placeholder="${i === 0 ? '203.0.113.10' : ''}" autocomplete="off"${i === 0 ? raw(' required') : ''}>`)}
<p><button type="submit"${full ? raw(' disabled') : ''}>${t('API Key 발급', 'Issue API key')}</button> ${full ? html`<span class="muted">${t(`API Key는 최대 ${MAX_KEYS_PER_PARTNER}개까지 발급 가능합니다.`, `At most ${MAX_KEYS_PER_PARTNER} keys.`)}</span>` : ''}</p></form>`;
    const list = keys.map((k, n) => html`<section class="key" aria-labelledby="key-${k.id}-title" data-key-id="${k.id}">
<h3 id="key-${k.id}-title">${t('API Key 발급 내역 상세', 'API key details')} #${n + 1} <code>${k.prefix}…</code> <span class="badge ${k.enabled ? 'on' : 'off'}">${k.enabled ? 'ON' : 'OFF'}</span></h3>
<table><tbody>
<tr><th scope="row">${t('발급 일시', 'Issued')}</th><td>${kst(k.issuedAt)}</td></tr>
<tr><th scope="row">${t('마지막 사용일', 'Last used')}</th><td>${daysAgo(t, k.lastUsedAt, now)}${k.lastUsedAt ? html` <span class="muted">(${kst(k.lastUsedAt)})</span>` : ''}</td></tr>
</tbody></table>
<h4>${t('IP 입력', 'IP addresses')}</h4>
${k.ips.length === 0 ? html`<p class="alert">${t('등록된 IP가 없어 이 Key로는 호출할 수 없습니다.', 'No IP registered: every call with this key is refused.')}</p>` : ''}
<ul>${k.ips.map((ip) => html`<li class="row"><code>${ip}</code>
<form method="post" action="/portal/api/keys/${k.id}/ips/delete" class="inline">${csrfField(call.csrfToken)}<input type="hidden" name="ip" value="${ip}"><button type="submit" class="secondary" aria-label="${t(`${ip} 삭제`, `Delete ${ip}`)}">${t('삭제', 'Delete')}</button></form></li>`)}</ul>
${k.ips.length < MAX_IPS_PER_KEY ? html`<form method="post" action="/portal/api/keys/${k.id}/ips/add" class="row">${csrfField(call.csrfToken)}
<label for="add-ip-${k.id}">${t('IP 추가', 'Add IP')}</label><input id="add-ip-${k.id}" name="ip" type="text" autocomplete="off" required style="max-width:16em"><button type="submit">${t('추가', 'Add')}</button></form>` : ''}
<details><summary>${t('IP 목록 수정', 'Edit IP list')}</summary>
<form method="post" action="/portal/api/keys/${k.id}/ips" class="stack">${csrfField(call.csrfToken)}
${Array.from({ length: MAX_IPS_PER_KEY }, (_, i) => html`<label for="edit-ip-${k.id}-${i}">IP ${i + 1}</label><input id="edit-ip-${k.id}-${i}" name="ips" type="text" value="${k.ips[i] ?? ''}" autocomplete="off">`)}
<p><button type="submit">${t('저장', 'Save')}</button></p></form></details>
<div class="row">
<form method="post" action="/portal/api/keys/${k.id}/toggle" class="inline">${csrfField(call.csrfToken)}<input type="hidden" name="enabled" value="${k.enabled ? 'false' : 'true'}">
<button type="submit" class="secondary" aria-pressed="${k.enabled ? 'true' : 'false'}">${k.enabled ? t('OFF (사용 중지)', 'Switch OFF') : t('ON (사용)', 'Switch ON')}</button></form>
<form method="post" action="/portal/api/keys/${k.id}/reissue" class="inline" data-confirm="${t('재발급하면 기존 Access Key는 즉시 사용할 수 없습니다. 재발급할까요?', 'The old Access Key stops working at once. Reissue?')}">${csrfField(call.csrfToken)}<button type="submit" class="secondary">${t('API Key 재발급', 'Reissue API key')}</button></form>
<form method="post" action="/portal/api/keys/${k.id}/delete" class="inline" data-confirm="${t('이 API Key를 삭제할까요? 이후 요청은 거부됩니다.', 'Delete this key? Later calls will be refused.')}">${csrfField(call.csrfToken)}<button type="submit" class="danger">${t('삭제', 'Delete')}</button></form>
</div></section>`);
    return html`<h1>${t('연동 API Key 발급', 'API keys')}</h1>${suspended}${shown}${keyNotice(t)}
<p><a href="/portal/api/guide">${t('연동 API 사용 가이드 확인하기', 'Read the API guide')}</a></p>
${issueForm}<h2>${t(`발급된 API Key (${keys.length}/${MAX_KEYS_PER_PARTNER})`, `Issued keys (${keys.length}/${MAX_KEYS_PER_PARTNER})`)}</h2>${list.length ? list : html`<p class="muted">${t('발급된 API Key가 없습니다.', 'No keys yet.')}</p>`}`;
  },
  actions: [
    {
      path: '/portal/api/keys',
      run: async (ctx, call, form) => {
        const { accessKey } = await issueApiKey(ctx, call.actor, { partnerId: partnerOf(call), input: form });
        await setSessionFlash(ctx, call.token, { issued: { accessKey, reissued: false } });
        return '/portal/api/keys#issued-title';
      },
    },
    {
      path: '/portal/api/keys/:id/ips',
      run: async (ctx, call, form, req) => {
        await setApiKeyIps(ctx, call.actor, { partnerId: partnerOf(call), keyId: keyIdOf(req), input: { ips: Array.isArray(form['ips']) ? form['ips'] : [form['ips']] } });
        return '/portal/api/keys?done=ips';
      },
    },
    {
      path: '/portal/api/keys/:id/ips/add',
      run: async (ctx, call, form, req) => {
        await addApiKeyIp(ctx, call.actor, { partnerId: partnerOf(call), keyId: keyIdOf(req), input: form });
        return '/portal/api/keys?done=ips';
      },
    },
    {
      path: '/portal/api/keys/:id/ips/delete',
      run: async (ctx, call, form, req) => {
        await removeApiKeyIp(ctx, call.actor, { partnerId: partnerOf(call), keyId: keyIdOf(req), address: str(form, 'ip') });
        return '/portal/api/keys?done=ips';
      },
    },
    {
      path: '/portal/api/keys/:id/toggle',
      run: async (ctx, call, form, req) => {
        const enabled = form['enabled'] === 'true';
        await switchApiKey(ctx, call.actor, { partnerId: partnerOf(call), keyId: keyIdOf(req), enabled });
        return `/portal/api/keys?done=${enabled ? 'key_on' : 'key_off'}`;
      },
    },
    {
      path: '/portal/api/keys/:id/reissue',
      run: async (ctx, call, _form, req) => {
        const { accessKey } = await reissueApiKey(ctx, call.actor, { partnerId: partnerOf(call), keyId: keyIdOf(req) });
        await setSessionFlash(ctx, call.token, { issued: { accessKey, reissued: true } });
        return '/portal/api/keys#issued-title';
      },
    },
    {
      path: '/portal/api/keys/:id/delete',
      run: async (ctx, call, _form, req) => {
        await deleteApiKey(ctx, call.actor, { partnerId: partnerOf(call), keyId: keyIdOf(req) });
        return '/portal/api/keys?done=key_deleted';
      },
    },
  ],
};
