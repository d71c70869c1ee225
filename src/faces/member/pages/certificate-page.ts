/**
 * 인증서 (/member/certificate): the member's signing certificate — subject, issuer, the VID check (the
 * certificate's VID against the member's business number), the expiry with a warning 30 days before — and the
 * upload of signCert.der + signPri.key, or a .pfx, with the password, through the same `uploadCertificate` use case
 * as REST (a mismatching VID, a wrong password or an expired certificate is refused naming the field).
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { getCertificate, uploadCertificate, type CertificateUpload, type UploadedCertificate } from '../../../modules/certificates/upload-certificate.ts';
import { html, raw } from '../../html.ts';
import { csrfField, fieldError, str, type MemberPage } from '../member-kit.ts';
import { uploadRoute, type MultipartForm } from '../bulk-multipart.ts';

function uploadOf(form: MultipartForm): CertificateUpload {
  const password = str(form.fields, 'password');
  const { signCert, signPri, pfx } = form.files;
  if (pfx && (signCert || signPri)) throw new AppError('field_invalid', 'pfx 또는 signCert+signPri 중 하나만 올리세요 (upload either the .pfx or signCert + signPri)', { field: 'pfx' });
  if (pfx) return { pfx: pfx.data, password };
  if (!signCert) throw new AppError('field_required', '인증서(signCert.der) 또는 .pfx 파일을 고르세요 (choose signCert.der, or a .pfx)', { field: 'signCert' });
  if (!signPri) throw new AppError('field_required', '개인키(signPri.key)를 고르세요 (choose signPri.key)', { field: 'signPri' });
  return { signCert: signCert.data, signPri: signPri.data, password };
}

async function current(ctx: Ctx, tenant: Parameters<typeof getCertificate>[1]): Promise<UploadedCertificate | undefined> {
  try {
    return await getCertificate(ctx, tenant);
  } catch (err) {
    if (err instanceof AppError && err.code === 'certificate_missing') return undefined;
    throw err;
  }
}

export const certificatePage: MemberPage = {
  path: '/member/certificate',
  title: (t) => t('인증서', 'Certificate'),
  menu: { order: 50, label: (t) => t('인증서', 'Certificate') },
  done: {
    certificate: (t) => t('인증서를 등록했습니다. 이제 이 인증서로 국세청에 전송합니다.', 'Certificate registered: filings are signed with it from now on.'),
  },
  async render(ctx, v) {
    const { t, call } = v;
    const cur = await current(ctx, call.tenant);
    const c = cur?.certificate;
    const status = c
      ? c.expiryStatus === 'valid'
        ? html`<span class="badge" id="cert-status">${t(`유효 (${c.daysLeft}일 남음)`, `valid (${c.daysLeft} days left)`)}</span>`
        : c.expiryStatus === 'expiring'
          ? html`<span class="badge warn" id="cert-status">${t(`만료 임박 (${c.daysLeft}일 남음)`, `expiring (${c.daysLeft} days left)`)}</span>`
          : c.expiryStatus === 'expired'
            ? html`<span class="badge bad" id="cert-status">${t('만료됨', 'expired')}</span>`
            : html`<span class="badge" id="cert-status">${t('유효기간 전', 'not yet valid')}</span>`
      : raw('');
    return html`<h1>${t('인증서', 'Certificate')}</h1>
<p class="muted">${t('국세청 전송에 서명할 공동인증서(사업자용)를 등록합니다. 새로 등록하면 이전 인증서는 더 쓰지 않습니다.', 'The business certificate that signs NTS filings. A new one replaces the previous one.')}</p>
${cur && cur.warnings.length ? html`${cur.warnings.map((w) => html`<p class="alert" role="alert" id="cert-warning">${t(w.replace(/\s*\([^가-힣]*\)\s*$/, ''), w.match(/\(([^가-힣]*)\)\s*$/)?.[1] ?? w)}</p>`)}` : ''}
${c
  ? html`<h2>${t('등록된 인증서', 'Registered certificate')}</h2>
<table id="certificate"><tbody>
<tr><th>${t('주체', 'Subject')}</th><td id="cert-subject">${c.subject}</td></tr>
<tr><th>${t('발급자', 'Issuer')}</th><td>${c.issuer}</td></tr>
<tr><th>${t('본인확인(VID)', 'VID check')}</th><td id="cert-vid">${c.vid.verified ? t(`사업자등록번호 ${c.vid.bizno}와 일치`, `matches business number ${c.vid.bizno}`) : t('확인 안 됨', 'not verified')}</td></tr>
<tr><th>${t('유효기간', 'Validity')}</th><td>${kstDateTime(new Date(c.notBefore))} ~ <span id="cert-not-after">${kstDateTime(new Date(c.notAfter))}</span> ${status}</td></tr>
<tr><th>${t('키', 'Key')}</th><td>RSA ${c.keyBits} · ${c.source === 'pkcs12' ? 'PKCS#12 (.pfx)' : 'NPKI (signCert.der + signPri.key)'}</td></tr>
<tr><th>${t('등록일시', 'Uploaded')}</th><td>${kstDateTime(new Date(c.uploadedAt))}</td></tr>
</tbody></table>`
  : html`<p class="alert" id="cert-none">${t('등록된 인증서가 없습니다. 국세청 전송 전에 등록하세요.', 'No certificate yet: register one before filing with the NTS.')}</p>`}
<h2>${c ? t('인증서 교체', 'Replace the certificate') : t('인증서 등록', 'Register a certificate')}</h2>
<form class="stack" id="npki-form" method="post" action="/member/certificate" enctype="multipart/form-data">${csrfField(call.csrfToken)}
<fieldset><legend>${t('NPKI 파일 (NPKI/…/USER/…)', 'NPKI files (NPKI/…/USER/…)')}</legend>
<div class="field"><label for="signCert">signCert.der</label><input id="signCert" name="signCert" type="file" accept=".der">${fieldError(v, 'signCert')}</div>
<div class="field"><label for="signPri">signPri.key</label><input id="signPri" name="signPri" type="file" accept=".key">${fieldError(v, 'signPri')}</div>
<div class="field"><label for="password" class="req">${t('인증서 비밀번호', 'Certificate password')}</label><input id="password" name="password" type="password" autocomplete="off" required>${fieldError(v, 'password')}</div>
<p><button type="submit">${t('등록', 'Upload')}</button></p>
</fieldset></form>
<form class="stack" id="pfx-form" method="post" action="/member/certificate" enctype="multipart/form-data">${csrfField(call.csrfToken)}
<fieldset><legend>${t('또는 .pfx / .p12 파일', 'or a .pfx / .p12 file')}</legend>
<div class="field"><label for="pfx">.pfx / .p12</label><input id="pfx" name="pfx" type="file" accept=".pfx,.p12">${fieldError(v, 'pfx')}</div>
<div class="field"><label for="pfx-password" class="req">${t('인증서 비밀번호', 'Certificate password')}</label><input id="pfx-password" name="password" type="password" autocomplete="off" required></div>
<p><button type="submit">${t('등록', 'Upload')}</button></p>
</fieldset></form>`;
  },
  routes(app: FastifyInstance, ctx: Ctx) {
    uploadRoute(app, ctx, '/member/certificate', certificatePage, async (call, form) => {
      await uploadCertificate(ctx, call.tenant, uploadOf(form));
      return '/member/certificate?done=certificate';
    });
  },
};
