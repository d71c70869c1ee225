/**
 * 시스템 상태 (operator console): the job queue's health per queue — due and waiting, scheduled later, running
 * under a lease, how long the oldest due job has waited, jobs that failed for good in the last hour — then the
 * newest failed (dead) and retrying jobs with their error text, and recent NTS, mail and webhook failures.
 * Read at each load (platform/job-queue-health.ts, modules/operations/recent-failures.ts); operators only
 * (the console kit sends anyone else to the login). The same queue figures are at GET /metrics.
 */
import type { Ctx } from '../../../platform/context.ts';
import { queueHealth, recentJobFailures } from '../../../platform/job-queue-health.ts';
import { recentFailures, type FailureRow } from '../../../modules/operations/recent-failures.ts';
import { html, type Raw, type T } from '../../html.ts';
import { kst } from '../layout.ts';
import type { ConsoleScreen, ConsoleView } from './console-kit.ts';

export const CONSOLE_SYSTEM_PATH = '/console/system';

/** 75 → "1분 15초" / "1 min 15 s"; under a second "0초". */
function age(t: T, seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return t(`${h}시간 ${m}분`, `${h} h ${m} min`);
  if (m > 0) return t(`${m}분 ${r}초`, `${m} min ${r} s`);
  return t(`${r}초`, `${r} s`);
}

function failureTable(t: T, name: string, caption: string, subject: string, code: string, rows: FailureRow[]): Raw {
  return html`<h2>${caption}</h2>
${rows.length === 0
    ? html`<p class="muted" data-empty="${name}">${t('최근 실패가 없습니다.', 'No recent failures.')}</p>`
    : html`<table data-failures="${name}"><thead><tr><th scope="col">${t('시각', 'When')}</th><th scope="col">${subject}</th><th scope="col">${code}</th><th scope="col">${t('오류', 'Error')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${kst(r.at)}</td><td><code>${r.subject}</code></td><td>${r.code}</td><td>${r.error}</td></tr>`)}</tbody></table>`}`;
}

async function render(v: ConsoleView, ctx: Ctx): Promise<Raw> {
  const { t } = v;
  const [queues, jobs, others] = await Promise.all([queueHealth(ctx.db), recentJobFailures(ctx.db, 20), recentFailures(ctx, 10)]);
  const names = [...new Set([...queues.map((q) => q.queue), ...jobs.deadLastHourByQueue.keys()])].sort();
  const byName = new Map(queues.map((q) => [q.queue, q]));
  const queueRows = names.map((name) => {
    const q = byName.get(name) ?? { queue: name, due: 0, scheduled: 0, running: 0, oldestDueAgeSeconds: 0 };
    const dead = jobs.deadLastHourByQueue.get(name) ?? 0;
    return html`<tr data-queue="${name}"><td><code>${name}</code></td><td data-col="due">${q.due}</td><td data-col="oldest">${q.due > 0 ? age(t, q.oldestDueAgeSeconds) : '-'}</td><td data-col="running">${q.running}</td><td data-col="scheduled">${q.scheduled}</td><td data-col="dead-hour"${dead > 0 ? html` class="alert"` : ''}>${dead}</td></tr>`;
  });
  return html`<p class="muted">${t('작업 대기열과 최근 실패 (이 페이지를 열 때 데이터베이스에서 읽습니다). 같은 수치가 /metrics에도 있습니다.', 'The job queue and recent failures, read from the database when this page opens. The same figures are at /metrics.')}</p>
<h2>${t('작업 대기열', 'Job queues')}</h2>
${names.length === 0
    ? html`<p class="muted" data-empty="queues">${t('대기 중이거나 실행 중인 작업이 없습니다.', 'No job is waiting or running.')}</p>`
    : html`<table data-queues><thead><tr><th scope="col">${t('대기열', 'Queue')}</th><th scope="col">${t('대기 (실행 시각 지남)', 'Due, waiting')}</th><th scope="col">${t('가장 오래 기다린 작업', 'Oldest due waiting')}</th><th scope="col">${t('실행 중', 'Running')}</th><th scope="col">${t('예약 (재시도 대기 포함)', 'Scheduled (incl. retries)')}</th><th scope="col">${t('최근 1시간 최종 실패', 'Dead in the last hour')}</th></tr></thead>
<tbody>${queueRows}</tbody></table>`}
<h2>${t('최근 실패한 작업', 'Recent failed jobs')}</h2>
${jobs.recent.length === 0
    ? html`<p class="muted" data-empty="jobs">${t('최근 실패한 작업이 없습니다.', 'No recent failed job.')}</p>`
    : html`<table data-failed-jobs><thead><tr><th scope="col">${t('작업', 'Job')}</th><th scope="col">${t('대기열', 'Queue')}</th><th scope="col">${t('상태', 'State')}</th><th scope="col">${t('시도', 'Attempts')}</th><th scope="col">${t('시각', 'When')}</th><th scope="col">${t('오류', 'Error')}</th></tr></thead>
<tbody>${jobs.recent.map(
        (j) => html`<tr data-job-id="${j.id}"><td>${j.id}</td><td><code>${j.queue}</code></td><td data-status="${j.status}">${j.status === 'dead' ? t('최종 실패', 'dead') : t('재시도 대기', 'retrying')}</td><td>${j.attempts}/${j.maxAttempts}</td><td>${kst(j.at)}${j.status === 'retrying' ? html` <span class="muted">(${t('다음 시도', 'next attempt')})</span>` : ''}</td><td>${j.error}</td></tr>`,
      )}</tbody></table>`}
${failureTable(t, 'nts', t('최근 국세청 전송 실패', 'Recent NTS filing failures'), t('문서키', 'Document key'), t('결과 코드', 'Result code'), others.nts)}
${failureTable(t, 'mail', t('최근 메일 발송 실패', 'Recent mail failures'), t('받는 주소', 'To'), t('상태 · 시도', 'State · attempts'), others.mail)}
${failureTable(t, 'webhooks', t('최근 웹훅 전송 실패', 'Recent webhook failures'), t('엔드포인트 · 이벤트', 'Endpoint · event'), t('HTTP 상태', 'HTTP status'), others.webhooks)}`;
}

export const systemHealthScreen: ConsoleScreen = {
  path: CONSOLE_SYSTEM_PATH,
  title: (t) => t('시스템 상태', 'System status'),
  render,
};
