/**
 * Post-launch monitoring: requests the configured production pages every `intervalMs` until the period ends, then
 * summarises availability, p95 latency, errors and the outage windows, and raises alerts on regressions.
 *
 * The period runs for days, so the activity heartbeats its whole state (`onProgress(checkpoint)`) and a retry after
 * a worker crash passes the last heartbeat back as `resumeFrom`: the period keeps its original end and no sample
 * is lost or taken twice. Samples are compact tuples to keep heartbeat details small (≈30 bytes each).
 */
import type { LookupFunction } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../load-test/percentile';
import { HttpProber, joinUrl, type TlsTrust } from '../runbook/http-probe';

export const MONITOR_CHECKPOINT_VERSION = 1;

/** [epoch ms, index into paths, HTTP status (0 = no answer), duration ms] */
export type MonitorSample = [at: number, pathIndex: number, status: number, durationMs: number];

export interface MonitorCheckpoint {
  version: typeof MONITOR_CHECKPOINT_VERSION;
  baseUrl: string;
  paths: string[];
  startedAt: number;
  endsAt: number;
  rounds: number;
  samples: MonitorSample[];
  /** The last few reasons a request got no answer, for the report. */
  recentErrors: Array<{ at: number; path: string; error: string }>;
  /** Running figures so a heartbeat alone tells how production is doing. */
  summary: { availability: number; p95Ms: number; errorCount: number };
}

export interface MonitorBaseline {
  p95Ms: number;
}

export interface MonitorThresholds {
  /** Availability below this (0..1) raises an alert (default 0.99). */
  minAvailability?: number;
  /** p95 above baseline × this factor raises an alert (default 1.5). */
  p95Factor?: number;
  /** This many consecutive failed rounds (5xx or no answer) make a burst alert (default 2). */
  burstRounds?: number;
}

export interface MonitorRequest {
  /** Host name resolution for the probes (the worker's, refusing non-public addresses; see policy/egress.ts). */
  lookup?: LookupFunction;
  baseUrl: string;
  paths: string[];
  periodMs: number;
  intervalMs: number;
  /** Per request (default: the smaller of the interval and 10 s). */
  timeoutMs?: number;
  baseline?: MonitorBaseline;
  thresholds?: MonitorThresholds;
  /** The last checkpoint heartbeated by an earlier attempt. */
  resumeFrom?: unknown;
  tls?: TlsTrust;
  onProgress?: (checkpoint: MonitorCheckpoint) => void;
  signal?: AbortSignal;
}

export interface OutageWindow {
  from: string;
  to: string;
  rounds: number;
  statuses: string[];
}

export interface MonitorAlert {
  kind: 'availability' | 'latency' | 'error-burst' | 'no-data';
  message: string;
}

export interface MonitorResult {
  baseUrl: string;
  paths: string[];
  startedAt: string;
  endedAt: string;
  rounds: number;
  requests: number;
  /** Share (0..1) of requests answered without a 5xx. */
  availability: number;
  p95Ms: number;
  /** Requests answered 4xx/5xx or not at all. */
  errorCount: number;
  outages: OutageWindow[];
  alerts: MonitorAlert[];
  recentErrors: MonitorCheckpoint['recentErrors'];
  passed: boolean;
  resumed: boolean;
}

