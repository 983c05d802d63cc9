/**
 * Issue #12, "Long life": a project continues as new at every safe point, not only while it waits for people
 * (patch `continue-as-new-anywhere`). On the real dev server, with the stub activities and a small
 * `continueAsNewAfterMessages`: a flood of comments during a change-window wait continues the run as new inside
 * the wait, and the new run waits for the same window without asking or telling anything again; a flood during a
 * step's activity continues the run as new right after the step, and the next run starts the next step.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { UpgradeActivities } from '../../activities/contract';
import { workflowIdFor, type DecisionPayload, type UpgradeTunables, type UpgradeWorkflowInput } from '../../workflows/contract';
import type { AuditEntry, ProjectStatus } from '../../workflows/project-state';
import { connectTestClient, eventually, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, decide, FAST_STUB_TUNABLES, gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { makeProject, windowAfter } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const EventType = temporal.api.enums.v1.EventType;
const INFRA = 'upgrade-infrastructure-services';
const LAUNCH = 'launch-to-production';
const CSE = OWNER_EMAIL['managed-services'];

let client: Client;
let close: () => Promise<void>;
beforeAll(async () => ({ client, close } = await connectTestClient()));
afterAll(async () => close());

jest.setTimeout(180_000);

const comment = (n: number): DecisionPayload => ({
  taskId: INFRA,
  decision: 'comment',
  actor: CSE,
  role: 'managed-services',
  comment: `note ${n} while the task waits`,
});

/** The runs of a workflow, oldest first, each with the activity types it scheduled and how it ended. */
async function runsOf(workflowId: string): Promise<{ runId: string; activities: string[]; continuedAsNew: boolean }[]> {
  const runs: { runId: string; activities: string[]; continuedAsNew: boolean; started: number }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({
      runId: execution.runId,
      started: execution.startTime.getTime(),
      activities: events
        .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!),
      continuedAsNew: events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW),
    });
  }
  return runs.sort((a, b) => a.started - b.started).map(({ started: _started, ...run }) => run);
}

/** The archived entries (from the stubs' store) and the carried ones: the whole trail, ids contiguous from 1. */
function wholeTrail(stubs: StubActivities, status: ProjectStatus): AuditEntry[] {
  const archived = (status.auditArchives ?? []).flatMap((a) => (stubs.archives.get(a.artifact.id) ?? []) as AuditEntry[]);
  const all = [...archived, ...status.audit];
  expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
  return all;
}

async function cancel(handle: WorkflowHandle): Promise<void> {
  await handle.executeUpdate('cancel', { args: [{ actor: CSE, role: 'managed-services', reason: 'end of the test' }] });
  expect(await handle.result()).toMatchObject({ outcome: 'cancelled' });
}

