/** The member web's style sheet (screen and print) and its one small script, served by the server itself. */

export const MEMBER_JS = `'use strict';
document.addEventListener('submit', function (e) {
  var f = e.target;
  if (f && f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) e.preventDefault();
});
document.addEventListener('click', function (e) {
  var b = e.target && e.target.closest ? e.target.closest('[data-print]') : null;
  if (b) { e.preventDefault(); window.print(); }
});
`;

export const MEMBER_CSS = `
*{box-sizing:border-box}
html{font-family:"NanumGothic","Nanum Gothic","Apple SD Gothic Neo","Malgun Gothic",system-ui,sans-serif;font-size:15px;color:#1b1f24;background:#f3f5f8}
body{margin:0;line-height:1.5}
a{color:#1249b5}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f2b705;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em}
.skip:focus{left:.5em}
header.top{display:flex;align-items:center;justify-content:space-between;gap:1em;background:#0b4f3c;color:#fff;padding:.6em 1.2em}
header.top a{color:#fff}
header.top .brand{font-weight:700;font-size:1.1em;text-decoration:none}
header.top form{display:inline}
header.top .who{display:flex;gap:1em;align-items:center;flex-wrap:wrap}
.wrap{display:flex;gap:1.2em;max-width:1400px;margin:1.2em auto;padding:0 1em}
nav.side{flex:0 0 190px}
nav.side ul{list-style:none;margin:0;padding:0;background:#fff;border:1px solid #dde2ea;border-radius:6px}
nav.side li a{display:block;padding:.55em .9em;text-decoration:none;color:#1b1f24;border-bottom:1px solid #eef1f5}
nav.side li:last-child a{border-bottom:0}
nav.side li a[aria-current=page]{background:#e6f4ee;font-weight:700;color:#0b4f3c}
main{flex:1;min-width:0;background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:1.2em 1.5em}
main h1{font-size:1.35em;margin-top:0}
main h2{font-size:1.1em;margin-top:1.4em}
.alert{background:#fdecea;border:1px solid #f5b5ad;color:#8a1c11;padding:.7em 1em;border-radius:4px}
.ok{background:#e7f6ec;border:1px solid #9fd8b1;color:#135c2c;padding:.7em 1em;border-radius:4px}
.field{margin:.6em 0}
.field label{display:block;margin:0 0 .2em;font-weight:600}
label.req::after{content:" *";color:#b42318}
.field-error{color:#b42318;margin:.2em 0 0;font-size:.92em}
.has-error input,.has-error select{border-color:#b42318}
input[type=text],input[type=password],input[type=email],input[type=number],input[type=date],textarea,select{padding:.45em .55em;border:1px solid #b8c2d0;border-radius:4px;font:inherit;max-width:100%}
form.stack input[type=text],form.stack input[type=password]{width:100%;max-width:24em}
button,.button{display:inline-block;padding:.45em 1em;border:1px solid #0b4f3c;background:#0b4f3c;color:#fff;border-radius:4px;font:inherit;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#0b4f3c}
button.danger{background:#b42318;border-color:#b42318}
.row{display:flex;gap:.6em;align-items:flex-end;flex-wrap:wrap;margin:.5em 0}
.row .field{margin:0}
.inline{display:inline}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.92em}
th,td{border-bottom:1px solid #e3e7ee;padding:.4em .45em;text-align:left;vertical-align:top}
th{background:#f3f5f9;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:700;background:#f7f9fb}
.filters{background:#f7f9fb;border:1px solid #e3e7ee;border-radius:6px;padding:.6em .9em}
.pager{display:flex;gap:1em;align-items:center}
.muted{color:#5b6472;font-size:.92em}
.badge{display:inline-block;padding:.05em .5em;border-radius:999px;font-size:.85em;border:1px solid #b8c2d0;white-space:nowrap}
.actions{display:flex;gap:.5em;flex-wrap:wrap;margin:.8em 0}
.actions form{display:inline}
.history li{margin:.2em 0}
.qr svg{width:200px;height:200px}
.login{max-width:28em;margin:3em auto}
footer{max-width:1400px;margin:0 auto 2em;padding:0 1em;color:#5b6472;font-size:.85em}
@media (max-width:760px){.wrap{flex-direction:column}nav.side{flex:none}}
@media print{
  @page{size:A4;margin:10mm}
  html,body{background:#fff}
  header.top,nav.side,footer,.no-print,.actions,.skip,.history-block{display:none !important}
  .wrap{display:block;margin:0;padding:0;max-width:none}
  main{border:0;padding:0}
}
`;
