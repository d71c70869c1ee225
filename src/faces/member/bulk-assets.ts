/**
 * The 대량발행 preview's script (/member/assets/bulk.js): while the upload is issuing, poll its progress JSON
 * every second and move the bar and counters; when done, reload once to show each row's document.
 */
export const BULK_JS = `'use strict';
(function () {
  var box = document.getElementById('bulk-progress');
  if (!box || box.dataset.state !== 'issuing') return;
  var id = box.dataset.upload;
  function set(k, v) { var e = document.getElementById(k); if (e) e.textContent = String(v); }
  function tick() {
    fetch('/member/bulk/' + id + '/progress', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (u) {
        if (!u || !u.rows) return setTimeout(tick, 2000);
        document.getElementById('bulk-progress-bar').value = u.percent;
        set('bulk-percent', u.percent); set('bulk-issued', u.rows.issued); set('bulk-existing', u.rows.existing);
        set('bulk-failed', u.rows.failed); set('bulk-pending', u.rows.pending);
        if (u.state === 'done') { window.location.replace(window.location.pathname); return; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 500);
})();
`;
