/**
 * Process gauges for GET /metrics: memory (RSS, V8 heap), CPU time, start time, and the event loop — its delay
 * (perf_hooks' histogram, sampled every 10 ms, reset at each scrape: the p50/p99/max since the previous scrape)
 * and its utilization since the previous scrape (0..1: the share of time the loop was busy, not idle).
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { Sample } from './metrics.ts';

let delay: IntervalHistogram | undefined;
let lastElu: EventLoopUtilization | undefined;

/** Start sampling the event loop (once per process; the /metrics route calls it when registered). */
export function startProcessSampling(): void {
  if (delay) return;
  delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  lastElu = performance.eventLoopUtilization();
}

export function processSamples(): Sample[] {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const samples: Sample[] = [
    { name: 'process_resident_memory_bytes', type: 'gauge', help: 'resident set size in bytes', values: [{ value: mem.rss }] },
    { name: 'nodejs_heap_used_bytes', type: 'gauge', help: 'V8 heap in use in bytes', values: [{ value: mem.heapUsed }] },
    { name: 'nodejs_heap_total_bytes', type: 'gauge', help: 'V8 heap allocated in bytes', values: [{ value: mem.heapTotal }] },
    { name: 'nodejs_external_memory_bytes', type: 'gauge', help: 'memory of C++ objects bound to JavaScript (buffers) in bytes', values: [{ value: mem.external }] },
    { name: 'process_cpu_seconds_total', type: 'counter', help: 'user and system CPU time in seconds', values: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_start_time_seconds', type: 'gauge', help: 'start of the process (Unix seconds)', values: [{ value: Math.round((Date.now() - process.uptime() * 1000) / 1000) }] },
  ];
  if (delay && lastElu) {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    samples.push({ name: 'nodejs_eventloop_utilization', type: 'gauge', help: 'share of time the event loop was busy since the previous scrape (0..1)', values: [{ value: Number(elu.utilization.toFixed(4)) }] });
    const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    samples.push({
      name: 'nodejs_eventloop_lag_seconds',
      type: 'gauge',
      help: 'event-loop delay since the previous scrape, by quantile (0.5, 0.99, 1 = max)',
      values: delay.count > 0 ? [
        { labels: { quantile: '0.5' }, value: s(delay.percentile(50)) },
        { labels: { quantile: '0.99' }, value: s(delay.percentile(99)) },
        { labels: { quantile: '1' }, value: s(delay.max) },
      ] : [],
    });
    delay.reset();
  }
  return samples;
}

/** What bin/hanbill sets: glibc's variables, read from the environment, and V8's options, read from node's own. */
export interface MemorySettings {
  mallocArenaMax: string | null;
  mallocMmapThreshold: string | null;
  maxSemiSpaceMb: string | null;
  heapGrowingPercent: string | null;
}

/**
 * The memory settings this process started with (bin/hanbill sets them before node starts; `node bin/hanbill.js`
 * runs without): logged when the server is ready, so an operator sees whether a process got them.
 */
export function memorySettings(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): MemorySettings {
  /** A node option's value; the last one given wins, as it does for V8. */
  const option = (name: string): string | null => {
    let value: string | null = null;
    for (const arg of execArgv) if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
    return value;
  };
  return {
    mallocArenaMax: env['MALLOC_ARENA_MAX'] ?? null,
    mallocMmapThreshold: env['MALLOC_MMAP_THRESHOLD_'] ?? null,
    maxSemiSpaceMb: option('max-semi-space-size'),
    heapGrowingPercent: option('heap-growing-percent'),
  };
}
