/**
 * The write form's small script (served as /member/assets/write.js; the CSP allows only same-origin scripts):
 * live totals, 10 % VAT help (a line's 세액 follows its 공급가액 until typed by hand; 수량 × 단가 fills 공급가액),
 * adding lines up to 99, filling 공급받는자 from the counterparty book (filtered as you type), and one submit per click.
 * The server decides everything again: without the script the form still works (4 lines, totals on submit).
 */
export const WRITE_JS = `'use strict';
(function () {
  var form = document.getElementById('write-form');
  if (!form) return;
  var MAX = 99;
  function num(v) { var t = String(v || '').replace(/[,\\s]/g, ''); return /^-?\\d+(\\.\\d+)?$/.test(t) ? Number(t) : 0; }
  function fmt(n) { return n.toLocaleString('ko-KR'); }
  function zeroTax() {
    var k = form.querySelector('[name="kind"]'), t = form.querySelector('[name="taxType"]');
    return (k && k.value === 'invoice') || (t && t.value === 'zero_rated');
  }
  function el(i, f) { return form.querySelector('[name="lines[' + i + '].' + f + '"]'); }
  function lineCount() { return form.querySelectorAll('tr.line').length; }
  function totals() {
    var s = 0, x = 0;
    for (var i = 0; i < lineCount(); i++) { s += num(el(i, 'supply').value); x += num(el(i, 'tax').value); }
    document.getElementById('tot-supply').textContent = fmt(s);
    document.getElementById('tot-tax').textContent = fmt(x);
    document.getElementById('tot-total').textContent = fmt(s + x);
  }
  function autoTax(i) {
    var tax = el(i, 'tax'), sup = el(i, 'supply');
    if (tax.dataset.manual === '1') return;
    tax.value = sup.value === '' ? '' : String(zeroTax() ? 0 : Math.trunc(num(sup.value) / 10));
  }
  function autoSupply(i) {
    var q = el(i, 'quantity').value, p = el(i, 'unitPrice').value, sup = el(i, 'supply');
    if (q === '' || p === '' || sup.dataset.manual === '1') return;
    sup.value = String(Math.trunc(num(q) * num(p)));
    autoTax(i);
  }
  form.addEventListener('input', function (e) {
    var m = /^lines\\[(\\d+)\\]\\.(\\w+)$/.exec(e.target.name || '');
    if (m) {
      var i = Number(m[1]);
      if (m[2] === 'tax' || m[2] === 'supply') e.target.dataset.manual = e.target.value === '' ? '' : '1';
      if (m[2] === 'supply') autoTax(i);
      if (m[2] === 'quantity' || m[2] === 'unitPrice') autoSupply(i);
    }
    totals();
  });
  form.addEventListener('change', function (e) {
    if (e.target.name === 'kind' || e.target.name === 'taxType') { for (var i = 0; i < lineCount(); i++) autoTax(i); totals(); }
  });
  var add = document.getElementById('add-line');
  if (add) add.addEventListener('click', function (e) {
    e.preventDefault();
    var rows = form.querySelectorAll('tr.line');
    if (rows.length >= MAX) return;
    var last = rows[rows.length - 1], n = rows.length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll('input').forEach(function (inp) {
      inp.name = inp.name.replace(/^lines\\[\\d+\\]/, 'lines[' + n + ']');
      inp.id = inp.name; inp.value = ''; inp.dataset.manual = ''; inp.removeAttribute('aria-invalid');
    });
    copy.querySelectorAll('.field-error').forEach(function (p) { p.remove(); });
    var no = copy.querySelector('.line-no'); if (no) no.textContent = String(n + 1);
    last.parentNode.appendChild(copy);
    if (n + 1 >= MAX) add.disabled = true;
  });
  var pick = document.getElementById('cp-pick');
  if (pick) pick.addEventListener('change', function () {
    var opt = pick.options[pick.selectedIndex];
    if (!opt || !opt.dataset.buyer) return;
    var b = JSON.parse(opt.dataset.buyer), c = (b.contacts && b.contacts[0]) || {};
    var map = { 'buyer.id': b.id, 'buyer.subBizno': b.subBizno, 'buyer.name': b.name, 'buyer.ceoName': b.ceoName, 'buyer.address': b.address,
      'buyer.businessType': b.businessType, 'buyer.businessItem': b.businessItem, 'buyer.contacts[0].name': c.name, 'buyer.contacts[0].email': c.email };
    Object.keys(map).forEach(function (k) { var i = form.querySelector('[name="' + k + '"]'); if (i) i.value = map[k] || ''; });
  });
  var filter = document.getElementById('cp-filter');
  if (filter && pick) filter.addEventListener('input', function () {
    var q = filter.value.trim().toLowerCase().replace(/-/g, '');
    for (var i = 1; i < pick.options.length; i++) {
      var o = pick.options[i];
      o.hidden = q !== '' && o.textContent.toLowerCase().replace(/-/g, '').indexOf(q) < 0;
    }
  });
  var sent = false;
  form.addEventListener('submit', function (e) {
    if (sent) { e.preventDefault(); return; }
    sent = true;
    setTimeout(function () { sent = false; }, 5000);
  });
  totals();
})();
`;