it('continues as new inside a change-window wait, goes on waiting for the same window, and tells nobody twice', async () => {
  // The only change window opens at the next whole minute that leaves 25 s to reach it and flood the wait.
  const { opens, changeWindows } = windowAfter(25_000);
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('continue-window');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const project = makeProject({ projectId: 'long-window', changeWindows });
    const tunables: UpgradeTunables = { ...FAST_STUB_TUNABLES, continueAsNewAfterMessages: 10 };
    const input: UpgradeWorkflowInput = { version: 1, project, tunables, playbookVersion: 1 };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });

    // Four approvals (three tasks and the CAB), then the production change is requested and the task waits.
    const waiting = await approveUntil(handle, (s) => gateState(s, INFRA) === 'waiting-window');
    const window = waiting.gates.find((g) => g.id === INFRA)!.window!;
    expect(Date.parse(window.startIso)).toBe(opens.getTime());
    expect(waiting.continuedRuns ?? 0).toBe(0);

    // 25 comments during the wait: the run takes 10 messages, so it continues as new twice inside the wait.
    for (let n = 1; n <= 25; n += 1) await decide(handle, comment(n));
    const continued = await waitForStatus(handle, (s) => (s.continuedRuns ?? 0) >= 2);
    expect(Date.now()).toBeLessThan(opens.getTime()); // still before the window: the runs changed inside the wait
    expect(continued.gates.find((g) => g.id === INFRA)).toMatchObject({ state: 'waiting-window', window });
    await eventually(async () => ((await runsOf(handle.workflowId)).length === 3 ? true : undefined));

    // The window opens; the same task goes on to its owner's decision, in the third run.
    const opened = await waitForStatus(handle, (s) => gateState(s, INFRA) === 'awaiting-approval', opens.getTime() - Date.now() + 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(opens.getTime());

    // Requested once, shown once, told once: the continued runs neither asked for the window again nor told anyone.
    const production = stubs
      .callsOf('requestInfrastructureChange', handle.workflowId)
      .filter((c) => (c.detail as { environment: string }).environment === 'production');
    expect(production.map((c) => c.detail)).toEqual([{ environment: 'production', window }]);
    await eventually(async () => (stubs.notificationsFor(handle.workflowId, 'awaiting-decision').length >= 5 ? true : undefined));
    expect(stubs.notificationsFor(handle.workflowId, 'awaiting-decision').map((n) => n.taskId)).toEqual([
      'create-upgrade-plan',
      'determine-infrastructure-changes',
      'assess-upgrade-complexity',
      'cab-infrastructure-change',
      INFRA,
    ]);
    const trail = wholeTrail(stubs, opened);
    expect(trail.filter((e) => e.kind === 'window')).toEqual([expect.objectContaining({ gateId: INFRA })]);
    expect(trail.filter((e) => e.kind === 'decision' && e.decision === 'comment')).toHaveLength(25);

    // Only the first run scheduled the request; the continued runs scheduled no automation, only the notification.
    const runs = await runsOf(handle.workflowId);
    expect(runs.map((r) => r.continuedAsNew)).toEqual([true, true, false]);
    expect(runs[0]!.activities.filter((a) => a === 'requestInfrastructureChange')).toHaveLength(2); // staging, production
    const automation = (run: { activities: string[] }) => run.activities.filter((a) => a !== 'archiveAuditTrail');
    expect(automation(runs[1]!)).toEqual([]);
    expect(automation(runs[2]!)).toEqual(['sendNotification']);
    await cancel(handle);
  });
});

it('continues as new between two steps of a task: the next run starts the next step and does not run the finished one again', async () => {
  const stubs = new StubActivities();
  const base = stubs.activities();
  // The task's first step is held until the test lets it go, so the flood arrives while its activity runs.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let conferenceCalls = 0;
  const activities: UpgradeActivities = {
    ...base,
    scheduleConference: async (...args) => {
      conferenceCalls += 1;
      await held;
      return base.scheduleConference(...args);
    },
  };
  const taskQueue = uniqueTaskQueue('continue-steps');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities }, async () => {
    const project = makeProject({ projectId: 'long-steps' });
    const tunables: UpgradeTunables = { ...FAST_STUB_TUNABLES, continueAsNewAfterMessages: 8 };
    const input: UpgradeWorkflowInput = { version: 1, project, tunables, playbookVersion: 1 };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });
    await approveUntil(handle, (s) => gateState(s, INFRA) === 'running');
    await eventually(async () => (conferenceCalls === 1 ? true : undefined));

    // Three approvals and six comments: due to continue as new, but not while the step's activity runs.
    for (let n = 1; n <= 6; n += 1) await decide(handle, comment(n));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await waitForStatus(handle, () => true)).continuedRuns ?? 0).toBe(0);
    release();

    // Right after the step: a new run, which runs the next steps and waits for the CAB.
    const cab = await waitForStatus(handle, (s) => gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
    expect(cab.continuedRuns).toBe(1);
    expect(cab.gates.find((g) => g.id === INFRA)!.steps.map((s) => [s.step, s.status])).toEqual([
      ['scheduleInfrastructureConference', 'done'],
      ['requestStagingInfrastructureChange', 'done'],
      ['migrateProductionDataToStaging', 'done'],
    ]);
    expect(conferenceCalls).toBe(1);
    expect(stubs.callsOf('scheduleConference', handle.workflowId)).toHaveLength(1);
    expect(stubs.callsOf('requestInfrastructureChange', handle.workflowId)).toHaveLength(1);
    expect(stubs.callsOf('migrateProductionDataToStaging', handle.workflowId)).toHaveLength(1);

    // The first run ended right after the finished step; the second began with the next one.
    const runs = await eventually(async () => {
      const all = await runsOf(handle.workflowId);
      return all.length === 2 ? all : undefined;
    });
    expect(runs.map((r) => r.continuedAsNew)).toEqual([true, false]);
    expect(runs[0]!.activities.at(-1)).toBe('scheduleConference');
    expect(runs[1]!.activities.filter((a) => a !== 'sendNotification')).toEqual([
      'requestInfrastructureChange',
      'migrateProductionDataToStaging',
    ]);
    await eventually(async () => (stubs.notificationsFor(handle.workflowId, 'awaiting-decision').length >= 4 ? true : undefined));
    expect(stubs.notificationsFor(handle.workflowId, 'awaiting-decision').map((n) => n.taskId)).toEqual([
      'create-upgrade-plan',
      'determine-infrastructure-changes',
      'assess-upgrade-complexity',
      'cab-infrastructure-change',
    ]);
    const trail = wholeTrail(stubs, cab);
    expect(trail.filter((e) => e.kind === 'decision' && e.decision === 'comment')).toHaveLength(6);
    await cancel(handle);
  });
});

