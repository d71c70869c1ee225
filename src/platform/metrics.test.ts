// The exposition text of the metrics registry: declared metrics always listed (HELP/TYPE), label values escaped,
// histogram buckets cumulative with +Inf, _sum and _count; extra samples after; counters add, gauges are set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry, METRICS } from './metrics.ts';

test('counters add per label set, label values are escaped, every declared metric has HELP and TYPE', () => {
  const m = new MetricsRegistry();
  m.inc('hanbill_mails_total', { outcome: 'sent' });
  m.inc('hanbill_mails_total', { outcome: 'sent' }, 2);
  m.inc('hanbill_messages_total', { outcome: 'failed', kind: 'a"b\\c\nd' });
  const text = m.render();
  assert.match(text, /^hanbill_mails_total\{outcome="sent"\} 3$/m);
  assert.match(text, /^hanbill_messages_total\{outcome="failed",kind="a\\"b\\\\c\\nd"\} 1$/m);
  assert.equal(m.value('hanbill_mails_total', { outcome: 'sent' }), 3);
  assert.equal(m.value('hanbill_mails_total', { outcome: 'failed' }), 0);
  for (const [name, def] of Object.entries(METRICS)) {
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
    assert.match(text, new RegExp(`^# TYPE ${name} ${def.type}$`, 'm'));
  }
  assert.ok(text.endsWith('\n'));
});

test('a histogram is cumulative per bucket, with +Inf, _sum and _count', () => {
  const m = new MetricsRegistry();
  for (const v of [0.003, 0.02, 0.02, 7, 30]) m.observe('hanbill_http_request_duration_seconds', { method: 'GET', route: '/x' }, v);
  const text = m.render();
  const bucket = (le: string) => Number(new RegExp(`^hanbill_http_request_duration_seconds_bucket\\{method="GET",route="/x",le="${le.replace('+', '\\+')}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  assert.equal(bucket('0.005'), 1);
  assert.equal(bucket('0.01'), 1);
  assert.equal(bucket('0.025'), 3);
  assert.equal(bucket('5'), 3);
  assert.equal(bucket('10'), 4);
  assert.equal(bucket('+Inf'), 5);
  assert.match(text, /^hanbill_http_request_duration_seconds_count\{method="GET",route="\/x"\} 5$/m);
  assert.match(text, /^hanbill_http_request_duration_seconds_sum\{method="GET",route="\/x"\} 37\.04\d*$/m);
});

test('a gauge is set, not added; extra samples follow the declared metrics', () => {
  const m = new MetricsRegistry();
  m.set('hanbill_billing_last_run_timestamp_seconds', {}, 100);
  m.set('hanbill_billing_last_run_timestamp_seconds', {}, 200);
  const text = m.render([{ name: 'hanbill_job_queue_depth', type: 'gauge', help: 'due jobs', values: [{ labels: { queue: 'q' }, value: 4 }] }]);
  assert.match(text, /^hanbill_billing_last_run_timestamp_seconds 200$/m);
  assert.ok(text.indexOf('# TYPE hanbill_job_queue_depth gauge') > text.indexOf('# TYPE hanbill_billing_last_run_timestamp_seconds'));
  assert.match(text, /^hanbill_job_queue_depth\{queue="q"\} 4$/m);
});
