import { renderPerformanceReport, runPerformanceTest } from '../../../activities/load-test/performance-test';
import { startStorefront, type Storefront } from '../../support/storefront-server';

let store: Storefront;

beforeAll(async () => {
  store = await startStorefront();
});

afterAll(async () => {
  await store.close();
});

beforeEach(() => {
  store.setMode('healthy');
  store.configure({ latencyMs: 0, errorRate: 0 });
  store.resetStats();
});

const limits = { maxP95Ms: 500, maxErrorRate: 0.01 };

it('stops at the request cap, loads every path and passes a healthy store', async () => {
  const result = await runPerformanceTest({
    baseUrl: store.url,
    paths: ['/', '/women.html'],
    durationSeconds: 5,
    connections: 2,
    maxRequests: 60,
    ...limits,
  });
  expect(result.stoppedBy).toBe('request-cap');
  expect(result.requests).toBe(60);
  // The server saw the cap too (autocannon may have one in flight per connection when it stops).
  expect(store.stats().requests).toBeGreaterThanOrEqual(60);
  expect(store.stats().requests).toBeLessThanOrEqual(62);
  expect(store.stats().byPath['/women.html']).toBeGreaterThan(10);
  expect(result.durationMs).toBeLessThan(4000);
  expect(result.statusCounts['200']).toBe(60);
  expect(result.errorRate).toBe(0);
  expect(result.verdict).toEqual({ passed: true, reasons: [] });
  expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p95);
  expect(result.latencyMs.p95).toBeLessThanOrEqual(result.latencyMs.p99);
});

it('stops at the duration and flags latency injected by the server, with progress', async () => {
  store.configure({ latencyMs: 120 });
  const progress: number[] = [];
  const result = await runPerformanceTest({
    baseUrl: store.url,
    paths: ['/'],
    durationSeconds: 2,
    connections: 2,
    maxRequests: 10_000,
    maxP95Ms: 100,
    maxErrorRate: 0.01,
    baseline: { p95Ms: 20, requestsPerSecond: 200, errorRate: 0 },
    onProgress: (p) => progress.push(p.requests),
  });
  expect(result.stoppedBy).toBe('duration');
  expect(result.durationMs).toBeGreaterThanOrEqual(1900);
  expect(result.durationMs).toBeLessThan(4000);
  // 2 connections × 2 s / 120 ms ≈ 33 requests: far below the cap.
  expect(result.requests).toBeGreaterThan(15);
  expect(result.requests).toBeLessThan(60);
  expect(result.latencyMs.p95).toBeGreaterThanOrEqual(120);
  expect(result.verdict.passed).toBe(false);
  expect(result.verdict.reasons.join('\n')).toMatch(/p95 latency [\d.]+ ms is above the limit of 100 ms/);
  expect(result.comparison?.p95ChangePct).toBeGreaterThan(400);
  expect(result.verdict.reasons.join('\n')).toMatch(/slower than the baseline/);
  expect(progress.length).toBeGreaterThanOrEqual(1);
  const report = renderPerformanceReport(result, { ...limits, maxP95Ms: 100, maxRequests: 10_000, durationSeconds: 2 });
  expect(report).toContain('Verdict: **FAILED**');
  expect(report).toContain('## Against the baseline');
});

it('counts 5xx answers into the error rate', async () => {
  store.configure({ errorRate: 0.25 });
  const result = await runPerformanceTest({
    baseUrl: store.url,
    paths: ['/'],
    durationSeconds: 3,
    connections: 1,
    maxRequests: 40,
    ...limits,
  });
  expect(result.statusCounts['502']).toBe(10);
  expect(result.errorRate).toBe(0.25);
  expect(result.verdict.reasons.join('\n')).toMatch(/error rate 25% is above the limit of 1% \(10× HTTP 502\)/);
});

it('reports a store that is down as errors, not as a fast store', async () => {
  store.setMode('down');
  const result = await runPerformanceTest({
    baseUrl: store.url,
    paths: ['/'],
    durationSeconds: 1,
    connections: 1,
    maxRequests: 20,
    ...limits,
  });
  expect(result.responses).toBe(0);
  expect(result.errors).toBeGreaterThan(0);
  expect(result.errorRate).toBe(1);
  expect(result.verdict.passed).toBe(false);
  expect(result.verdict.reasons[0]).toMatch(/no response at all/);
});

it('stops when cancelled', async () => {
  const controller = new AbortController();
  const run = runPerformanceTest({
    baseUrl: store.url,
    paths: ['/'],
    durationSeconds: 10,
    connections: 1,
    maxRequests: 1_000_000,
    ...limits,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new Error('cancelled by test')), 300);
  const started = Date.now();
  await expect(run).rejects.toThrow('cancelled by test');
  expect(Date.now() - started).toBeLessThan(3000);
});