it('continues as new while a deployment waits for its window, and the next run deploys in that same window', async () => {
  const { opens, changeWindows } = windowAfter(30_000);
  const stubs = new StubActivities();
  // Both infrastructure requests fail and are skipped: no earlier step waits for the window, only the deployment.
  stubs.failing.set('requestInfrastructureChange', 'ticketing system down');
  const taskQueue = uniqueTaskQueue('continue-deploy');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const project = makeProject({ projectId: 'long-deploy', changeWindows });
    const tunables: UpgradeTunables = { ...FAST_STUB_TUNABLES, continueAsNewAfterMessages: 10 };
    const input: UpgradeWorkflowInput = { version: 1, project, tunables, playbookVersion: 1 };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });
    let waiting: ProjectStatus;
    for (;;) {
      waiting = await approveUntil(handle, (s) => gateState(s, INFRA) === 'blocked' || gateState(s, LAUNCH) === 'waiting-window');
      if (gateState(waiting, LAUNCH) === 'waiting-window') break;
      await decide(handle, { taskId: INFRA, decision: 'skip', actor: CSE, role: 'managed-services', comment: 'changed by hand' });
      await waitForStatus(handle, (s) => gateState(s, INFRA) !== 'blocked');
    }
    const window = waiting.gates.find((g) => g.id === LAUNCH)!.window!;
    expect(Date.parse(window.startIso)).toBe(opens.getTime());
    const before = waiting.continuedRuns ?? 0; // the approvals on the way may have continued the run already

    for (let n = 1; n <= 25; n += 1) await decide(handle, { ...comment(n), taskId: LAUNCH });
    const continued = await waitForStatus(handle, (s) => (s.continuedRuns ?? 0) >= before + 2);
    expect(Date.now()).toBeLessThan(opens.getTime());
    expect(continued.gates.find((g) => g.id === LAUNCH)).toMatchObject({ state: 'waiting-window', window });
    expect(stubs.callsOf('deployToProduction', handle.workflowId)).toHaveLength(0);

    // The window opens: the deployment runs once, in it, and the launch waits for its owner.
    const deployed = await waitForStatus(
      handle,
      (s) => gateState(s, LAUNCH) === 'awaiting-approval',
      opens.getTime() - Date.now() + 30_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(opens.getTime());
    expect(stubs.callsOf('deployToProduction', handle.workflowId).map((c) => (c.detail as { window: unknown }).window)).toEqual([window]);
    const trail = wholeTrail(stubs, deployed);
    expect(trail.filter((e) => e.kind === 'window' && e.gateId === LAUNCH)).toHaveLength(1);
    const runs = await runsOf(handle.workflowId);
    expect(runs.filter((r) => r.activities.includes('deployToProduction')).map((r) => r.runId)).toEqual([runs.at(-1)!.runId]);
    await eventually(async () =>
      stubs.notificationsFor(handle.workflowId, 'awaiting-decision').some((n) => n.taskId === LAUNCH) ? true : undefined,
    );
    const told = stubs.notificationsFor(handle.workflowId, 'awaiting-decision').map((n) => n.taskId);
    expect(told).toEqual([...new Set(told)]); // every gate was told once, however many runs it took
    await cancel(handle);
  });
});
