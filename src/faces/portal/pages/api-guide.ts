/** 연동 API 사용 가이드: how a partner sends its Access Key (partners only). */
import { html, raw } from '../../html.ts';
import { partnerOf } from '../portal-http.ts';
import type { UserPage } from '../page-kit.ts';

export const apiGuidePage: UserPage = {
  path: '/portal/api/guide',
  title: (t) => t('연동 API 사용 가이드', 'API guide'),
  render: async ({ call, t }) => {
    partnerOf(call);
    return html`<h1>${t('연동 API 사용 가이드', 'API guide')}</h1>
<p>${t('발급받은 Access Key를 모든 요청의 HTTP 헤더에 넣어 보내세요. 등록한 IP에서 보낸 요청만 처리됩니다.', 'Send the Access Key in an HTTP header with every request. Only requests from the registered IPs are accepted.')}</p>
<pre><code>Authorization: Bearer hbk_…</code></pre>
<h2>${t('예: 회원 등록 (레거시 API)', 'Example: register a member (legacy API)')}</h2>
<pre><code>curl -H "Authorization: Bearer $ACCESS_KEY" -d cmd=INSERT -d bizno=… -d com_name=… -d ceo_name=… \\
   -d id=… -d pwd=… -d user_name=… -d email=… ${raw('&lt;server&gt;')}/_member.aspx</code></pre>
<h2>${t('예: 키 확인 (REST)', 'Example: check a key (REST)')}</h2>
<pre><code>curl -H "Authorization: Bearer $ACCESS_KEY" ${raw('&lt;server&gt;')}/v1/partner/me</code></pre>
<p>${t('거부된 요청은 사유를 알려 줍니다: 등록되지 않은 Key, 사용 중지(OFF), 삭제 또는 재발급된 Key, 등록되지 않은 IP, 서비스 정지. REST는 401/403, 레거시 API는 결과 코드 2005/2006입니다.', 'Refusals say why: unknown, OFF, deleted or reissued key, IP not registered, service suspended — REST 401/403, legacy result codes 2005/2006.')}</p>
<p><a href="/docs">${t('REST API 레퍼런스', 'REST API reference')}</a></p>`;
  },
};
