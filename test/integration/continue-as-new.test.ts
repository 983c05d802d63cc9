/**
 * Issue #12, findings 6 and 7: a flood of messages cannot break a project for good. On the real dev server, with
 * the stub activities: a project taking more decisions than its run allows continues as new, carrying its state —
 * the wait it was in, its request ids, its audit trail (older entries archived as a content-addressed artifact) —
 * and goes on deciding in the new run; one person's comments are rate-limited; a long refused field is cut.
 */
import type { Client } from '@temporalio/client';
import { workflowIdFor, type DecisionPayload, type UpgradeTunables, type UpgradeWorkflowInput } from '../../workflows/contract';
import { AUDIT_ENTRIES_CARRIED, MAX_REASON_KEPT, NOTES_PER_PERSON_PER_HOUR, type AuditEntry } from '../../workflows/project-state';
import { connectTestClient, eventually, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { decide, FAST_STUB_TUNABLES, gateState, OWNER_EMAIL, refusal, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const MESSAGES_PER_RUN = 110;
const TUNABLES: UpgradeTunables = { ...FAST_STUB_TUNABLES, continueAsNewAfterMessages: MESSAGES_PER_RUN };

let client: Client;
let close: () => Promise<void>;
beforeAll(async () => ({ client, close } = await connectTestClient()));
afterAll(async () => close());

const comment = (actor: string, role: DecisionPayload['role'], n: number, requestId?: string): DecisionPayload => ({
  taskId: 'create-upgrade-plan',
  decision: 'comment',
  actor,
  role,
  comment: `note ${n} from ${actor}`,
  ...(requestId ? { requestId } : {}),
});

async function runIds(workflowId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) ids.push(execution.runId);
  return ids;
}

jest.setTimeout(180_000);

it('continues as new before the run limits, carrying the wait, request ids and audit trail, and keeps deciding', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('continue');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const project = makeProject({ projectId: 'long-lived' });
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES, playbookVersion: 1 };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });
    const firstRun = handle.firstExecutionRunId;
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

    // One request id early on, to send again after the run changed.
    const early = await decide(handle, comment(OWNER_EMAIL.customer, 'customer', 0, 'early-request'));

    // 115 decisions from the four people of the project, more than one run takes (110 here, 1,500 by default).
    const people: [string, DecisionPayload['role'], number][] = [
      [OWNER_EMAIL.customer, 'customer', NOTES_PER_PERSON_PER_HOUR - 1],
      ['chris@acme.example', 'customer', 29],
      [OWNER_EMAIL.partner, 'partner', 28],
      [OWNER_EMAIL['managed-services'], 'managed-services', 28],
    ];
    let sent = 1;
    for (const [actor, role, count] of people) {
      for (let n = 1; n <= count; n += 1) {
        await decide(handle, comment(actor, role, n));
        sent += 1;
      }
    }
    expect(sent).toBe(115);

    // Comments are rate-limited per person: Carla has sent 30 this hour, the 31st is refused with when to retry.
    expect(await refusal(decide(handle, comment(OWNER_EMAIL.customer, 'customer', 31)))).toMatch(
      new RegExp(
        `carla@acme\\.example has sent ${NOTES_PER_PERSON_PER_HOUR} comments and acknowledgements to this project in the last hour, the most a person may; send again after 20`,
      ),
    );

    // The project continued as new, and is still waiting on the same approval with the same reminder schedule.
    const status = await waitForStatus(handle, (s) => (s.continuedRuns ?? 0) >= 1);
    expect(gateState(status, 'create-upgrade-plan')).toBe('awaiting-approval');
    expect((await runIds(handle.workflowId)).length).toBeGreaterThanOrEqual(2);
    expect((await handle.describe()).runId).not.toBe(firstRun);

    // The trail is whole: archived entries (in their artifact) then the carried ones, ids contiguous from 1.
    const archives = status.auditArchives ?? [];
    expect(archives.length).toBeGreaterThanOrEqual(1);
    const archived = archives.flatMap((a) => (stubs.archives.get(a.artifact.id) ?? []) as AuditEntry[]);
    expect(archived.length).toBe(archives.reduce((n, a) => n + a.entries, 0));
    const all = [...archived, ...status.audit];
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
    expect(status.audit.length).toBeLessThanOrEqual(AUDIT_ENTRIES_CARRIED + 5);
    expect(all.filter((e) => e.kind === 'decision' && e.decision === 'comment')).toHaveLength(115);
    expect(all.filter((e) => e.kind === 'refused')).toHaveLength(0); // update refusals are answered, not recorded

    // A request id from the first run is still recognised: answered again, applied once.
    expect(await decide(handle, comment(OWNER_EMAIL.customer, 'customer', 0, 'early-request'))).toEqual({ ...early, duplicate: true });

    // A signal with a 100 KB unknown field is refused and recorded, with its reason cut.
    await handle.signal('approve', {
      taskId: 'create-upgrade-plan',
      actor: OWNER_EMAIL.customer,
      role: 'customer',
      ['x'.repeat(100_000)]: 1,
    });
    const refused = await waitForStatus(handle, (s) => s.audit.some((e) => e.kind === 'refused'));
    expect(refused.audit.find((e) => e.kind === 'refused')!.reason!.length).toBeLessThanOrEqual(MAX_REASON_KEPT + 10);

    // And the project goes on: the customer approves the plan in the new run.
    await decide(handle, { taskId: 'create-upgrade-plan', decision: 'approve', actor: OWNER_EMAIL.customer, role: 'customer' });
    await waitForStatus(handle, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
    // Told once per wait, not again by a continued run (the status shows the wait before the message is sent).
    await eventually(async () => (stubs.notificationsFor(handle.workflowId, 'awaiting-decision').length >= 2 ? true : undefined));
    expect(stubs.notificationsFor(handle.workflowId, 'awaiting-decision').map((n) => n.taskId)).toEqual([
      'create-upgrade-plan',
      'determine-infrastructure-changes',
    ]);

    await handle.executeUpdate('cancel', {
      args: [{ actor: OWNER_EMAIL['managed-services'], role: 'managed-services', reason: 'end of the test' }],
    });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'cancelled', projectId: 'long-lived' });
    for (const runId of await runIds(handle.workflowId)) {
      const history = await client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      expect(history.events!.length).toBeLessThan(2000);
    }
  });
});

