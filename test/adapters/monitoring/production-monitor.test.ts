import { monitorProduction, renderMonitoringReport, type MonitorCheckpoint } from '../../../activities/monitoring/production-monitor';
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
  store.configure({ latencyMs: 0 });
});

it('sees a clean period as fully available', async () => {
  const result = await monitorProduction({ baseUrl: store.url, paths: ['/', '/women.html'], periodMs: 600, intervalMs: 100 });
  expect(result.rounds).toBeGreaterThanOrEqual(5);
  expect(result.requests).toBe(result.rounds * 2);
  expect(result.availability).toBe(1);
  expect(result.errorCount).toBe(0);
  expect(result.alerts).toEqual([]);
  expect(result.passed).toBe(true);
});

it('sees an outage window, with availability and burst alerts', async () => {
  const checkpoints: MonitorCheckpoint[] = [];
  const outage = setTimeout(() => store.setMode('down'), 400);
  const recovery = setTimeout(() => store.setMode('error'), 800);
  const healthy = setTimeout(() => store.setMode('healthy'), 1100);
  try {
    const result = await monitorProduction({
      baseUrl: store.url,
      paths: ['/'],
      periodMs: 1800,
      intervalMs: 100,
      timeoutMs: 500,
      onProgress: (c) => checkpoints.push(c),
    });
    expect(result.outages).toHaveLength(1);
    const window = result.outages[0];
    expect(window?.rounds).toBeGreaterThanOrEqual(4);
    expect(window?.statuses).toEqual(expect.arrayContaining(['/: no answer', '/: HTTP 500']));
    expect(Date.parse(window?.from ?? '') - Date.parse(result.startedAt)).toBeGreaterThanOrEqual(350);
    expect(Date.parse(window?.to ?? '') - Date.parse(result.startedAt)).toBeLessThan(1300);
    expect(result.availability).toBeLessThan(0.8);
    expect(result.availability).toBeGreaterThan(0.3);
    expect(result.alerts.map((a) => a.kind)).toEqual(['availability', 'error-burst']);
    expect(result.recentErrors[0]?.error).toMatch(/closed the connection/);
    expect(checkpoints.length).toBe(result.rounds);
    expect(checkpoints.at(-1)?.summary.availability).toBe(result.availability);
    const report = renderMonitoringReport(result);
    expect(report).toContain('## Outage windows');
    expect(report).toContain('**error-burst**');
  } finally {
    clearTimeout(outage);
    clearTimeout(recovery);
    clearTimeout(healthy);
  }
});

it('alerts when p95 latency exceeds the baseline by the factor', async () => {
  store.configure({ latencyMs: 80 });
  // A per-request timeout well above the injected latency: on a loaded machine an 80 ms answer can take longer
  // than the 100 ms interval, which would count as unavailability rather than latency.
  const result = await monitorProduction({
    baseUrl: store.url,
    paths: ['/'],
    periodMs: 500,
    intervalMs: 100,
    timeoutMs: 2000,
    baseline: { p95Ms: 20 },
  });
  expect(result.p95Ms).toBeGreaterThanOrEqual(80);
  expect(result.alerts).toEqual([
    { kind: 'latency', message: expect.stringMatching(/p95 latency \d+ ms is above 1.5 × the baseline of 20 ms/) },
  ]);
});

it('resumes from a heartbeat checkpoint after a crash, keeping the original period', async () => {
  const controller = new AbortController();
  let last: MonitorCheckpoint | undefined;
  const request = { baseUrl: store.url, paths: ['/'], periodMs: 1200, intervalMs: 100 };
  // The first attempt "crashes" (is cancelled) after a few rounds; its last heartbeat survives.
  await expect(
    monitorProduction({
      ...request,
      signal: controller.signal,
      onProgress: (c) => {
        last = c;
        if (c.rounds === 3) controller.abort(new Error('worker crashed'));
      },
    }),
  ).rejects.toThrow('worker crashed');
  expect(last?.rounds).toBe(3);
  const checkpoint = JSON.parse(JSON.stringify(last)) as unknown; // as heartbeat details travel

  const resumed = await monitorProduction({ ...request, resumeFrom: checkpoint });
  expect(resumed.resumed).toBe(true);
  expect(resumed.startedAt).toBe(new Date(last?.startedAt ?? 0).toISOString());
  expect(Date.parse(resumed.endedAt) - Date.parse(resumed.startedAt)).toBe(1200);
  expect(resumed.rounds).toBeGreaterThan(3);
  expect(resumed.requests).toBe(resumed.rounds);
  expect(renderMonitoringReport(resumed)).toContain('resumed after a worker restart');
});

it('refuses a checkpoint of another monitoring run', async () => {
  await expect(
    monitorProduction({
      baseUrl: store.url,
      paths: ['/'],
      periodMs: 100,
      intervalMs: 50,
      resumeFrom: { version: 1, baseUrl: 'http://elsewhere' },
    }),
  ).rejects.toThrow(/not a monitoring checkpoint/);
});
