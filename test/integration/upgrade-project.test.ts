/**
 * The upgradeProject workflow on the real dev server with stubbed automation (see test/support/stub-activities.ts
 * for why): approvals, refusals, rework, blocked steps, reminders, change windows, cancellation, worker restarts.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ProjectFile } from '../../workflows/project-input';
import {
  UpgradeAwaitingSince,
  UpgradeAwaitingTasks,
  UpgradeReworkCount,
  workflowIdFor,
  type UpgradeTunables,
  type UpgradeWorkflowInput,
} from '../../workflows/contract';
import { approveSignal, cancelUpdate, commentSignal, statusQuery } from '../../workflows/messages';
import type { UpgradeProjectResult } from '../../workflows/final-report';
import { connectTestClient, eventually, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, decide, FAST_STUB_TUNABLES, gateState, OWNER_EMAIL, refusal, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const TUNABLES: UpgradeTunables = FAST_STUB_TUNABLES;

let client: Client;
let closeClient: () => Promise<void>;

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
});
afterAll(async () => {
  await closeClient();
});

async function start(taskQueue: string, project: ProjectFile): Promise<WorkflowHandle> {
  const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES };
  return client.workflow.start('upgradeProject', {
    taskQueue,
    workflowId: workflowIdFor(project.projectId),
    args: [input],
  });
}

function withStubs(fn: (stubs: StubActivities, taskQueue: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const stubs = new StubActivities();
    const taskQueue = uniqueTaskQueue('upgrade');
    await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, () => fn(stubs, taskQueue));
  };
}

describe('upgradeProject', () => {
  it(
    'runs the happy path through all ten tasks with approvals by the owners, visible in search attributes',
    withStubs(async (stubs, taskQueue) => {
      const project = makeProject();
      const handle = await start(taskQueue, project);
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

      // A manager finds the project by its search attributes: waiting on the customer, in the plan phase.
      const query = `UpgradeProjectId = '${project.projectId}' AND UpgradeAwaitingRoles = 'customer' AND UpgradePhase = 'plan'`;
      expect(await countOf(query)).toBe(1);
      const description = await handle.describe();
      expect(await description.staticSummary()).toBeUndefined(); // this test started it without the CLI
      // Since when: the oldest awaited step's start is a Datetime search attribute, so the board needs no query.
      const waiting = await handle.query(statusQuery);
      expect(description.typedSearchAttributes.get(UpgradeAwaitingSince)?.toISOString()).toBe(waiting.awaiting[0]!.since);
      expect(description.typedSearchAttributes.get(UpgradeAwaitingTasks)).toEqual(['create-upgrade-plan']);
      expect(description.typedSearchAttributes.get(UpgradeReworkCount)).toBe(0);
      expect(await countOf(`UpgradeProjectId = '${project.projectId}' AND UpgradeAwaitingSince <= '${new Date().toISOString()}'`)).toBe(1);

      const finalStatus = await approveUntil(handle);
      expect(finalStatus.state).toBe('completed');
      const result: UpgradeProjectResult = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.gates.map((g) => [g.id, g.state])).toEqual([
        ['create-upgrade-plan', 'approved'],
        ['determine-infrastructure-changes', 'approved'],
        ['assess-upgrade-complexity', 'approved'],
        ['upgrade-infrastructure-services', 'approved'],
        ['cab-infrastructure-change', 'approved'],
        ['update-code-base', 'approved'],
        ['post-upgrade-checks', 'approved'],
        ['performance-and-security-tests', 'approved'],
        ['user-acceptance-testing', 'approved'],
        ['launch-to-production', 'approved'],
        ['cab-production-deployment', 'approved'],
        ['post-launch-monitoring', 'approved'],
      ]);
      // Each approval names the evidence the automation produced for it.
      const plan = result.gates.find((g) => g.id === 'create-upgrade-plan')!;
      expect(plan.approvals[0]).toMatchObject({ actor: OWNER_EMAIL.customer, evidence: [plan.steps[0]!.artifact] });
      expect(result.report?.name).toBe('final-report.md');
      expect(stubs.callsOf('deployToProduction', handle.workflowId)).toHaveLength(1);
      expect(stubs.notificationsFor(handle.workflowId, 'awaiting-decision')).toHaveLength(12);

      const history = await handle.fetchHistory();
      expect(history.events!.length).toBeLessThan(1000);

      const done = `UpgradeProjectId = '${project.projectId}' AND UpgradePhase = 'completed' AND ExecutionStatus = 'Completed'`;
      expect(await countOf(done)).toBe(1);
      expect((await handle.describe()).typedSearchAttributes.get(UpgradeAwaitingSince)).toBeUndefined();
    }),
  );

  it(
    'refuses wrong roles and people through the update with the reason, records refused signals, answers duplicates once',
    withStubs(async (_stubs, taskQueue) => {
      const handle = await start(taskQueue, makeProject({ requiredApprovals: { 'create-upgrade-plan': 2 } }));
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
      const plan = { taskId: 'create-upgrade-plan', decision: 'approve' as const };

      expect(await refusal(decide(handle, { ...plan, actor: OWNER_EMAIL.partner, role: 'partner' }))).toMatch(
        /only the owner role \(customer\) decides create-upgrade-plan/,
      );
      expect(await refusal(decide(handle, { ...plan, actor: 'mallory@evil.example', role: 'customer' }))).toMatch(
        /mallory@evil\.example is not a named customer participant/,
      );
      expect(
        await refusal(decide(handle, { ...plan, taskId: 'launch-to-production', actor: OWNER_EMAIL.partner, role: 'partner' })),
      ).toMatch(/launch-to-production is pending, not awaiting approval/);
      expect(await refusal(decide(handle, { ...plan, actor: 'x', role: 'customer', extra: 1 } as never))).toMatch(/malformed decision/);

      const first = await decide(handle, { ...plan, actor: OWNER_EMAIL.customer, role: 'customer', requestId: 'req-1' });
      const again = await decide(handle, { ...plan, actor: OWNER_EMAIL.customer, role: 'customer', requestId: 'req-1' });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ ...first, duplicate: true });

      // Signals cannot answer: a refused one is recorded in the audit trail and changes nothing.
      await handle.signal(approveSignal, { taskId: 'create-upgrade-plan', actor: 'mallory@evil.example', role: 'customer' });
      await handle.signal(approveSignal, { nonsense: true } as never);
      await handle.signal(commentSignal, {
        taskId: 'create-upgrade-plan',
        actor: OWNER_EMAIL.partner,
        role: 'partner',
        comment: 'composer.lock attached',
      });
      const status = await waitForStatus(
        handle,
        (s) => s.audit.filter((e) => e.kind === 'refused').length === 2 && s.audit.some((e) => e.decision === 'comment'),
      );
      const plansGate = status.gates.find((g) => g.id === 'create-upgrade-plan')!;
      expect(plansGate).toMatchObject({
        state: 'awaiting-approval',
        approvals: [expect.objectContaining({ actor: OWNER_EMAIL.customer })],
      });
      expect(status.audit.filter((e) => e.kind === 'refused')).toEqual([
        expect.objectContaining({
          via: 'signal',
          actor: 'mallory@evil.example',
          reason: expect.stringMatching(/not a named customer participant/),
        }),
        expect.objectContaining({ via: 'signal', reason: expect.stringMatching(/malformed approve signal/) }),
      ]);

      // The second customer completes the two required approvals, by signal this time.
      await handle.signal(approveSignal, { taskId: 'create-upgrade-plan', actor: 'chris@acme.example', role: 'customer' });
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'approved');
      await cancel(handle);
    }),
  );

  it(
    'sends a rejected UAT back to the code update, voids the redone approvals and completes',
    withStubs(async (stubs, taskQueue) => {
      const handle = await start(taskQueue, makeProject());
      await approveUntil(handle, (s) => gateState(s, 'user-acceptance-testing') === 'awaiting-approval');
      expect(
        await refusal(
          decide(handle, { taskId: 'user-acceptance-testing', decision: 'reject', actor: OWNER_EMAIL.customer, role: 'customer' }),
        ),
      ).toMatch(/must say why/);
      stubs.bumpVersion('prepareUpgradeBranch');
      await decide(handle, {
        taskId: 'user-acceptance-testing',
        decision: 'reject',
        actor: OWNER_EMAIL.customer,
        role: 'customer',
        comment: 'checkout fails with saved cards',
      });
      const reworked = await waitForStatus(handle, (s) => gateState(s, 'update-code-base') === 'awaiting-approval');
      expect(reworked.rework).toEqual([
        expect.objectContaining({
          rejectedTask: 'user-acceptance-testing',
          backTo: 'update-code-base',
          reason: 'checkout fails with saved cards',
        }),
      ]);
      const codeGate = reworked.gates.find((g) => g.id === 'update-code-base')!;
      expect(codeGate).toMatchObject({ rounds: 2, voidedApprovals: 1, approvals: [] });
      expect(reworked.gates.find((g) => g.id === 'post-upgrade-checks')).toMatchObject({ state: 'pending', voidedApprovals: 1 });
      expect(reworked.gates.find((g) => g.id === 'upgrade-infrastructure-services')?.state).toBe('approved');

      const result: UpgradeProjectResult = await approveUntil(handle).then(() => handle.result());
      expect(result.outcome).toBe('completed');
      expect(result.gates.find((g) => g.id === 'user-acceptance-testing')).toMatchObject({ state: 'approved', rounds: 2 });
      expect(stubs.callsOf('prepareUpgradeBranch', handle.workflowId)).toHaveLength(2);
      expect(stubs.notificationsFor(handle.workflowId, 'rejected')).toHaveLength(1);
    }),
  );

  it(
    'redoes the infrastructure task when the CAB rejects, and tells its owner why',
    withStubs(async (stubs, taskQueue) => {
      const handle = await start(taskQueue, makeProject());
      await approveUntil(handle, (s) => gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
      const cse = OWNER_EMAIL['managed-services'];
      await decide(handle, {
        taskId: 'cab-infrastructure-change',
        decision: 'reject',
        actor: cse,
        role: 'managed-services',
        comment: 'Redis change overlaps the sale freeze',
      });
      const redone = await waitForStatus(
        handle,
        (s) =>
          gateState(s, 'cab-infrastructure-change') === 'awaiting-approval' &&
          s.gates.find((g) => g.id === 'cab-infrastructure-change')!.rounds === 2,
      );
      expect(redone.rework).toEqual([
        expect.objectContaining({
          rejectedTask: 'cab-infrastructure-change',
          backTo: 'upgrade-infrastructure-services',
          reason: 'Redis change overlaps the sale freeze',
          actor: cse,
        }),
      ]);
      expect(redone.gates.find((g) => g.id === 'upgrade-infrastructure-services')!.rounds).toBe(2);
      // The board's rework column: one search attribute, no status query.
      expect(
        await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(UpgradeReworkCount) === 1 ? true : undefined)),
      ).toBe(true);
      expect(stubs.notificationsFor(handle.workflowId, 'rejected')).toEqual([
        expect.objectContaining({
          taskId: 'cab-infrastructure-change',
          to: ['managed-services', 'customer', 'partner'],
          actors: ['managed-services'],
          reason: 'Redis change overlaps the sale freeze',
          backTo: 'upgrade-infrastructure-services',
          idempotencyKey: `${handle.workflowId}/cab-infrastructure-change/r1/rejected`,
        }),
      ]);
      await cancel(handle);
    }),
  );

  it(
    'blocks a task whose automation keeps failing, then retries it, and skips another with a reason',
    withStubs(async (stubs, taskQueue) => {
      stubs.failing.set('draftUpgradePlan', 'repository unreachable: connect ECONNREFUSED 127.0.0.1:9');
      const handle = await start(taskQueue, makeProject());
      const blocked = await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'blocked');
      const gate = blocked.gates.find((g) => g.id === 'create-upgrade-plan')!;
      expect(gate.blocked).toMatchObject({ step: 'draftUpgradePlan', error: expect.stringMatching(/ECONNREFUSED/) });
      expect(blocked.awaiting[0]).toMatchObject({ gateId: 'create-upgrade-plan', roles: ['customer', 'managed-services'] });
      // The status shows the block before the notification activity has run: wait for the message itself.
      expect(await eventually(async () => stubs.notificationsFor(handle.workflowId, 'blocked')[0])).toMatchObject({
        to: ['customer', 'managed-services'],
      });
      expect((await handle.describe()).status.name).toBe('RUNNING');

      stubs.failing.delete('draftUpgradePlan');
      await decide(handle, {
        taskId: 'create-upgrade-plan',
        decision: 'retry',
        actor: OWNER_EMAIL['managed-services'],
        role: 'managed-services',
      });
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

      stubs.failing.set('assessUpgradeComplexity', 'UCT report missing');
      await approveUntil(handle, (s) => gateState(s, 'assess-upgrade-complexity') === 'blocked');
      await decide(handle, {
        taskId: 'assess-upgrade-complexity',
        decision: 'skip',
        actor: OWNER_EMAIL.partner,
        role: 'partner',
        comment: 'UCT report reviewed by hand, attached to the ticket',
      });
      const skipped = await waitForStatus(handle, (s) => gateState(s, 'assess-upgrade-complexity') === 'awaiting-approval');
      expect(skipped.gates.find((g) => g.id === 'assess-upgrade-complexity')!.steps).toEqual([
        expect.objectContaining({
          step: 'assessUpgradeComplexity',
          status: 'skipped',
          summary: 'skipped: UCT report reviewed by hand, attached to the ticket',
        }),
      ]);
      await cancel(handle);
    }),
  );

  it(
    'reminds the owner and escalates to the CSE on timers, marks the task overdue, and never decides by timer',
    withStubs(async (stubs, taskQueue) => {
      const project = makeProject({ timing: { remindAfter: '1s', escalateAfter: '2500ms' } });
      const handle = await start(taskQueue, project);
      const overdue = await waitForStatus(handle, (s) => s.awaiting.some((a) => a.overdue) && s.gates[0]!.reminders >= 2, 20_000);
      expect(overdue.gates[0]).toMatchObject({ id: 'create-upgrade-plan', state: 'awaiting-approval', overdue: true, escalations: 1 });
      expect(await eventually(async () => stubs.notificationsFor(handle.workflowId, 'reminder')[0])).toMatchObject({ to: ['customer'] });
      expect(await eventually(async () => stubs.notificationsFor(handle.workflowId, 'escalation')[0])).toMatchObject({
        to: ['managed-services'],
      });
      const query = `UpgradeProjectId = '${project.projectId}' AND UpgradeOverdue = true`;
      expect(await countOf(query)).toBe(1);
      await decide(handle, { taskId: 'create-upgrade-plan', decision: 'approve', actor: OWNER_EMAIL.customer, role: 'customer' });
      const after = await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'approved');
      expect(after.gates[0]!.overdue).toBe(false);
      await cancel(handle);
    }),
  );

  it(
    'waits for CAB approval and the next change window before deploying to production',
    withStubs(async (stubs, taskQueue) => {
      // The only window opens tomorrow at this time (UTC): the deployment must wait for it.
      const tomorrow = new Date(Date.now() + 86_400_000);
      const day = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[tomorrow.getUTCDay()]!;
      const startUtc = `${String(tomorrow.getUTCHours()).padStart(2, '0')}:${String(tomorrow.getUTCMinutes()).padStart(2, '0')}`;
      const handle = await start(taskQueue, makeProject({ changeWindows: [{ days: [day], startUtc, durationMinutes: 120 }] }));
      // Production infrastructure waits for its window too: approve up to there and check it waits.
      await approveUntil(handle, (s) => gateState(s, 'upgrade-infrastructure-services') === 'waiting-window');
      const waiting = await handle.query(statusQuery);
      const infra = waiting.gates.find((g) => g.id === 'upgrade-infrastructure-services')!;
      expect(gateState(waiting, 'cab-infrastructure-change')).toBe('approved');
      expect(Date.parse(infra.window!.startIso)).toBeGreaterThan(Date.now() + 86_000_000);
      expect(
        stubs.callsOf('requestInfrastructureChange', handle.workflowId).map((c) => (c.detail as { environment: string }).environment),
      ).toEqual(['staging', 'production']);
      expect(stubs.callsOf('deployToProduction', handle.workflowId)).toHaveLength(0);
      await cancel(handle);
    }),
  );

  it(
    'is cancelled by a CSE only: participants are told, status shows who and why',
    withStubs(async (stubs, taskQueue) => {
      const handle = await start(taskQueue, makeProject());
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
      expect(
        await refusal(handle.executeUpdate(cancelUpdate, { args: [{ actor: OWNER_EMAIL.customer, role: 'customer', reason: 'budget' }] })),
      ).toMatch(/only the CSE/);
      await handle.executeUpdate(cancelUpdate, {
        args: [{ actor: OWNER_EMAIL['managed-services'], role: 'managed-services', reason: 'customer postponed to Q2' }],
      });
      const result: UpgradeProjectResult = await handle.result();
      expect(result).toMatchObject({
        outcome: 'cancelled',
        cancelled: { actor: OWNER_EMAIL['managed-services'], reason: 'customer postponed to Q2' },
      });
      const status = await handle.query(statusQuery);
      expect(status).toMatchObject({ state: 'cancelled', phase: 'cancelled' });
      expect(status.gates[0]!.state).toBe('cancelled');
      expect(stubs.notificationsFor(handle.workflowId, 'cancelled')[0]).toMatchObject({ to: ['customer', 'partner', 'managed-services'] });
      // A finished workflow takes no updates at all: Temporal itself refuses them.
      await expect(
        decide(handle, { taskId: 'create-upgrade-plan', decision: 'approve', actor: OWNER_EMAIL.customer, role: 'customer' }),
      ).rejects.toThrow(/completed|not found/i);
    }),
  );

  it(
    'is cancelled through Temporal (the UI, `temporal workflow cancel`) as by "temporal", with the wrap-up, and stays readable',
    withStubs(async (stubs, taskQueue) => {
      const handle = await start(taskQueue, makeProject());
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
      // What the UI's "Request Cancellation" sends: a cancellation request, not our `cancel` update.
      await handle.cancel();
      const result: UpgradeProjectResult = await handle.result();
      expect(result).toMatchObject({
        outcome: 'cancelled',
        cancelled: { actor: 'temporal', reason: 'the workflow was cancelled through Temporal' },
      });
      expect(result.report).toBeDefined();
      expect(stubs.notificationsFor(handle.workflowId, 'cancelled')[0]).toMatchObject({ to: ['customer', 'partner', 'managed-services'] });
      // No workflow task failed on the way (it used to fail with an unhandled CancelledFailure and wedge the project).
      const history = await handle.fetchHistory();
      expect(history.events?.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      expect((await handle.query(statusQuery)).state).toBe('cancelled');
    }),
  );

  it('answers status and keeps what people send while the project file is being checked', async () => {
    const stubs = new StubActivities();
    const taskQueue = uniqueTaskQueue('checking');
    const base = stubs.activities();
    // The check (a local activity) is held until the test lets it go, so the query and the signal land during it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let checking = false;
    const activities = {
      ...base,
      validateProject: async (file: unknown) => {
        checking = true;
        await held;
        return base.validateProject(file);
      },
    };
    await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities }, async () => {
      const project = makeProject();
      const handle = await start(taskQueue, project);
      await eventually(async () => (checking ? true : undefined));
      await handle.signal(commentSignal, {
        taskId: 'create-upgrade-plan',
        actor: OWNER_EMAIL.partner,
        role: 'partner',
        comment: 'sent during the check',
      });
      // The check is still held here (only release() ends it), so this answer comes from the check's moment. The
      // SDK answers it once the first workflow task is heartbeated (measured: 7.8 s into a check held that long; a
      // real check takes milliseconds).
      const during = await handle.query(statusQuery);
      release();
      expect(during).toMatchObject({
        projectId: project.projectId,
        customer: project.customer,
        state: 'running',
        phase: 'plan',
        gates: [],
      });
      const after = await waitForStatus(handle, (s) => s.audit.some((a) => a.comment === 'sent during the check'));
      expect(after.gates.length).toBeGreaterThan(0);
      await cancel(handle);
    });
  });

  it('loses nothing when the worker stops mid-project and a new worker takes over', async () => {
    const taskQueue = uniqueTaskQueue('restart');
    const first = new StubActivities();
    const project = makeProject();
    let handle!: WorkflowHandle;
    await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: first.activities() }, async () => {
      handle = await start(taskQueue, project);
      await approveUntil(handle, (s) => gateState(s, 'update-code-base') === 'awaiting-approval');
      await decide(handle, {
        taskId: 'update-code-base',
        decision: 'comment',
        actor: OWNER_EMAIL.customer,
        role: 'customer',
        comment: 'please keep the B2B module',
      });
    });
    // No worker now: a decision sent while none runs waits in Temporal and is applied once one returns.
    const pending = decide(handle, {
      taskId: 'update-code-base',
      decision: 'approve',
      actor: OWNER_EMAIL.partner,
      role: 'partner',
      requestId: 'while-down',
    });
    const second = new StubActivities();
    await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: second.activities() }, async () => {
      await pending;
      const status = await approveUntil(handle);
      expect(status.state).toBe('completed');
      const result: UpgradeProjectResult = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.decisions.filter((d) => d.gateId === 'update-code-base').map((d) => d.decision)).toEqual(['comment', 'approve']);
    });
    // Work done before the restart was not redone by the new worker.
    expect(first.callsOf('prepareUpgradeBranch')).toHaveLength(1);
    expect(second.callsOf('prepareUpgradeBranch')).toHaveLength(0);
    expect(second.callsOf('runPostUpgradeRunbook').length).toBeGreaterThan(0);
  });
});

async function cancel(handle: WorkflowHandle): Promise<void> {
  await handle.executeUpdate(cancelUpdate, {
    args: [{ actor: OWNER_EMAIL['managed-services'], role: 'managed-services', reason: 'test finished' }],
  });
  await handle.result();
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** How many workflows a visibility query finds, once it finds any (visibility is eventually consistent). */
function countOf(query: string): Promise<number> {
  return eventually(async () => (await collect(client.workflow.list({ query }))).length || undefined);
}
