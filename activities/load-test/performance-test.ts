/**
 * A bounded load test with autocannon: it stops at the duration or at the request cap, whichever comes first,
 * so a test against a customer's Staging can never run away. Latency percentiles are computed exactly from every
 * response (autocannon's summary has no p95); errors are 4xx/5xx answers plus connection errors and timeouts.
 */
import { isIP } from 'node:net';
import autocannon from 'autocannon';
import { percentile } from './percentile';

export interface PerformanceBaseline {
  p95Ms: number;
  requestsPerSecond: number;
  errorRate: number;
}

export interface PerformanceTestRequest {
  baseUrl: string;
  paths: string[];
  durationSeconds: number;
  connections: number;
  maxRequests: number;
  maxP95Ms: number;
  /** 0..1 */
  maxErrorRate: number;
  /** A previous run (e.g. before the upgrade) to compare against. */
  baseline?: PerformanceBaseline;
  /** A p95 or throughput regression above this share fails the verdict (default 0.2 = 20 %). */
  maxRegression?: number;
  /** Per request, ms (default 10 000). */
  requestTimeoutMs?: number;
  /**
   * The address the worker checked for the base URL's host (policy/egress.ts `pinHost`): every connection goes
   * there, while the Host header and the TLS server name stay the URL's. autocannon would otherwise resolve the
   * name again itself, and could be answered 127.0.0.1 after a public address passed the check (DNS rebinding).
   */
  connectTo?: string;
  onProgress?: (details: PerformanceProgress) => void;
  signal?: AbortSignal;
}

export interface PerformanceProgress {
  elapsedMs: number;
  requests: number;
  errors: number;
}

export interface PerformanceResult {
  baseUrl: string;
  paths: string[];
  startedAt: string;
  durationMs: number;
  connections: number;
  /** Responses received plus requests that got no answer. */
  requests: number;
  responses: number;
  statusCounts: Record<string, number>;
  /** Requests that got no answer: connection errors, resets, timeouts. */
  errors: number;
  timeouts: number;
  /** (4xx/5xx responses + errors) / requests. */
  errorRate: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** How the run ended: at the request cap, at the duration, or cancelled. */
  stoppedBy: 'request-cap' | 'duration' | 'cancelled';
  comparison?: { p95ChangePct: number; throughputChangePct: number; errorRateChange: number };
  verdict: { passed: boolean; reasons: string[] };
}

