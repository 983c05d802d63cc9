/**
 * The activities as the worker runs them, inside MockActivityEnvironment (the SDK's own activity context, so
 * heartbeats, heartbeat details of an earlier attempt and cancellation are real), against the local landscape's
 * storefronts, repository and receivers.
 */
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { AutomationResult } from '../../activities/contract';
import type { MonitorCheckpoint } from '../../activities/monitoring/production-monitor';
import { validateProjectInput, type ProjectInput } from '../../workflows/project-input';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';

let landscape: LocalLandscape;
let project: ProjectInput;

beforeAll(async () => {
  landscape = await startLocalLandscape();
  const parsed = validateProjectInput(landscape.project({ postLaunch: { monitorFor: '1500ms', checkEvery: '250ms' } }), {
    shortTimings: true,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  project = parsed.project;
});
afterAll(async () => landscape.close());

it('heartbeats the monitoring checkpoint and resumes from the last one on a retry', async () => {
  const activities = createActivities(landscape.activityDeps());
  const ctx = { workflowId: `upgrade-${project.projectId}`, project };
  const first = new MockActivityEnvironment();
  const beats: MonitorCheckpoint[] = [];
  first.on('heartbeat', (details: MonitorCheckpoint) => beats.push(details));
  const result: AutomationResult = await first.run(activities.monitorProduction, ctx);
  expect(result.passed).toBe(true);
  expect(result.facts?.resumed).toBe(false);
  expect(beats.length).toBeGreaterThanOrEqual(3);
  expect(beats.at(-1)!.samples.length).toBeGreaterThanOrEqual(3);

  // A retry after a crash gets the last heartbeat as its details and continues the same period.
  const checkpoint = beats[1]!;
  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: checkpoint });
  const resumed: AutomationResult = await retry.run(activities.monitorProduction, ctx);
  expect(resumed.facts?.resumed).toBe(true);
  expect(resumed.summary).toMatch(/availability 100\.00%/);
});

it('stops a running load test when Temporal cancels the activity', async () => {
  const activities = createActivities(landscape.activityDeps());
  const slow = { ...project, performance: { ...project.performance, durationSeconds: 30, maxRequests: 100_000 } };
  const env = new MockActivityEnvironment();
  const started = Date.now();
  const running = env.run(activities.runPerformanceTest, { workflowId: `upgrade-${project.projectId}`, project: slow });
  setTimeout(() => env.cancel(), 500);
  await expect(running).rejects.toBeInstanceOf(CancelledFailure);
  expect(Date.now() - started).toBeLessThan(10_000);
});

it('turns an unknown target version into a non-retryable failure that says what is known', async () => {
  const activities = createActivities(landscape.activityDeps());
  const env = new MockActivityEnvironment();
  const wrong = { ...project, targetVersion: '2.4.99' };
  await expect(env.run(activities.determineInfrastructureChanges, { workflowId: 'upgrade-x', project: wrong })).rejects.toMatchObject({
    nonRetryable: true,
    message: expect.stringMatching(/2\.4\.99.*2\.4\.8-p3/s),
  });
});
