/**
 * Records the histories that test/unit/replay-histories.test.ts replays. Runs only with RECORD_HISTORIES=1
 * (`RECORD_HISTORIES=1 npm test -- test/integration/record-histories.test.ts`): recording again is a deliberate act,
 * done when a workflow change is meant to be compatible with the old histories AND new ones should be kept too.
 * Keep the old files: running projects have histories of every version still in flight.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { UpgradeActivities } from '../../activities/contract';
import { generateSigningKey, signAssertion, signDecision, trustClaims } from '../../client/gateway/assertion-signer';
import { decideUpdate, statusQuery, trustUpdate } from '../../workflows/messages';
import { CURRENT_PLAYBOOK_VERSION, type UpgradeTunables, type UpgradeWorkflowInput } from '../../workflows/contract';
import { resolveTemporalCliPath } from '../harness/temporal-cli';
import { connectTestClient, eventually, runWorker, testServer, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, decide, gateState, OWNER_EMAIL } from '../support/drive';
import { makeProject, PEOPLE, windowAfter } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';
import { TEST_GATEWAY_KEY, testIdentity } from '../support/test-gateway-signer';

const record = process.env.RECORD_HISTORIES === '1' ? it : it.skip;
const HISTORIES = join(__dirname, '../histories');
const TUNABLES = { productionNoticeHours: 0, activityMaximumAttempts: 1, activityInitialInterval: '100ms' };

let client: Client;
let close: () => Promise<void>;
beforeAll(async () => ({ client, close } = await connectTestClient()));
afterAll(async () => close());

async function recordRun(
  name: string,
  drive: (handle: WorkflowHandle, stubs: StubActivities) => Promise<void>,
  tunables: UpgradeTunables = TUNABLES,
  overrides: Parameters<typeof makeProject>[0] = {},
  playbookVersion: number = 1,
  activitiesOf: (stubs: StubActivities) => UpgradeActivities = (stubs) => stubs.activities(),
): Promise<void> {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('record');
  await runWorker({ taskQueue, workflowsPath: require.resolve('../../workflows'), activities: activitiesOf(stubs) }, async () => {
    const project = makeProject({ projectId: `recorded-${name}`, ...overrides });
    const input: UpgradeWorkflowInput = { version: 1, project, tunables, playbookVersion };
    // The workflow id is the file's name: the replay test replays each file under its name, and a signed decision
    // names the workflow it is for (v5 on), so replay must use the id it was recorded with.
    const handle = await client.workflow.start('upgradeProject', { taskQueue, workflowId: name, args: [input] });
    await drive(handle, stubs);
    await handle.result();
    // The Temporal CLI writes the proto JSON that historyFromJSON reads back (the same as the UI's download).
    const { stdout } = await promisify(execFile)(
      resolveTemporalCliPath() ?? 'temporal',
      ['workflow', 'show', '--workflow-id', handle.workflowId, '--address', testServer().address, '--output', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    await writeFile(join(HISTORIES, `${name}.json`), stdout);
    // A project that continued as new has one history per run: each earlier run is kept too, as `<name>-run<n>`.
    const runs: string[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs.push(execution.runId);
    const latest = (await handle.describe()).runId;
    const earlier = runs.filter((runId) => runId !== latest).reverse();
    for (const [index, runId] of earlier.entries()) {
      const run = await promisify(execFile)(
        resolveTemporalCliPath() ?? 'temporal',
        ['workflow', 'show', '--workflow-id', handle.workflowId, '--run-id', runId, '--address', testServer().address, '--output', 'json'],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      await writeFile(join(HISTORIES, `${name}-run${index + 1}.json`), run.stdout);
    }
  });
}

record(
  'records the happy path, a rework path, a blocked-then-skipped path and continued runs',
  async () => {
    await recordRun('happy-path-v8', async (handle) => {
      await approveUntil(handle);
    });
    await recordRun('uat-rework-v8', async (handle) => {
      // v6: the CAB rejects the infrastructure change once (the task is redone, its people are told), then UAT fails.
      await approveUntil(handle, (s) => gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
      await decide(handle, {
        taskId: 'cab-infrastructure-change',
        decision: 'reject',
        actor: OWNER_EMAIL['managed-services'],
        role: 'managed-services',
        comment: 'overlaps the sale freeze',
      });
      await approveUntil(handle, (s) => gateState(s, 'user-acceptance-testing') === 'awaiting-approval');
      await decide(handle, {
        taskId: 'user-acceptance-testing',
        decision: 'reject',
        actor: OWNER_EMAIL.customer,
        role: 'customer',
        comment: 'checkout fails',
      });
      await approveUntil(handle);
    });
    await recordRun('blocked-skip-cancel-v8', async (handle, stubs) => {
      stubs.failing.set('draftUpgradePlan', 'repository unreachable');
      await approveUntil(handle, (s) => gateState(s, 'create-upgrade-plan') === 'blocked');
      await decide(handle, {
        taskId: 'create-upgrade-plan',
        decision: 'skip',
        actor: OWNER_EMAIL['managed-services'],
        role: 'managed-services',
        comment: 'plan drafted by hand',
      });
      await approveUntil(handle, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
      await handle.signal('approve', {
        taskId: 'determine-infrastructure-changes',
        actor: 'mallory@evil.example',
        role: 'managed-services',
      });
      // v5: a key rotation signed by the trusted key, then a decision signed by the new key.
      const next = generateSigningKey().key;
      await handle.executeUpdate(trustUpdate, {
        args: [{ assertion: signAssertion(TEST_GATEWAY_KEY, trustClaims(handle.workflowId, { add: [next.publicKey], remove: [] })) }],
      });
      const status = await handle.query(statusQuery);
      const comment = {
        taskId: 'determine-infrastructure-changes',
        decision: 'comment' as const,
        actor: OWNER_EMAIL['managed-services'],
        role: 'managed-services' as const,
        comment: 'signed with the rotated key',
      };
      await handle.executeUpdate(decideUpdate, { args: [signDecision(next, status, comment, testIdentity(comment.actor))] });
      await cancelRecorded(handle);
    });
    // v6: a project that continues as new twice (every 5 messages): while awaiting a decision, then while blocked.
    await recordRun(
      'continued-v8',
      async (handle, stubs) => {
        await approveUntil(handle, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
        for (let n = 1; n <= 6; n += 1)
          await decide(handle, {
            taskId: 'determine-infrastructure-changes',
            decision: 'comment',
            actor: OWNER_EMAIL.partner,
            role: 'partner',
            comment: `note ${n}`,
          });
        stubs.failing.set('assessUpgradeComplexity', 'UCT report missing');
        await approveUntil(handle, (s) => (s.continuedRuns ?? 0) >= 1 && gateState(s, 'assess-upgrade-complexity') === 'blocked');
        for (let n = 1; n <= 6; n += 1)
          await decide(handle, {
            taskId: 'assess-upgrade-complexity',
            decision: 'comment',
            actor: OWNER_EMAIL.partner,
            role: 'partner',
            comment: `blocked note ${n}`,
          });
        await approveUntil(handle, (s) => (s.continuedRuns ?? 0) >= 2);
        stubs.failing.delete('assessUpgradeComplexity');
        await decide(handle, {
          taskId: 'assess-upgrade-complexity',
          decision: 'retry',
          actor: OWNER_EMAIL['managed-services'],
          role: 'managed-services',
        });
        await approveUntil(
          handle,
          (s) =>
            gateState(s, 'upgrade-infrastructure-services') === 'running' ||
            gateState(s, 'cab-infrastructure-change') === 'awaiting-approval',
        );
        await cancelRecorded(handle);
      },
      { ...TUNABLES, continueAsNewAfterMessages: 5 },
    );
    // Playbook version 2: the plan is rejected and redrafted with the reason, the infrastructure CAB is decided by a
    // CAB member (the CSE who approved the changes may not), then the project runs to its end.
    expect(CURRENT_PLAYBOOK_VERSION).toBe(2);
    await recordRun(
      'playbook2-v8',
      async (handle) => {
        await approveUntil(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
        await decide(handle, {
          taskId: 'create-upgrade-plan',
          decision: 'reject',
          actor: OWNER_EMAIL.customer,
          role: 'customer',
          comment: 'launch date missing',
        });
        await approveUntil(handle, (s) => gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
        await decide(handle, {
          taskId: 'cab-infrastructure-change',
          decision: 'approve',
          actor: 'casey@adobe.example',
          role: 'managed-services',
        });
        await approveUntil(handle);
      },
      TUNABLES,
      {
        participants: {
          ...PEOPLE,
          'managed-services': [...PEOPLE['managed-services'], { name: 'Casey CAB', email: 'casey@adobe.example' }],
        },
      },
      CURRENT_PLAYBOOK_VERSION,
    );
    // v7 on (patch continue-as-new-anywhere): a flood while a step's activity runs continues the run as new right after
    // that step; the next run starts the next step.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let conferenceStarted = false;
    await recordRun(
      'continued-steps-v8',
      async (handle) => {
        await approveUntil(handle, (s) => gateState(s, 'upgrade-infrastructure-services') === 'running');
        await eventually(async () => (conferenceStarted ? true : undefined));
        for (let n = 1; n <= 6; n += 1) await decide(handle, infraComment(`note ${n} during the conference step`));
        release();
        await approveUntil(handle, (s) => (s.continuedRuns ?? 0) >= 1 && gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
        await cancelRecorded(handle);
      },
      { ...TUNABLES, continueAsNewAfterMessages: 8 },
      {},
      1,
      (stubs) => {
        const base = stubs.activities();
        return {
          ...base,
          scheduleConference: async (...args) => {
            conferenceStarted = true;
            await held;
            return base.scheduleConference(...args);
          },
        };
      },
    );
    // v7 on: a flood during a change-window wait continues the run as new inside the wait; the next run waits for the
    // same window, then the task goes on to its decision.
    const { opens, changeWindows } = windowAfter(25_000);
    await recordRun(
      'continued-window-v8',
      async (handle) => {
        await approveUntil(handle, (s) => gateState(s, 'upgrade-infrastructure-services') === 'waiting-window');
        for (let n = 1; n <= 12; n += 1) await decide(handle, infraComment(`note ${n} while the task waits for its window`));
        await approveUntil(
          handle,
          (s) => (s.continuedRuns ?? 0) >= 1 && gateState(s, 'upgrade-infrastructure-services') === 'waiting-window',
        );
        expect(Date.now()).toBeLessThan(opens.getTime());
        await approveUntil(
          handle,
          (s) => gateState(s, 'upgrade-infrastructure-services') === 'approved',
          opens.getTime() - Date.now() + 60_000,
        );
        await cancelRecorded(handle);
      },
      { ...TUNABLES, continueAsNewAfterMessages: 10 },
      { changeWindows },
    );
  },
  600_000,
);

const infraComment = (comment: string) => ({
  taskId: 'upgrade-infrastructure-services',
  decision: 'comment' as const,
  actor: OWNER_EMAIL['managed-services'],
  role: 'managed-services' as const,
  comment,
});

async function cancelRecorded(handle: WorkflowHandle): Promise<void> {
  await handle.executeUpdate('cancel', {
    args: [{ actor: OWNER_EMAIL['managed-services'], role: 'managed-services', reason: 'recorded cancellation' }],
  });
}
