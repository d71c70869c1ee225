/** The portal's only script and its style sheet, served by the server itself (no CDN, no build). */

export const PORTAL_JS = `'use strict';
document.addEventListener('submit', function (e) {
  var f = e.target;
  if (f && f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) e.preventDefault();
});
document.addEventListener('click', function (e) {
  var b = e.target && e.target.closest ? e.target.closest('[data-copy]') : null;
  if (!b) return;
  var el = document.getElementById(b.getAttribute('data-copy'));
  if (el && navigator.clipboard) navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = b.getAttribute('data-copied') || 'OK'; });
});
`;

export const PORTAL_CSS = `
*{box-sizing:border-box}
html{font-family:"NanumGothic","Nanum Gothic","Apple SD Gothic Neo","Malgun Gothic",system-ui,sans-serif;font-size:15px;color:#1b1f24;background:#f4f6f9}
body{margin:0;line-height:1.55}
a{color:#1249b5}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f2b705;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em}
.skip:focus{left:.5em}
header.top{display:flex;align-items:center;justify-content:space-between;gap:1em;background:#0d2b5c;color:#fff;padding:.7em 1.4em}
header.top a{color:#fff}
header.top .brand{font-weight:700;font-size:1.15em;text-decoration:none}
header.top form{display:inline}
header.top .who{display:flex;gap:1em;align-items:center}
.wrap{display:flex;gap:1.5em;max-width:1200px;margin:1.5em auto;padding:0 1em}
nav.side{flex:0 0 210px}
nav.side h2{font-size:.95em;margin:1.2em 0 .4em;color:#4a5568}
nav.side ul{list-style:none;margin:0;padding:0;background:#fff;border:1px solid #dde2ea;border-radius:6px}
nav.side li a{display:block;padding:.55em .9em;text-decoration:none;color:#1b1f24;border-bottom:1px solid #eef1f5}
nav.side li:last-child a{border-bottom:0}
nav.side li a[aria-current=page]{background:#e8effc;font-weight:700;color:#0d2b5c}
main{flex:1;min-width:0;background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:1.4em 1.8em}
main h1{font-size:1.4em;margin-top:0}
main h2{font-size:1.12em;margin-top:1.6em}
.notice{background:#f7f9fc;border-left:4px solid #1249b5;padding:.6em 1em;margin:1em 0}
.notice ul{margin:.2em 0;padding-left:1.2em}
.state{font-size:1.1em;font-weight:700;color:#0d2b5c}
.alert{background:#fdecea;border:1px solid #f5b5ad;color:#8a1c11;padding:.7em 1em;border-radius:4px}
.ok{background:#e7f6ec;border:1px solid #9fd8b1;color:#135c2c;padding:.7em 1em;border-radius:4px}
form.stack label{display:block;margin:.8em 0 .2em;font-weight:600}
label.req::after{content:" *";color:#b42318}
input[type=text],input[type=password],input[type=email],input[type=tel],input[type=number],textarea,select{width:100%;max-width:28em;padding:.5em .6em;border:1px solid #b8c2d0;border-radius:4px;font:inherit}
textarea{max-width:40em}
button,.button{display:inline-block;padding:.5em 1.1em;border:1px solid #0d2b5c;background:#0d2b5c;color:#fff;border-radius:4px;font:inherit;cursor:pointer;text-decoration:none}
button.secondary{background:#fff;color:#0d2b5c}
button.danger{background:#b42318;border-color:#b42318}
button:disabled{opacity:.5;cursor:not-allowed}
.row{display:flex;gap:.6em;align-items:center;flex-wrap:wrap;margin:.5em 0}
.inline{display:inline}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.93em}
th,td{border-bottom:1px solid #e3e7ee;padding:.45em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f9}
.key{border:1px solid #dde2ea;border-radius:6px;padding:1em 1.2em;margin:1em 0}
.key h3{margin:.1em 0 .6em;font-size:1.05em}
.accesskey{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.15em;background:#fffbe6;border:2px dashed #f2b705;padding:.6em .8em;display:inline-block;word-break:break-all}
.badge{display:inline-block;padding:.1em .55em;border-radius:999px;font-size:.85em;border:1px solid #b8c2d0}
.badge.on{background:#e7f6ec;border-color:#9fd8b1}
.badge.off{background:#fdecea;border-color:#f5b5ad}
.muted{color:#5b6472;font-size:.92em}
.qr svg{width:200px;height:200px}
code{font-family:ui-monospace,Menlo,Consolas,monospace}
footer{max-width:1200px;margin:0 auto 2em;padding:0 1em;color:#5b6472;font-size:.85em}
@media (max-width:760px){.wrap{flex-direction:column}nav.side{flex:none}}
`;