export async function monitorProduction(req: MonitorRequest): Promise<MonitorResult> {
  if (!req.paths.length || req.paths.some((p) => !p.startsWith('/')))
    throw new Error('paths must list at least one path starting with "/"');
  if (!(req.intervalMs > 0) || !(req.periodMs > 0)) throw new Error('periodMs and intervalMs must be positive');
  const resumed = req.resumeFrom !== undefined && req.resumeFrom !== null;
  const state = resumed ? restore(req.resumeFrom, req) : fresh(req);
  const prober = new HttpProber({
    timeoutMs: req.timeoutMs ?? Math.min(req.intervalMs, 10_000),
    tls: req.tls,
    signal: req.signal,
    ...(req.lookup ? { lookup: req.lookup } : {}),
  });

  try {
    while (Date.now() < state.endsAt) {
      req.signal?.throwIfAborted();
      const roundStart = Date.now();
      const results = await Promise.all(req.paths.map((path) => prober.probe(joinUrl(req.baseUrl, path))));
      results.forEach((r, index) => {
        state.samples.push([roundStart, index, r.status ?? 0, r.durationMs]);
        if (r.error)
          state.recentErrors = [...state.recentErrors, { at: roundStart, path: req.paths[index] ?? '?', error: r.error }].slice(-20);
      });
      state.rounds += 1;
      state.summary = summarise(state.samples);
      req.onProgress?.({ ...state, samples: [...state.samples], recentErrors: [...state.recentErrors] });
      // Rounds stay on the original grid (start + k × interval), also after a resume.
      const next = state.startedAt + Math.ceil((Date.now() - state.startedAt + 1) / req.intervalMs) * req.intervalMs;
      const wait = Math.min(next, state.endsAt) - Date.now();
      if (wait > 0) {
        // Rethrow the caller's reason (e.g. Temporal's CancelledFailure), not the timer's generic AbortError.
        await sleep(wait, undefined, { signal: req.signal }).catch((error: unknown) => {
          throw req.signal?.aborted ? (req.signal.reason ?? error) : error;
        });
      }
    }
  } finally {
    await prober.close();
  }
  return summariseRun(state, req, resumed);
}

function fresh(req: MonitorRequest): MonitorCheckpoint {
  const now = Date.now();
  return {
    version: MONITOR_CHECKPOINT_VERSION,
    baseUrl: req.baseUrl,
    paths: [...req.paths],
    startedAt: now,
    endsAt: now + req.periodMs,
    rounds: 0,
    samples: [],
    recentErrors: [],
    summary: { availability: 1, p95Ms: 0, errorCount: 0 },
  };
}

/** Heartbeat details come back untyped: accept them only if they are a checkpoint of this very monitoring run. */
function restore(raw: unknown, req: MonitorRequest): MonitorCheckpoint {
  const c = raw as Partial<MonitorCheckpoint>;
  const valid =
    typeof c === 'object' &&
    c.version === MONITOR_CHECKPOINT_VERSION &&
    c.baseUrl === req.baseUrl &&
    Array.isArray(c.paths) &&
    c.paths.join('\n') === req.paths.join('\n') &&
    typeof c.startedAt === 'number' &&
    typeof c.endsAt === 'number' &&
    Array.isArray(c.samples) &&
    c.samples.every((s) => Array.isArray(s) && s.length === 4 && s.every((n) => typeof n === 'number'));
  if (!valid) throw new Error('resumeFrom is not a monitoring checkpoint for this base URL and these paths; start a new monitoring run');
  return {
    ...(c as MonitorCheckpoint),
    samples: [...(c.samples as MonitorSample[])],
    recentErrors: Array.isArray(c.recentErrors) ? c.recentErrors : [],
    rounds: typeof c.rounds === 'number' ? c.rounds : 0,
  };
}

const answered = (s: MonitorSample): boolean => s[2] !== 0;
const available = (s: MonitorSample): boolean => answered(s) && s[2] < 500;
const failed = (s: MonitorSample): boolean => !answered(s) || s[2] >= 400;

function summarise(samples: MonitorSample[]): MonitorCheckpoint['summary'] {
  return {
    availability: samples.length ? round(samples.filter(available).length / samples.length, 4) : 1,
    p95Ms: percentile(
      samples.filter(answered).map((s) => s[3]),
      95,
    ),
    errorCount: samples.filter(failed).length,
  };
}

/** Consecutive rounds in which at least one path got a 5xx or no answer. */
export function findOutages(samples: MonitorSample[], paths: string[]): OutageWindow[] {
  const rounds = new Map<number, MonitorSample[]>();
  for (const s of samples) rounds.set(s[0], [...(rounds.get(s[0]) ?? []), s]);
  const windows: OutageWindow[] = [];
  let current: { from: number; to: number; rounds: number; statuses: Set<string> } | undefined;
  for (const [at, roundSamples] of [...rounds.entries()].sort((a, b) => a[0] - b[0])) {
    const bad = roundSamples.filter((s) => !available(s));
    if (bad.length) {
      current ??= { from: at, to: at, rounds: 0, statuses: new Set() };
      current.to = at;
      current.rounds += 1;
      for (const s of bad) current.statuses.add(`${paths[s[1]] ?? '?'}: ${s[2] === 0 ? 'no answer' : `HTTP ${s[2]}`}`);
    } else if (current) {
      windows.push(toWindow(current));
      current = undefined;
    }
  }
  if (current) windows.push(toWindow(current));
  return windows;
}