it('continues as new while a step is blocked, and the retry in the new run runs the step', async () => {
  const stubs = new StubActivities();
  stubs.failing.set('draftUpgradePlan', 'repository unreachable');
  const taskQueue = uniqueTaskQueue('continue-blocked');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const project = makeProject({ projectId: 'long-blocked' });
    const input: UpgradeWorkflowInput = {
      version: 1,
      project,
      tunables: { ...TUNABLES, continueAsNewAfterMessages: 5 },
      playbookVersion: 1,
    };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'blocked');
    for (let n = 1; n <= 6; n += 1) await decide(handle, comment(OWNER_EMAIL['managed-services'], 'managed-services', n));
    const continued = await waitForStatus(handle, (s) => (s.continuedRuns ?? 0) >= 1);
    expect(continued.gates.find((g) => g.id === 'create-upgrade-plan')).toMatchObject({
      state: 'blocked',
      blocked: { step: 'draftUpgradePlan', error: expect.stringMatching(/repository unreachable/) },
    });
    expect(stubs.notificationsFor(handle.workflowId, 'blocked')).toHaveLength(1); // the new run does not tell it again

    stubs.failing.delete('draftUpgradePlan');
    await decide(handle, {
      taskId: 'create-upgrade-plan',
      decision: 'retry',
      actor: OWNER_EMAIL['managed-services'],
      role: 'managed-services',
    });
    const after = await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    expect(after.gates[0]!.steps).toEqual([expect.objectContaining({ step: 'draftUpgradePlan', status: 'done' })]);
    await handle.executeUpdate('cancel', {
      args: [{ actor: OWNER_EMAIL['managed-services'], role: 'managed-services', reason: 'end of the test' }],
    });
    expect(await handle.result()).toMatchObject({ outcome: 'cancelled' });
  });
});