export async function runPerformanceTest(req: PerformanceTestRequest): Promise<PerformanceResult> {
  validate(req);
  req.signal?.throwIfAborted();
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let failedResponses = 0;
  const base = new URL(req.baseUrl);
  const target = new URL(base.origin);
  if (req.connectTo !== undefined) {
    const family = isIP(req.connectTo);
    if (!family) throw new Error(`performance test not started: connectTo "${req.connectTo.slice(0, 60)}" is not an address`);
    target.hostname = family === 6 ? `[${req.connectTo}]` : req.connectTo;
  }
  const pinned =
    req.connectTo === undefined ? {} : { servername: isIP(base.hostname) ? undefined : base.hostname.replace(/\.$/, ''), host: base.host };
  const startedAt = new Date().toISOString();
  const started = performance.now();

  let cancelled = false;
  let progress: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let summary: autocannon.Result;
  try {
    summary = await new Promise<autocannon.Result>((resolve, reject) => {
      // The callback form returns the instance, which is what exposes per-response events and stop().
      const instance = autocannon(
        {
          url: target.origin,
          ...(pinned.servername ? { servername: pinned.servername } : {}),
          connections: req.connections,
          duration: req.durationSeconds,
          maxOverallRequests: req.maxRequests,
          timeout: Math.ceil((req.requestTimeoutMs ?? 10_000) / 1000),
          // Connections cycle through the paths, so every configured page gets load.
          requests: req.paths.map((path) => ({ method: 'GET' as const, path: requestTarget(base, path) })),
          headers: {
            'user-agent': 'commerce-upgrade-orchestrator/0.1 (+performance test)',
            ...(pinned.host ? { host: pinned.host } : {}),
          },
        },
        (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
      );
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        latencies.push(Math.round(responseTime * 10) / 10);
        statusCounts[String(statusCode)] = (statusCounts[String(statusCode)] ?? 0) + 1;
        if (statusCode >= 400) failedResponses += 1;
      });
      onAbort = () => {
        cancelled = true;
        instance.stop();
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      if (req.onProgress) {
        progress = setInterval(
          () =>
            req.onProgress?.({ elapsedMs: Math.round(performance.now() - started), requests: latencies.length, errors: failedResponses }),
          1000,
        );
      }
    });
  } finally {
    if (progress) clearInterval(progress);
    if (onAbort) req.signal?.removeEventListener('abort', onAbort);
  }
  if (cancelled) throw req.signal?.reason ?? new Error('performance test cancelled');

  const durationMs = Math.round(performance.now() - started);
  const responses = latencies.length;
  const stoppedBy = summary.requests.sent >= req.maxRequests ? 'request-cap' : 'duration';
  // autocannon counts socket errors and timeouts, but a connection the server resets is silently reopened and
  // only shows as a request sent without an answer; at the duration end up to one request per connection is
  // legitimately still in flight.
  const unanswered = Math.max(0, summary.requests.sent - responses - (stoppedBy === 'duration' ? req.connections : 0));
  const errors = Math.max(summary.errors, unanswered);
  const requests = responses + errors;
  const errorRate = requests ? (failedResponses + errors) / requests : 1;
  const result: PerformanceResult = {
    baseUrl: req.baseUrl,
    paths: req.paths,
    startedAt,
    durationMs,
    connections: req.connections,
    requests,
    responses,
    statusCounts,
    errors,
    timeouts: summary.timeouts,
    errorRate: round(errorRate, 4),
    requestsPerSecond: round(responses / Math.max(durationMs / 1000, 0.001), 1),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.length ? Math.max(...latencies) : 0,
      mean: round(latencies.reduce((s, v) => s + v, 0) / Math.max(latencies.length, 1), 1),
    },
    stoppedBy,
    verdict: { passed: false, reasons: [] },
  };
  if (req.baseline) result.comparison = compareWithBaseline(result, req.baseline);
  result.verdict = judge(result, req);
  return result;
}

/** RFC 3986 path and query characters: nothing that could end autocannon's raw request line (CR, LF, space). */
const REQUEST_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

/**
 * The request target of `path` below the base URL's path, built with URL objects (issue #12, finding 3: a path
 * with CRLF was concatenated into the raw request). The URL parser percent-encodes what it must; anything that
 * would leave the base's origin is refused.
 */
