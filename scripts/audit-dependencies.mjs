#!/usr/bin/env node
/**
 * Dependency audit (CI): `npm audit --json` over the runtime dependencies (--omit=dev) and, for information,
 * over the whole tree. A high or critical advisory in a runtime dependency fails (exit 1). When the registry's
 * audit endpoint cannot be asked (no network, a mirror that does not serve /-/npm/v1/security/advisories/bulk),
 * nothing was checked: that is printed as a WARNING, never as a pass, and does not fail the run — a CI with a
 * reachable registry is where a finding fails the build.
 *
 *   node scripts/audit-dependencies.mjs            runtime dependencies fail at high, dev dependencies listed
 *   AUDIT_LEVEL=moderate node scripts/…            a stricter threshold
 */
import { spawnSync } from 'node:child_process';

const LEVELS = ['info', 'low', 'moderate', 'high', 'critical'];
const threshold = process.env.AUDIT_LEVEL ?? 'high';
if (!LEVELS.includes(threshold)) {
  console.error(`AUDIT_LEVEL must be one of ${LEVELS.join(', ')}`);
  process.exit(2);
}

/** Run npm audit; { report } when it answered with a report, { unreachable } when it could not ask. */
function audit(args) {
  const run = spawnSync('npm', ['audit', '--json', ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  let json;
  try {
    json = JSON.parse(run.stdout || '{}');
  } catch {
    return { unreachable: `npm audit printed no JSON (exit ${run.status}): ${(run.stderr || '').trim().slice(0, 300)}` };
  }
  // npm prints an error object (message, statusCode, error) instead of a report when the endpoint failed
  if (!json.metadata || !json.metadata.vulnerabilities) {
    return { unreachable: String(json.message ?? json.error?.summary ?? `npm audit exit ${run.status}`).slice(0, 300) };
  }
  return { report: json };
}

function atOrAbove(report, level) {
  const min = LEVELS.indexOf(level);
  return Object.values(report.vulnerabilities ?? {}).filter((v) => LEVELS.indexOf(v.severity) >= min);
}

function describe(v) {
  const via = (v.via ?? []).map((x) => (typeof x === 'string' ? x : `${x.title ?? ''} ${x.url ?? ''}`.trim())).join('; ');
  return `  ${v.severity.padEnd(8)} ${v.name} ${v.range ?? ''}${v.fixAvailable ? ' (fix available)' : ''}${via ? ` — ${via}` : ''}`;
}

const runtime = audit(['--omit=dev']);
if (runtime.unreachable) {
  console.warn(`WARNING: dependency audit NOT performed — the registry's audit endpoint could not be asked: ${runtime.unreachable}`);
  console.warn('WARNING: this is not a pass; run `npm audit --omit=dev --audit-level=high` where the registry is reachable.');
  process.exit(0);
}
const counts = runtime.report.metadata.vulnerabilities;
console.log(`runtime dependencies: ${JSON.stringify(counts)}`);
const found = atOrAbove(runtime.report, threshold);

const all = audit([]);
if (all.report) {
  const dev = atOrAbove(all.report, threshold).filter((v) => !found.some((f) => f.name === v.name));
  if (dev.length) {
    console.warn(`dev-only dependencies at ${threshold} or above (not shipped; listed, not failing):`);
    for (const v of dev) console.warn(describe(v));
  }
}

if (found.length) {
  console.error(`FAIL: ${found.length} runtime dependenc${found.length === 1 ? 'y' : 'ies'} with a known ${threshold}-or-above vulnerability:`);
  for (const v of found) console.error(describe(v));
  process.exit(1);
}
console.log(`dependency audit: no known ${threshold}-or-above vulnerability in the runtime dependencies`);
