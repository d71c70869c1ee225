/** 거래처 (/member/counterparties): the counterparty book — search by name or number, add (validated as a document's buyer), delete. */
import { deleteCounterparty, listCounterparties, saveCounterparty } from '../../../modules/documents/counterparties.ts';
import { invalidError } from '../../../platform/errors.ts';
import { html } from '../../html.ts';
import { csrfField, field, str, type MemberPage } from '../member-kit.ts';
import { documentInputOfForm } from '../write-form.ts';

export const counterpartiesPage: MemberPage = {
  path: '/member/counterparties',
  title: (t) => t('거래처', 'Counterparties'),
  menu: { order: 35, label: (t) => t('거래처', 'Counterparties') },
  done: {
    cp_saved: (t) => t('거래처를 저장했습니다.', 'Counterparty saved.'),
    cp_deleted: (t) => t('거래처를 지웠습니다.', 'Counterparty deleted.'),
  },
  async render(ctx, v) {
    const { t, call } = v;
    const q = typeof v.query['q'] === 'string' ? v.query['q'] : '';
    const book = await listCounterparties(ctx, call.tenant, q);
    return html`<h1>${t('거래처', 'Counterparties')}</h1>
<form class="filters row" method="get" action="/member/counterparties"><label for="q">${t('상호 또는 등록번호', 'Name or number')}</label>
<input id="q" name="q" type="search" value="${q}"><button type="submit" class="secondary">${t('검색', 'Search')}</button></form>
<table id="counterparties"><thead><tr><th>${t('상호', 'Name')}</th><th>${t('등록번호', 'Number')}</th><th>${t('대표자', 'CEO')}</th><th>${t('이메일', 'E-mail')}</th><th></th></tr></thead><tbody>
${book.length === 0 ? html`<tr><td colspan="5" class="muted">${t('저장된 거래처가 없습니다.', 'No counterparties saved.')}</td></tr>` : ''}
${book.map((c) => html`<tr><td>${c.buyer.name}</td><td>${c.buyer.id}${c.buyer.subBizno ? ` / ${c.buyer.subBizno}` : ''}</td><td>${c.buyer.ceoName ?? ''}</td><td>${c.buyer.contacts?.[0]?.email ?? ''}</td>
<td><form method="post" action="/member/counterparties/delete" class="inline" data-confirm="${t('지울까요?', 'Delete?')}">${csrfField(call.csrfToken)}<input type="hidden" name="counterpartyId" value="${c.counterpartyId}"><button type="submit" class="secondary">${t('삭제', 'Delete')}</button></form></td></tr>`)}
</tbody></table>
<h2>${t('거래처 추가', 'Add a counterparty')}</h2>
<form class="stack" method="post" action="/member/counterparties">${csrfField(call.csrfToken)}
${field(v, 'buyer.id', t('등록번호', 'Business number'), { required: true, inputmode: 'numeric' })}
${field(v, 'buyer.subBizno', t('종사업장번호', 'Branch number'))}
${field(v, 'buyer.name', t('상호', 'Name'), { required: true })}
${field(v, 'buyer.ceoName', t('대표자', 'CEO'))}
${field(v, 'buyer.address', t('주소', 'Address'))}
${field(v, 'buyer.businessType', t('업태', 'Business type'))}
${field(v, 'buyer.businessItem', t('종목', 'Business item'))}
${field(v, 'buyer.contacts[0].name', t('담당자', 'Contact'))}
${field(v, 'buyer.contacts[0].email', t('이메일', 'E-mail'), { type: 'email' })}
<p><button type="submit">${t('저장', 'Save')}</button></p></form>`;
  },
  actions: [
    {
      path: '/member/counterparties',
      run: async (ctx, call, form) => {
        await saveCounterparty(ctx, call.tenant, documentInputOfForm(form)['buyer'] ?? {});
        return '/member/counterparties?done=cp_saved';
      },
    },
    {
      path: '/member/counterparties/delete',
      run: async (ctx, call, form) => {
        const id = Number(str(form, 'counterpartyId'));
        if (!Number.isSafeInteger(id) || id <= 0) throw invalidError('counterpartyId', '거래처 번호가 올바르지 않습니다 (bad counterparty id)');
        await deleteCounterparty(ctx, call.tenant, id);
        return '/member/counterparties?done=cp_deleted';
      },
    },
  ],
};