export function requestTarget(base: URL, path: string): string {
  if (!REQUEST_PATH.test(path))
    throw new Error(`path ${JSON.stringify(path.slice(0, 100))} must start with "/" and hold URL characters only`);
  const url = new URL(base.href);
  const [pathname, search] = [path.split('?')[0]!, path.includes('?') ? path.slice(path.indexOf('?')) : ''];
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${pathname}`;
  url.search = search;
  if (url.origin !== base.origin) throw new Error(`path "${path}" leaves ${base.origin}`);
  return `${url.pathname}${url.search}`;
}

function validate(req: PerformanceTestRequest): void {
  const problems: string[] = [];
  if (!/^https?:\/\//.test(req.baseUrl)) problems.push(`baseUrl "${req.baseUrl}" must be an http(s) URL`);
  if (!req.paths.length) problems.push('paths must name at least one page');
  for (const path of req.paths)
    if (!REQUEST_PATH.test(path))
      problems.push(`path ${JSON.stringify(path.slice(0, 100))} must start with "/" and hold URL characters only`);
  if (!(req.durationSeconds > 0)) problems.push('durationSeconds must be positive');
  if (!(req.connections >= 1)) problems.push('connections must be at least 1');
  if (!(req.maxRequests >= 1)) problems.push('maxRequests must be at least 1');
  if (problems.length) throw new Error(`performance test not started: ${problems.join('; ')}`);
}

export function compareWithBaseline(
  result: Pick<PerformanceResult, 'latencyMs' | 'requestsPerSecond' | 'errorRate'>,
  baseline: PerformanceBaseline,
): NonNullable<PerformanceResult['comparison']> {
  return {
    // Positive = slower / fewer requests per second than the baseline.
    p95ChangePct: baseline.p95Ms > 0 ? round(((result.latencyMs.p95 - baseline.p95Ms) / baseline.p95Ms) * 100, 1) : 0,
    throughputChangePct:
      baseline.requestsPerSecond > 0
        ? round(((baseline.requestsPerSecond - result.requestsPerSecond) / baseline.requestsPerSecond) * 100, 1)
        : 0,
    errorRateChange: round(result.errorRate - baseline.errorRate, 4),
  };
}

function judge(result: PerformanceResult, req: PerformanceTestRequest): { passed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (result.responses === 0) reasons.push(`no response at all from ${req.baseUrl} (${result.errors} connection errors)`);
  if (result.latencyMs.p95 > req.maxP95Ms) reasons.push(`p95 latency ${result.latencyMs.p95} ms is above the limit of ${req.maxP95Ms} ms`);
  if (result.errorRate > req.maxErrorRate) {
    reasons.push(`error rate ${pct(result.errorRate)} is above the limit of ${pct(req.maxErrorRate)} (${describeErrors(result)})`);
  }
  const allowed = (req.maxRegression ?? 0.2) * 100;
  if (result.comparison) {
    if (result.comparison.p95ChangePct > allowed)
      reasons.push(`p95 is ${result.comparison.p95ChangePct}% slower than the baseline (${req.baseline?.p95Ms} ms); allowed ${allowed}%`);
    if (result.comparison.throughputChangePct > allowed) {
      reasons.push(
        `throughput is ${result.comparison.throughputChangePct}% lower than the baseline (${req.baseline?.requestsPerSecond} req/s); allowed ${allowed}%`,
      );
    }
  }
  return { passed: reasons.length === 0, reasons };
}

function describeErrors(result: PerformanceResult): string {
  const bad = Object.entries(result.statusCounts).filter(([code]) => Number(code) >= 400);
  const parts = bad.map(([code, n]) => `${n}× HTTP ${code}`);
  if (result.errors) parts.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  return parts.join(', ') || 'none';
}

export function renderPerformanceReport(
  result: PerformanceResult,
  limits?: Pick<PerformanceTestRequest, 'maxP95Ms' | 'maxErrorRate' | 'maxRequests' | 'durationSeconds'>,
): string {
  const lines = [
    `# Performance test — ${result.baseUrl}`,
    '',
    `Started ${result.startedAt}; ran ${(result.durationMs / 1000).toFixed(1)} s with ${result.connections} connections over ${result.paths.map((p) => `\`${p}\``).join(', ')}; stopped by ${result.stoppedBy}.`,
    '',
    `Verdict: **${result.verdict.passed ? 'PASSED' : 'FAILED'}**`,
    ...result.verdict.reasons.map((r) => `- ${r}`),
    '',
    '| measure | value | limit |',
    '|---|---|---|',
    `| requests | ${result.requests} | ${limits?.maxRequests ?? ''} |`,
    `| requests/s | ${result.requestsPerSecond} | |`,
    `| p50 latency | ${result.latencyMs.p50} ms | |`,
    `| p95 latency | ${result.latencyMs.p95} ms | ${limits ? `${limits.maxP95Ms} ms` : ''} |`,
    `| p99 latency | ${result.latencyMs.p99} ms | |`,
    `| max latency | ${result.latencyMs.max} ms | |`,
    `| error rate | ${pct(result.errorRate)} | ${limits ? pct(limits.maxErrorRate) : ''} |`,
    `| status codes | ${
      Object.entries(result.statusCounts)
        .map(([c, n]) => `${c}: ${n}`)
        .join(', ') || 'none'
    } | |`,
    `| connection errors / timeouts | ${result.errors} / ${result.timeouts} | |`,
  ];
  if (result.comparison) {
    lines.push(
      '',
      '## Against the baseline',
      '',
      `- p95 latency: ${signed(result.comparison.p95ChangePct)}% (positive = slower)`,
      `- throughput: ${signed(-result.comparison.throughputChangePct)}% (negative = fewer requests per second)`,
      `- error rate: ${signed(round(result.comparison.errorRateChange * 100, 2))} percentage points`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function pct(rate: number): string {
  return `${round(rate * 100, 2)}%`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