function toWindow(w: { from: number; to: number; rounds: number; statuses: Set<string> }): OutageWindow {
  return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), rounds: w.rounds, statuses: [...w.statuses] };
}

function summariseRun(state: MonitorCheckpoint, req: MonitorRequest, resumed: boolean): MonitorResult {
  const summary = summarise(state.samples);
  const outages = findOutages(state.samples, state.paths);
  const minAvailability = req.thresholds?.minAvailability ?? 0.99;
  const factor = req.thresholds?.p95Factor ?? 1.5;
  const burstRounds = req.thresholds?.burstRounds ?? 2;
  const alerts: MonitorAlert[] = [];
  if (!state.samples.length) alerts.push({ kind: 'no-data', message: 'no check ran during the monitoring period' });
  if (state.samples.length && summary.availability < minAvailability) {
    alerts.push({ kind: 'availability', message: `availability ${pct(summary.availability)} is below ${pct(minAvailability)}` });
  }
  if (req.baseline && summary.p95Ms > req.baseline.p95Ms * factor) {
    alerts.push({
      kind: 'latency',
      message: `p95 latency ${summary.p95Ms} ms is above ${factor} × the baseline of ${req.baseline.p95Ms} ms`,
    });
  }
  for (const w of outages.filter((o) => o.rounds >= burstRounds)) {
    alerts.push({
      kind: 'error-burst',
      message: `${w.rounds} consecutive failing checks from ${w.from} to ${w.to} (${w.statuses.join(', ')})`,
    });
  }
  return {
    baseUrl: req.baseUrl,
    paths: state.paths,
    startedAt: new Date(state.startedAt).toISOString(),
    endedAt: new Date(Math.max(state.endsAt, state.samples.at(-1)?.[0] ?? 0)).toISOString(),
    rounds: state.rounds,
    requests: state.samples.length,
    availability: summary.availability,
    p95Ms: summary.p95Ms,
    errorCount: summary.errorCount,
    outages,
    alerts,
    recentErrors: state.recentErrors,
    passed: alerts.length === 0,
    resumed,
  };
}

export function renderMonitoringReport(result: MonitorResult): string {
  const lines = [
    `# Post-launch monitoring — ${result.baseUrl}`,
    '',
    `From ${result.startedAt} to ${result.endedAt}: ${result.rounds} rounds, ${result.requests} requests over ` +
      `${result.paths.map((p) => `\`${p}\``).join(', ')}${result.resumed ? ' (resumed after a worker restart)' : ''}.`,
    '',
    `Result: **${result.passed ? 'NO ALERTS' : `${result.alerts.length} ALERT(S)`}**`,
    '',
    '| measure | value |',
    '|---|---|',
    `| availability | ${pct(result.availability)} |`,
    `| p95 latency | ${result.p95Ms} ms |`,
    `| errors (4xx/5xx/no answer) | ${result.errorCount} |`,
    `| outage windows | ${result.outages.length} |`,
  ];
  if (result.alerts.length) lines.push('', '## Alerts', '', ...result.alerts.map((a) => `- **${a.kind}**: ${a.message}`));
  if (result.outages.length) {
    lines.push('', '## Outage windows', '', '| from | to | rounds | what failed |', '|---|---|---|---|');
    for (const o of result.outages) lines.push(`| ${o.from} | ${o.to} | ${o.rounds} | ${o.statuses.join(', ').replace(/\|/g, '\\|')} |`);
  }
  if (result.recentErrors.length) {
    lines.push(
      '',
      '## Last connection errors',
      '',
      ...result.recentErrors.slice(-5).map((e) => `- ${new Date(e.at).toISOString()} ${e.path}: ${e.error}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function pct(rate: number): string {
  return `${round(rate * 100, 2)}%`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
