/**
 * The process's Prometheus metrics: counters and histograms kept in memory (per process — Prometheus scrapes
 * each process and sums), written out in the text exposition format 0.0.4 by `renderMetrics`. Gauges read at
 * scrape time (queue depth from the jobs table, process memory) are passed to `renderMetrics` as samples.
 *
 * Every metric is declared once in METRICS (name, type, help): `metrics.inc('hanbill_…', labels)` with a name not
 * declared there does not compile. Label values are the caller's: keep them few (a queue, a kind, an outcome —
 * never an id, a URL or a tenant).
 */

const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const METRICS = {
  hanbill_http_requests_total: { type: 'counter', help: 'HTTP requests answered, by method, route pattern and status' },
  hanbill_http_request_duration_seconds: { type: 'histogram', help: 'HTTP request duration in seconds, by method and route pattern', buckets: HTTP_DURATION_BUCKETS },
  hanbill_jobs_finished_total: { type: 'counter', help: 'jobs run to completion by this process, by queue' },
  hanbill_jobs_failed_total: { type: 'counter', help: 'job attempts that failed and will be retried, by queue' },
  hanbill_jobs_dead_total: { type: 'counter', help: 'jobs that failed their last attempt (state failed, not retried), by queue' },
  hanbill_nts_filings_total: { type: 'counter', help: 'NTS filing results recorded, by outcome (succeeded, failed)' },
  hanbill_mails_total: { type: 'counter', help: 'mails handed to the SMTP server, by outcome (sent, failed)' },
  hanbill_messages_total: { type: 'counter', help: 'message delivery results recorded, by kind (sms, lms, mms, alimtalk …) and outcome (delivered, failed)' },
  hanbill_webhook_deliveries_total: { type: 'counter', help: 'webhook deliveries settled, by outcome (succeeded, failed)' },
  hanbill_webhook_attempts_total: { type: 'counter', help: 'webhook delivery attempts (HTTP calls to receivers), by outcome (succeeded, failed)' },
  hanbill_billing_runs_total: { type: 'counter', help: 'monthly billing runs by this process, by outcome (finished; stopped: an error, resumed by the next run)' },
  hanbill_billing_last_run_timestamp_seconds: { type: 'gauge', help: 'when this process last finished a billing run (Unix seconds, the application clock)' },
} as const;

type Catalogue = typeof METRICS;
export type MetricName = keyof Catalogue;
export type CounterName = { [K in MetricName]: Catalogue[K]['type'] extends 'counter' ? K : never }[MetricName];
export type HistogramName = { [K in MetricName]: Catalogue[K]['type'] extends 'histogram' ? K : never }[MetricName];
export type GaugeName = { [K in MetricName]: Catalogue[K]['type'] extends 'gauge' ? K : never }[MetricName];
export type Labels = Readonly<Record<string, string>>;

interface Series {
  labels: Labels;
  value: number;
}
interface HistogramSeries {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

/** One line of a gauge read at scrape time. */
export interface Sample {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  values: { labels?: Labels; value: number }[];
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

/** Exposition-format label value: backslash, double quote and line feed escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const parts = Object.entries(labels ?? {}).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class MetricsRegistry {
  private readonly counters = new Map<string, Map<string, Series>>();
  private readonly histograms = new Map<string, Map<string, HistogramSeries>>();

  inc(name: CounterName, labels: Labels = {}, by = 1): void {
    this.add(name, labels, by);
  }

  set(name: GaugeName, labels: Labels, value: number): void {
    const series = this.seriesOf(name, labels);
    series.value = value;
  }

  observe(name: HistogramName, labels: Labels, value: number): void {
    let byKey = this.histograms.get(name);
    if (!byKey) this.histograms.set(name, (byKey = new Map()));
    const key = labelKey(labels);
    const buckets = METRICS[name].buckets;
    let h = byKey.get(key);
    if (!h) byKey.set(key, (h = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) h.counts[i]!++;
    h.sum += value;
    h.count++;
  }

  /** The current value of one series (tests; 0 when never counted). */
  value(name: CounterName | GaugeName, labels: Labels = {}): number {
    return this.counters.get(name)?.get(labelKey(labels))?.value ?? 0;
  }

  private add(name: string, labels: Labels, by: number): void {
    this.seriesOf(name, labels).value += by;
  }

  private seriesOf(name: string, labels: Labels): Series {
    let byKey = this.counters.get(name);
    if (!byKey) this.counters.set(name, (byKey = new Map()));
    const key = labelKey(labels);
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { labels, value: 0 }));
    return s;
  }

  /** Every metric of METRICS (declared ones with no series yet as HELP/TYPE only) and then `extra`, in format 0.0.4. */
  render(extra: readonly Sample[] = []): string {
    const out: string[] = [];
    for (const [name, def] of Object.entries(METRICS) as [MetricName, Catalogue[MetricName]][]) {
      out.push(`# HELP ${name} ${def.help}`, `# TYPE ${name} ${def.type}`);
      if (def.type === 'histogram') {
        for (const h of this.histograms.get(name)?.values() ?? []) {
          def.buckets.forEach((le, i) => out.push(`${name}_bucket${labelText(h.labels, ['le', num(le)])} ${h.counts[i]}`));
          out.push(`${name}_bucket${labelText(h.labels, ['le', '+Inf'])} ${h.count}`);
          out.push(`${name}_sum${labelText(h.labels)} ${num(h.sum)}`, `${name}_count${labelText(h.labels)} ${h.count}`);
        }
      } else {
        for (const s of this.counters.get(name)?.values() ?? []) out.push(`${name}${labelText(s.labels)} ${num(s.value)}`);
      }
    }
    for (const sample of extra) {
      out.push(`# HELP ${sample.name} ${sample.help}`, `# TYPE ${sample.name} ${sample.type}`);
      for (const v of sample.values) out.push(`${sample.name}${labelText(v.labels)} ${num(v.value)}`);
    }
    return out.join('\n') + '\n';
  }
}

/** This process's metrics (modules count outcomes here; GET /metrics writes them out). */
export const metrics = new MetricsRegistry();
